import { readEvidence } from '../../hunt/run-query.js';
import { SkipLedger } from '../../input/index.js';
import { formatLineage, LineageIndex } from '../../lineage/index.js';
import { EXIT_OK, EXIT_SKIPPED_INPUT, EXIT_USAGE } from '../exit-codes.js';
import { stderr } from '../output.js';

export async function runLineageCommand(entityId: string, evidence: string[], flags: { format: string }): Promise<void> {
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
}
