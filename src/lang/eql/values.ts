import { parseTimestamp } from '../../fields/index.js';
import { compileLucene, isRegexError, type LuceneRegex } from '../regex/index.js';

const numeric = (s: string) => s.trim() !== '' && !isNaN(Number(s));
/** A non-numeric string compared with a number: read it as a date (the number being epoch millis). */
export const asDate = (s: string): number | undefined => (numeric(s) ? Number(s) : /^\d{4}-\d\d-\d\d/.test(s) ? parseTimestamp(s) : undefined);

export type Val = unknown;

/** Loose equality used by == and in: numbers compare numerically, strings exactly (or folded). */
export function scalarEq(a: Val, b: Val, ci: boolean): boolean {
  if (typeof a === 'string' && typeof b === 'string') return ci ? a.toLowerCase() === b.toLowerCase() : a === b;
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b;
  if (typeof a === 'number' && typeof b === 'string') return asDate(b) === a;
  if (typeof a === 'string' && typeof b === 'number') return asDate(a) === b;
  if (typeof a === 'boolean' && typeof b === 'string') return String(a) === b.toLowerCase();
  if (typeof a === 'string' && typeof b === 'boolean') return String(b) === a.toLowerCase();
  return false;
}

/** -1/0/1, or undefined when not comparable. */
export function scalarCmp(a: Val, b: Val): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number' && typeof b === 'string') { const n = asDate(b); return n === undefined ? undefined : scalarCmp(a, n); }
  if (typeof a === 'string' && typeof b === 'number') { const n = asDate(a); return n === undefined ? undefined : scalarCmp(n, b); }
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return undefined;
}

/**
 * Lucene regex (implicitly anchored, as EQL `regex`/`regex~` run in Elasticsearch), compiled to
 * the linear-time engine: no pattern can backtrack catastrophically. `offset` is where the
 * pattern's string literal starts in `src`; syntax errors point into the pattern when the
 * literal holds it verbatim.
 */
export function luceneRegex(pattern: string, ci: boolean, src: string, offset: number): LuceneRegex {
  try {
    return compileLucene(pattern, { caseInsensitive: ci });
  } catch (e) {
    if (isRegexError(e)) throw e.toQueryError(src, literalOffsets(src, offset, pattern));
    throw e;
  }
}

/** Maps offsets in `value` to `src` when the literal at `at` spells it verbatim between its quotes; else its start. */
function literalOffsets(src: string, at: number, value: string): (o: number) => number {
  for (const q of ['"""', '"', "'", '?"', "?'"]) {
    const close = q.startsWith('?') ? q.slice(1) : q;
    if (src.startsWith(q, at) && src.startsWith(value + close, at + q.length)) return (o) => at + q.length + o;
  }
  return () => at;
}

export function toStr(v: Val): string | null {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.length ? toStr(v[0]) : null;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
