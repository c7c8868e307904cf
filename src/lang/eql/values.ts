import { parseTimestamp } from '../../fields/index.js';
import { QueryError } from '../query-error.js';
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
  rejectNestedQuantifiers(pattern, src, offset);
  try {
    return compileLucene(pattern, { caseInsensitive: ci });
  } catch (e) {
    if (isRegexError(e)) throw e.toQueryError(src, literalOffsets(src, offset, pattern));
    throw e;
  }
}

/**
 * Kept from the backtracking days so that queries relying on the (documented, tested) error keep
 * getting it: a quantified group whose body starts with a quantified atom, like `(a+)+`.
 * The engine itself runs such patterns in linear time.
 */
function rejectNestedQuantifiers(pattern: string, src: string, offset: number): void {
  pattern = pattern.replace(/(\*|\+|\?|\})\?/g, '$1');
  // nested quantifier: a group whose body has a quantifier, itself quantified
  const stack: boolean[] = [];
  const opens: number[] = [];
  let prevQuant = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') { i++; prevQuant = false; continue; }
    if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      i = end < 0 ? pattern.length : end;
      prevQuant = false;
      continue;
    }
    if (c === '(') { stack.push(false); opens.push(i); prevQuant = false; continue; }
    if (c === ')') {
      const inner = stack.pop() ?? false;
      const open = opens.pop() ?? 0;
      const next = pattern[i + 1];
      const unbounded = next === '*' || next === '+' || (next === '{' && /^\{\d+,\}/.test(pattern.slice(i + 1)));
      if (inner && unbounded && startsQuantified(pattern, open + 1)) {
        throw new QueryError('nested quantifiers are not supported (catastrophic backtracking)', src, offset);
      }
      if (inner && stack.length) stack[stack.length - 1] = true;
      prevQuant = false;
      continue;
    }
    if (c === '*' || c === '+' || c === '?' || c === '{') {
      if (stack.length) stack[stack.length - 1] = true;
      if (c === '{') { const e = pattern.indexOf('}', i); if (e > 0) i = e; }
      prevQuant = true;
      continue;
    }
    void prevQuant;
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

/** Whether the first atom at `i` is `.` or carries a quantifier: with an unbounded outer quantifier, the repetitions can split the input in exponentially many ways. */
function startsQuantified(p: string, i: number): boolean {
  let j = i;
  if (p[j] === '.') return true;
  if (p[j] === '\\') j += 2;
  else if (p[j] === '[') { const e = p.indexOf(']', j + 2); j = e < 0 ? p.length : e + 1; }
  else if (p[j] === '(') return true;
  else j += 1;
  return p[j] === '*' || p[j] === '+' || p[j] === '?' || p[j] === '{';
}
