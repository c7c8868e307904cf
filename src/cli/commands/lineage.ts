import type { Command } from 'commander';
import { readEvidence } from '../../hunt/run-query.js';
import { SkipLedger } from '../../input/index.js';
import { formatLineage, LineageIndex } from '../../lineage/index.js';
import { EXIT_OK, EXIT_SKIPPED_INPUT, EXIT_USAGE } from '../exit-codes.js';
import { stderr, UsageError } from '../output.js';

export function registerLineage(program: Command): void {
  program
    .command('lineage')
    .summary('print the ancestry and descendants of one process')
    .description('Build the process tree from the evidence and print the ancestry chain (root → process) and the descendant tree of one process, found by process.entity_id.')
    .argument('<entity-id>', 'process.entity_id of the process')
    .argument('<evidence...>', 'files, directories, globs, or - for stdin')
    .option('-f, --format <format>', 'tree | json', 'tree')
    .addHelpText('after', '\nExample:\n  trawl lineage "MzQ0OS0xNjk5..." samples/ --format tree')
    .action(async (entityId: string, evidence: string[], flags: { format: string }) => {
      if (flags.format !== 'tree' && flags.format !== 'json') throw new UsageError('--format must be tree or json');
      const ledger = new SkipLedger();
      const index = new LineageIndex();
      const stats = { files: 0, bytes: 0, events: 0, ledger };
      for await (const ev of readEvidence(evidence, stats, process.stderr.isTTY === true)) index.add(ev);
      const matches = index.findByEntityId(entityId);
      if (matches.length === 0) {
        stderr(`trawl lineage: no process with entity id ${entityId} in the evidence`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      for (const rec of matches) process.stdout.write(`${formatLineage(index, rec.key, flags.format as 'tree' | 'json')}\n`);
      const skipped = ledger.total;
      if (skipped) stderr(`skipped ${skipped} input item(s): ${Object.entries(ledger.byKind).map(([k, c]) => `${c?.count} ${k}`).join(', ')}`);
      process.exitCode = skipped ? EXIT_SKIPPED_INPUT : EXIT_OK;
    });
}
