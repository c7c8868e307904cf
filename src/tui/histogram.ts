import type { HitFacts } from './hit-facts.js';

export interface Histogram {
  from: number;
  to: number;
  /** Width of one bucket in ms. */
  step: number;
  counts: number[];
  /** Highest severity rank in each bucket (-1 when empty). */
  maxRank: number[];
  /** Counts per severity rank (low … critical), then per bucket. */
  bySeverity: number[][];
}

/** Hits per time bucket over [from, to] (the evidence span, else the hits' own span). */
export function histogram(facts: readonly HitFacts[], buckets: number, span?: { from?: unknown; to?: unknown }): Histogram | undefined {
  const n = Math.max(1, Math.floor(buckets));
  let from = typeof span?.from === 'string' ? Date.parse(span.from) : NaN;
  let to = typeof span?.to === 'string' ? Date.parse(span.to) : NaN;
  if (Number.isNaN(from) || Number.isNaN(to) || to < from) {
    from = Infinity;
    to = -Infinity;
    for (const f of facts) {
      if (Number.isNaN(f.time)) continue;
      if (f.time < from) from = f.time;
      if (f.time > to) to = f.time;
    }
    if (from === Infinity) return undefined;
  }
  const step = Math.max(1, Math.ceil((to - from + 1) / n));
  const counts = new Array<number>(n).fill(0);
  const maxRank = new Array<number>(n).fill(-1);
  const bySeverity = [0, 1, 2, 3].map(() => new Array<number>(n).fill(0));
  for (const f of facts) {
    if (Number.isNaN(f.time) || f.time < from || f.time > to) continue;
    const b = Math.min(n - 1, Math.floor((f.time - from) / step));
    counts[b]++;
    bySeverity[f.rank][b]++;
    if (f.rank > maxRank[b]) maxRank[b] = f.rank;
  }
  return { from, to, step, counts, maxRank, bySeverity };
}

const BARS = ' ▁▂▃▄▅▆▇█';

/** One bar character per bucket, scaled to the fullest bucket; any non-empty bucket shows. */
export function bar(count: number, max: number): string {
  if (count <= 0 || max <= 0) return BARS[0];
  return BARS[Math.max(1, Math.round((count / max) * (BARS.length - 1)))];
}

export function bucketRange(h: Histogram, i: number): { from: number; to: number } {
  return { from: h.from + i * h.step, to: h.from + (i + 1) * h.step };
}
