import type { HitFacts } from './hit-facts.js';

export type SortKey = 'time' | 'severity' | 'rule' | 'host';
export const SORT_KEYS: readonly SortKey[] = ['time', 'severity', 'rule', 'host'];

export interface Filters {
  /** Minimum severity rank (0 = low: everything). */
  minRank: number;
  rule?: string;
  host?: string;
  /** Applied search text (lower case match over rule, host, process, command line). */
  query: string;
  /** Histogram bucket: [from, to) in epoch ms. */
  range?: { from: number; to: number };
}

export const NO_FILTERS: Filters = { minRank: 0, query: '' };

/** Indices of the hits that pass `filters`, in `sort` order (stable). */
export function visibleHits(facts: readonly HitFacts[], filters: Filters, sort: SortKey): number[] {
  const q = filters.query.toLowerCase();
  const out: number[] = [];
  for (let i = 0; i < facts.length; i++) {
    const f = facts[i];
    if (f.rank < filters.minRank) continue;
    if (filters.rule !== undefined && f.rule !== filters.rule) continue;
    if (filters.host !== undefined && f.host !== filters.host) continue;
    if (q && !f.haystack.includes(q)) continue;
    if (filters.range && !(f.time >= filters.range.from && f.time < filters.range.to)) continue;
    out.push(i);
  }
  const cmp = comparator(facts, sort);
  return out.sort((a, b) => cmp(a, b) || a - b);
}

function comparator(facts: readonly HitFacts[], sort: SortKey): (a: number, b: number) => number {
  const time = (a: number, b: number) => {
    const ta = facts[a].time;
    const tb = facts[b].time;
    if (Number.isNaN(ta) || Number.isNaN(tb)) return Number.isNaN(ta) ? (Number.isNaN(tb) ? 0 : 1) : -1;
    return ta - tb;
  };
  switch (sort) {
    case 'severity':
      return (a, b) => facts[b].rank - facts[a].rank || time(a, b);
    case 'rule':
      return (a, b) => facts[a].rule.localeCompare(facts[b].rule) || time(a, b);
    case 'host':
      return (a, b) => facts[a].host.localeCompare(facts[b].host) || time(a, b);
    default:
      return time;
  }
}
