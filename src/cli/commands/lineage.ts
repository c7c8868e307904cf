import type { Command } from 'commander';
import { UsageError } from '../output.js';

export function registerLineage(program: Command): void {
  program
    .command('lineage')
    .summary('print the ancestry and descendants of one process')
    .description('Build the process tree from the evidence and print the ancestry chain\n(root → process) and the descendant tree of one process, found by\nprocess.entity_id.')
    .argument('<entity-id>', 'process.entity_id of the process')
    .argument('<evidence...>', 'files, directories, globs, or - for stdin')
    .option('-f, --format <format>', 'tree | json', 'tree')
    .addHelpText('after', '\nExample:\n  trawl lineage "MzQ0OS0xNjk5..." samples/ --format tree')
    .action(async (entityId: string, evidence: string[], flags: { format: string }) => {
      if (flags.format !== 'tree' && flags.format !== 'json') throw new UsageError('--format must be tree or json');
      const { runLineageCommand } = await import('./lineage-run.js');
      await runLineageCommand(entityId, evidence, flags);
    });
}
