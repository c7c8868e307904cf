import { hostOf } from '../fields/index.js';
import { createProgress, discoverEvidence, readEvidenceFile, SkipLedger } from '../input/index.js';
import { LineageIndex, type ProcessRecord } from '../lineage/index.js';
import { namesEntityId } from '../lineage/record.js';
import { lineageGate, readHostsAgain } from './lineage-fill.js';
import { planMemory } from './memory-budget.js';

export interface LineageOfOptions {
  /** --max-memory: the index gets the share an interactive hunt's lineage index gets. */
  maxMemory: number;
  progress: boolean;
  ledger: SkipLedger;
}

export interface LineageOf {
  index: LineageIndex;
  /** The processes with the entity id (one per host that has it). */
  matches: ProcessRecord[];
  /** Hosts of the entity id whose files were read a second time, the index having left them out. */
  readAgain: string[];
}

/**
 * The process tree around one entity id, within a share of --max-memory. A process's tree never
 * leaves its host, but which host holds the entity id is known only once it is met: until then
 * the index grows with every host, up to its budget; from then on it keeps that host alone. The
 * files of a host whose events were left out before (the budget reached, or the entity id met on
 * a second host) are read again for it at the end (from stdin there is no again: its tree stays
 * partial, as `index.leftOut` tells).
 */
export async function lineageOf(entityId: string, evidence: string[], opts: LineageOfOptions): Promise<LineageOf> {
  const files = await discoverEvidence(evidence, opts.ledger);
  const index = new LineageIndex(planMemory(opts.maxMemory, 1).lineageBytes);
  const hosts = new Set<string>();
  // An event naming the process asked for (as itself, its parent or an ancestor) is indexed even
  // past the budget: the process is found, if not its whole tree.
  const isTarget = (doc: Record<string, unknown>) => namesEntityId(doc, entityId);
  const gate = lineageGate();
  const progress = await createProgress({ totalBytes: files.reduce((n, f) => n + f.size, 0), totalFiles: files.length, enabled: opts.progress });
  try {
    for (const file of files) {
      for await (const batch of readEvidenceFile(file, { ledger: opts.ledger, onBytes: (n) => progress.addBytes(n), gate })) {
        progress.addEvents(batch.length);
        for (const ev of batch) {
          const itself = isTarget(ev.doc);
          const host = itself ? (hostOf(ev.doc) ?? '') : undefined;
          if (host !== undefined && !hosts.has(host)) index.keepOnly(hosts.add(host));
          index.add(ev, itself);
        }
      }
      progress.fileDone();
    }
  } finally {
    progress.stop();
  }
  const partial = new Set([...hosts].filter((h) => index.leftOut.has(h)));
  const readable = files.filter((f) => f.path !== '-');
  let readAgain: string[] = [];
  if (partial.size > 0 && readable.length > 0) {
    const paths = index.filesOf(partial);
    const stage = (n: number) => progress.stage(`evidence files read again for the processes of ${[...partial].join(', ')}`, n);
    await readHostsAgain(index, partial, readable.filter((f) => paths.has(f.path)), stage, isTarget);
    readAgain = [...partial];
  }
  return { index, matches: index.findByEntityId(entityId), readAgain };
}
