import type { Provenance, TrawlEvent } from '../input/event.js';
import { readEvidenceFile, SkipLedger } from '../input/index.js';
import { compileField, parseTimestamp } from '../fields/index.js';
import type { LineageIndex } from './lineage-index.js';

/** Reads one evidence file in batches (src/input's readEvidenceFile has this shape). */
export type EvidenceReader = (file: string, options: { ledger: SkipLedger }) => AsyncIterable<TrawlEvent[]>;

export interface EventsOfOptions {
  descendants?: boolean;
  read?: EvidenceReader;
}

const timestampOf = compileField('@timestamp');

/**
 * Re-read exactly the evidence lines of a process (and optionally its descendants), in time
 * order (ties by file and line). Files that cannot be re-read (stdin) contribute nothing.
 */
export async function eventsOf(index: LineageIndex, key: string, opts: EventsOfOptions = {}): Promise<TrawlEvent[]> {
  const rec = index.get(key);
  if (!rec) return [];
  const refs: Provenance[] = [...rec.eventRefs];
  if (opts.descendants) for (const d of index.descendants(key)) refs.push(...d.eventRefs);
  const wanted = new Map<string, Set<number>>();
  for (const r of refs) {
    if (r.file === '<stdin>') continue;
    let lines = wanted.get(r.file);
    if (!lines) wanted.set(r.file, (lines = new Set()));
    lines.add(r.line);
  }
  const read = opts.read ?? readEvidenceFile;
  const out: TrawlEvent[] = [];
  for (const [file, lines] of wanted) {
    let left = lines.size;
    const ledger = new SkipLedger();
    for await (const batch of read(file, { ledger })) {
      for (const ev of batch) {
        if (!lines.has(ev.line)) continue;
        out.push(ev);
        left--;
      }
      if (left <= 0) break;
    }
  }
  return out.map((ev) => ({ ev, t: parseTimestamp(timestampOf(ev.doc)) ?? Infinity })).sort(byTime).map((x) => x.ev);
}

function byTime(a: { ev: TrawlEvent; t: number }, b: { ev: TrawlEvent; t: number }): number {
  if (a.t !== b.t) return a.t < b.t ? -1 : 1;
  if (a.ev.file !== b.ev.file) return a.ev.file < b.ev.file ? -1 : 1;
  return a.ev.line - b.ev.line;
}
