import type { Hit } from '../engine/hit.js';
import { Scanner } from '../engine/scanner.js';
import { hostOf } from '../fields/index.js';
import { readEvidenceFile, type EvidenceFile } from '../input/read-file.js';
import { NO_STAGE, type ProgressStage } from '../input/progress.js';
import { SkipLedger } from '../input/skips.js';
import type { LineageIndex } from '../lineage/lineage-index.js';
import { LINEAGE_FIELDS } from '../lineage/record.js';
import { routingGate, type RoutingGate } from './routing-gate.js';

/** Hosts are chosen to fill at most this much of the room: their needs are estimates. */
const FILL = 0.9;
/**
 * A second pass reads at most this share of the evidence: evidence collected per host has each
 * host's events in files of its own, and a second look at them is cheap; where every file mixes
 * every host, completing a host would cost as much as the scan did (4 GB: +24 s).
 */
const MAX_READ_AGAIN = 1 / 3;

/**
 * The lineage index stops growing at its budget wherever the scan happened to be, but lineage is
 * only ever opened from a hit, and a process's tree never leaves its host: the hosts that matter
 * are those with hits, known once the scan is over. When events of such hosts were left out, the
 * records of hosts without hits give up their room, and the evidence is read again for the hosts
 * with the most hits whose trees fit (estimated from what the scan indexed; the first one always)
 * — each line projected to the fields the index reads, when the native reader is built. Returns
 * the hosts read again (none: the index is unchanged).
 */
export async function completeLineageForHits(
  index: LineageIndex,
  hits: readonly Hit[],
  files: readonly EvidenceFile[],
  stage: (files: number) => ProgressStage = () => NO_STAGE,
): Promise<string[]> {
  const readable = files.filter((f) => f.path !== '-');
  const hitsByHost = new Map<string, number>();
  for (const h of hits) {
    const host = h.host ?? hostOf(h.event ?? h.events?.[0] ?? h.row) ?? '';
    hitsByHost.set(host, (hitsByHost.get(host) ?? 0) + 1);
  }
  const partial = [...hitsByHost].filter(([host]) => index.leftOut.has(host));
  if (partial.length === 0 || readable.length === 0) return [];
  const usage = index.hostUsage();
  let refs = 0;
  for (const u of usage.values()) refs += u.refs;
  const perEvent = index.heldBytes / Math.max(1, refs);
  const need = (host: string) => (usage.get(host)?.bytes ?? 0) + (index.leftOut.get(host)?.events ?? 0) * perEvent;
  let room = index.budget;
  for (const [host, u] of usage) if (hitsByHost.has(host) && !index.leftOut.has(host)) room -= u.bytes;
  const chosen = new Set<string>();
  let needed = 0;
  for (const [host] of partial.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) {
    const n = need(host);
    if (chosen.size > 0 && needed + n > FILL * room) continue;
    chosen.add(host);
    needed += n;
  }
  const paths = index.filesOf(chosen);
  const again = readable.filter((f) => paths.has(f.path));
  const bytes = (list: readonly EvidenceFile[]) => list.reduce((n, f) => n + f.size, 0);
  if (again.length === 0 || bytes(again) > MAX_READ_AGAIN * bytes(readable)) return [];
  index.dropHosts(new Set([...usage.keys()].filter((host) => !hitsByHost.has(host))), false);
  await readHostsAgain(index, chosen, again, stage);
  return [...chosen];
}

/**
 * A gate for no rules: it screens out every line it can vouch for, with the lineage fields as the
 * event's document — all the lineage index reads (undefined without the native reader).
 */
export function lineageGate(): RoutingGate | undefined {
  return routingGate(new Scanner([]), LINEAGE_FIELDS);
}

/**
 * Index the processes of `hosts` anew from `files` (those of the evidence holding their events:
 * LineageIndex.filesOf), in the room their records and any other dropped hosts left. Each line
 * is projected to the fields the index reads, when the native reader is built.
 */
export async function readHostsAgain(
  index: LineageIndex,
  hosts: ReadonlySet<string>,
  files: readonly EvidenceFile[],
  stage: (files: number) => ProgressStage = () => NO_STAGE,
  always: (doc: Record<string, unknown>) => boolean = () => false,
): Promise<void> {
  index.dropHosts(hosts, true);
  const gate = lineageGate();
  const reading = stage(files.length);
  for (const file of files) {
    try {
      for await (const batch of readEvidenceFile(file, { ledger: new SkipLedger(), gate })) {
        for (const ev of batch) if (hosts.has(hostOf(ev.doc) ?? '')) index.add(ev, always(ev.doc));
      }
    } catch {
      // Unreadable now (the first pass already reported what it could not read): the rest still counts.
    }
    reading.advance();
  }
  reading.stop();
}
