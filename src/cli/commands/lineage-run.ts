import { defaultMaxMemory, formatSize } from '../../hunt/memory-budget.js';
import { lineageOf } from '../../hunt/lineage-of.js';
import { SkipLedger } from '../../input/index.js';
import { formatLineage } from '../../lineage/index.js';
import { EXIT_OK, EXIT_SKIPPED_INPUT, EXIT_USAGE } from '../exit-codes.js';
import { parseMaxMemory, stderr } from '../output.js';

export async function runLineageCommand(entityId: string, evidence: string[], flags: { format: string; maxMemory?: string; progress?: boolean }): Promise<void> {
  const maxMemory = parseMaxMemory(flags.maxMemory) ?? defaultMaxMemory();
  const ledger = new SkipLedger();
  const found = await lineageOf(entityId, evidence, { maxMemory, ledger, progress: flags.progress !== false && process.stderr.isTTY === true });
  const { index, matches } = found;
  if (matches.length === 0) {
    stderr(`trawl lineage: no process with entity id ${entityId} in the evidence`);
    process.exitCode = EXIT_USAGE;
    return;
  }
  for (const rec of matches) process.stdout.write(`${formatLineage(index, rec.key, flags.format as 'tree' | 'json')}\n`);
  // Only the hosts shown matter: the others' trees were dropped to make room for them.
  const partial = [...new Set(matches.map((r) => r.host))].filter((h) => index.leftOut.has(h));
  const unindexed = partial.reduce((n, h) => n + (index.leftOut.get(h)?.events ?? 0), 0);
  if (unindexed > 0) {
    stderr(
      `trawl lineage: ${unindexed} event(s) of ${partial.join(', ')} not indexed: the host's processes outgrow the lineage index's share of ` +
        `--max-memory ${formatSize(maxMemory)} (${formatSize(index.budget)})${found.readAgain.length ? ', even read again alone' : ''}; the tree above may miss processes (a larger --max-memory indexes them)`,
    );
  }
  const skipped = ledger.total;
  if (skipped) stderr(`skipped ${skipped} input item(s): ${Object.entries(ledger.report()).map(([k, c]) => `${c?.count} ${k}`).join(', ')}`);
  process.exitCode = skipped || unindexed ? EXIT_SKIPPED_INPUT : EXIT_OK;
}
