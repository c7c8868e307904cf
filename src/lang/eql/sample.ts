import type { EqlInput, EqlMatch } from './types.js';

type Doc = Record<string, unknown>;

export interface SampleStage {
  filter: (d: Doc) => boolean;
  /** Join-key values per key (each may be multi-valued). */
  keys: (d: Doc) => unknown[];
  /** Per key: `?field`, so a missing value is a key of its own (null) rather than no key. */
  optional: boolean[];
}

/**
 * Elasticsearch's `sample`: events are grouped by their join-key values; per group each stage
 * keeps the first `stages + maxPerKey - 1` events it matches (what ES asks each shard for), and
 * samples are drawn depth-first over the stages in order, one event per stage, no event twice in
 * a sample, up to `maxPerKey` samples per group. A multi-valued key puts the event in one group
 * per value (a composite terms aggregation does the same); groups come out in key order, a
 * missing key first.
 */
export function runSample<E extends EqlInput>(stages: SampleStage[], events: Iterable<E>, maxPerKey: number, stats: { peakPartials: number }): EqlMatch<E>[] {
  const n = stages.length;
  const cap = n + maxPerKey - 1;
  const groups = new Map<string, { keys: unknown[]; lists: E[][] }>();
  for (const ev of events) {
    for (let i = 0; i < n; i++) {
      const s = stages[i];
      if (!s.filter(ev.doc)) continue;
      for (const keys of keyTuples(s.keys(ev.doc), s.optional)) {
        // ES joins keys by term: 5 and "5" are one key, a missing key is its own
        const k = JSON.stringify(keys.map((v) => (v === null ? null : String(v))));
        let g = groups.get(k);
        if (!g) groups.set(k, (g = { keys, lists: Array.from({ length: n }, () => []) }));
        if (g.lists[i].length < cap) g.lists[i].push(ev);
      }
    }
  }
  stats.peakPartials = groups.size;
  const out: EqlMatch<E>[] = [];
  const sorted = [...groups.values()].sort((a, b) => cmpKeys(a.keys, b.keys));
  for (const g of sorted) {
    if (g.lists.some((l) => l.length === 0)) continue;
    for (const events of drawSamples(g.lists, maxPerKey)) out.push({ join_keys: g.keys, events });
  }
  return out;
}

/** Every combination of the keys' values; none when a required key is missing. */
function keyTuples(values: unknown[], optional: boolean[]): unknown[][] {
  let tuples: unknown[][] = [[]];
  for (let j = 0; j < values.length; j++) {
    const v = values[j];
    const alts = v === undefined || v === null ? (optional[j] ? [null] : []) : Array.isArray(v) ? v.filter((x) => x !== null && x !== undefined) : [v];
    if (alts.length === 0) return [];
    tuples = alts.length === 1 ? tuples.map((t) => [...t, alts[0]]) : tuples.flatMap((t) => alts.map((a) => [...t, a]));
  }
  return tuples;
}

/** Depth-first: one event per stage list, no event twice, at most `limit` samples. */
function drawSamples<E>(lists: E[][], limit: number): E[][] {
  const out: E[][] = [];
  const partial: E[] = [];
  const walk = (stage: number): void => {
    for (const ev of lists[stage]) {
      if (out.length >= limit) return;
      if (partial.includes(ev)) continue;
      partial.push(ev);
      if (stage === lists.length - 1) out.push([...partial]);
      else walk(stage + 1);
      partial.pop();
    }
  };
  walk(0);
  return out;
}

function cmpKeys(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (x === y) continue;
    if (x === null) return -1;
    if (y === null) return 1;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'boolean' && typeof y === 'boolean') return x ? 1 : -1;
    const sx = String(x), sy = String(y);
    if (sx !== sy) return sx < sy ? -1 : 1;
  }
  return 0;
}
