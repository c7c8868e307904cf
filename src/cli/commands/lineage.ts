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
    .option(
      '--max-memory <size>',
      'memory budget, e.g. 512MB: the process tree takes the share a hunt\'s lineage index takes; when the ' +
        'process\'s host outgrows it, the other hosts are dropped and its files read again (default: half the RAM, at most 2GB)',
    )
    .option('--no-progress', 'no progress bar on stderr')
    .addHelpText(
      'after',
      '\nExample:\n  trawl lineage "MzQ0OS0xNjk5..." samples/ --format tree\n\n' +
        'Exit codes: 0 the tree is complete, 1 some input was skipped or part of the host\'s\nevents did not fit --max-memory, 2 usage error or no such process.',
    )
    .action(async (entityId: string, evidence: string[], flags: { format: string; maxMemory?: string; progress: boolean }) => {
      if (flags.format !== 'tree' && flags.format !== 'json') throw new UsageError('--format must be tree or json');
      const { runLineageCommand } = await import('./lineage-run.js');
      await runLineageCommand(entityId, evidence, flags);
    });
}
