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
  const procs = [rec, ...(opts.descendants ? index.descendants(key) : [])];
  const refs: Provenance[] = procs.flatMap((p) => p.eventRefs);
  const wanted = new Map<string, Set<number>>();
  for (const r of refs) {
    if (r.file === '<stdin>') continue;
    let lines = wanted.get(r.file);
    if (!lines) wanted.set(r.file, (lines = new Set()));
    lines.add(r.line);
  }
  const read = opts.read ?? readEvidenceFile;
  const keys = new Set(procs.map((p) => p.key));
  const out: TrawlEvent[] = [];
  for (const [file, lines] of wanted) {
    const ledger = new SkipLedger();
    // By line: a line holds several events when it is a `_search` response (its hits share its
    // number); only the wanted processes' ones are theirs.
    const found = new Map<number, TrawlEvent[]>();
    for await (const batch of read(file, { ledger })) {
      for (const ev of batch) {
        if (!lines.has(ev.line)) continue;
        const at = found.get(ev.line);
        if (at) at.push(ev);
        else found.set(ev.line, [ev]);
      }
      // Framing cuts batches between lines: a line's events are all in.
      if (found.size >= lines.size) break;
    }
    for (const evs of found.values()) {
      if (evs.length === 1) out.push(evs[0]);
      else for (const ev of evs) if (keys.has(index.keyFor(ev.doc) ?? '')) out.push(ev);
    }
  }
  return out.map((ev) => ({ ev, t: parseTimestamp(timestampOf(ev.doc)) ?? Infinity })).sort(byTime).map((x) => x.ev);
}

function byTime(a: { ev: TrawlEvent; t: number }, b: { ev: TrawlEvent; t: number }): number {
  if (a.t !== b.t) return a.t < b.t ? -1 : 1;
  if (a.ev.file !== b.ev.file) return a.ev.file < b.ev.file ? -1 : 1;
  return a.ev.line - b.ev.line;
}
