/**
 * MATCH(field, query[, options]), MATCH_PHRASE and the `field : query` operator: Elasticsearch's
 * match query on one document. A keyword field matches its whole value (fuzzily with
 * `fuzziness`); a text field matches analyzed tokens, any of them by default.
 */
import { QueryError } from '../query-error.js';
import type { Expr } from './ast.js';
import { compareDynamic, compileExpr, text, typeError, type CExpr, type CompileCtx } from './expr.js';

/** The match query parameters MATCH accepts as named options (Elasticsearch's Match.ALLOWED_OPTIONS). */
const MATCH_OPTIONS = [
  'analyzer', 'auto_generate_synonyms_phrase_query', 'boost', 'fuzziness', 'fuzzy_rewrite', 'fuzzy_transpositions',
  'lenient', 'max_expansions', 'minimum_should_match', 'operator', 'prefix_length', 'zero_terms_query',
];
const PHRASE_OPTIONS = ['analyzer', 'boost', 'slop', 'zero_terms_query'];

/** How far a token may be from a query term: a fixed number of edits, or AUTO's by length. */
type Fuzziness = { edits: number } | { low: number; high: number };

interface FuzzyOptions {
  fuzziness: Fuzziness;
  prefixLength: number;
  transpositions: boolean;
}

export function matchFn(e: Expr & { type: 'function' }, ctx: CompileCtx): CExpr {
  if (e.args.length < 2 || e.args.length > 3) typeError(ctx, `${e.name.toUpperCase()} expects a field, a query and optional options`, e.location);
  const f = compileExpr(e.args[0], ctx);
  const q = compileExpr(e.args[1], ctx);
  if (!q.constant) typeError(ctx, `${e.name.toUpperCase()} query must be a constant`, e.args[1].location);
  const query = q.ev({ v: [] });
  const phrase = e.name === 'match_phrase';
  const opts = optionsOf(e, ctx, phrase ? PHRASE_OPTIONS : MATCH_OPTIONS);
  if (opts.slop !== undefined && Number(opts.slop) !== 0) {
    throw new QueryError('MATCH_PHRASE with slop is not supported offline', ctx.src, e.args[2].location.min, 'unsupported');
  }
  const prefixLength = opts.prefix_length === undefined ? 0 : nonNegative(opts.prefix_length, 'prefix_length', ctx, e);
  const transpositions = opts.fuzzy_transpositions === undefined ? true : booleanOption(opts.fuzzy_transpositions, 'fuzzy_transpositions', ctx, e);
  const fuzzy: FuzzyOptions | undefined = opts.fuzziness === undefined ? undefined : { fuzziness: fuzzinessOf(opts.fuzziness, ctx, e), prefixLength, transpositions };
  if (opts.max_expansions !== undefined && nonNegative(opts.max_expansions, 'max_expansions', ctx, e) === 0) {
    typeError(ctx, `[max_expansions] must be greater than 0 in [${text(ctx, e)}]`, e.location);
  }
  const conjunctive = opts.operator !== undefined && operatorOf(opts.operator, ctx, e) === 'and';
  const qTokens = tokens(String(query));
  const needed = opts.minimum_should_match === undefined ? (conjunctive ? qTokens.length : 1) : minimumShouldMatch(opts.minimum_should_match, qTokens.length, ctx, e);
  const analyzed = f.type === 'text' || (f.type === 'unknown' && e.args[0].type === 'column' && isTextField(e.args[0].name));
  const fuzzyQuery = fuzzy && typeof query === 'string' ? fuzzyTerm(query, fuzzy) : undefined;
  const fuzzyTokens = fuzzy && qTokens.map((t) => fuzzyTerm(t, fuzzy));
  const phraseText = qTokens.join(' ');
  const tokenMatches = (t: string[]) => {
    if (phrase) return t.join(' ').includes(phraseText);
    let met = 0;
    for (let i = 0; i < qTokens.length; i++) {
      if (fuzzyTokens ? t.some(fuzzyTokens[i]) : t.includes(qTokens[i])) met++;
      if (met >= needed) return true;
    }
    return false;
  };
  const matches = (x: unknown): boolean => {
    if (typeof x !== 'string') return compareDynamic(x, query, f.type) === 0;
    if (analyzed) return tokenMatches(tokens(x));
    return fuzzyQuery ? fuzzyQuery(x) : compareDynamic(x, query, f.type) === 0;
  };
  return {
    type: 'boolean',
    constant: false,
    ev: (r) => {
      const v = f.ev(r);
      if (v === null) return false;
      return Array.isArray(v) ? v.some(matches) : matches(v);
    },
  };
}

/**
 * Whether an unmapped field is full text in ECS: `message`, `error.message` and the `.text`
 * multi-fields. Every other ECS string (process.name, file.path, command lines…) is a keyword or
 * wildcard field, which a match query compares as one whole value.
 */
function isTextField(name: string): boolean {
  return name === 'message' || name === 'error.message' || name.endsWith('.text');
}

/** The standard analyzer's tokens, approximately: lower-cased runs of letters, digits and '_'. */
function tokens(s: string): string[] {
  return s.toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter(Boolean);
}

function optionsOf(e: Expr & { type: 'function' }, ctx: CompileCtx, allowed: string[]): Record<string, unknown> {
  const opt = e.args[2];
  if (!opt) return {};
  const map = opt.type === 'literal' && opt.value && typeof opt.value === 'object' ? (opt.value as { map?: Record<string, unknown> }).map : undefined;
  if (!map) return typeError(ctx, `third argument of [${text(ctx, e)}] must be a map of options`, opt.location);
  for (const k of Object.keys(map)) {
    if (!allowed.includes(k)) typeError(ctx, `Invalid option [${k}] in [${text(ctx, e)}], expected one of [${allowed.join(', ')}]`, opt.location);
  }
  return map;
}

/** `0`, `1`, `2`, `"AUTO"` or `"AUTO:low,high"` (Elasticsearch's Fuzziness; Lucene allows at most 2 edits). */
function fuzzinessOf(v: unknown, ctx: CompileCtx, e: Expr & { type: 'function' }): Fuzziness {
  const s = String(v).trim();
  const auto = /^auto(?::(\d+),(\d+))?$/i.exec(s);
  if (auto) {
    const low = auto[1] === undefined ? 3 : Number(auto[1]);
    const high = auto[2] === undefined ? 6 : Number(auto[2]);
    if (high < low) typeError(ctx, `fuzziness wrongly configured [${s}]: low distance must not exceed high distance`, e.location);
    return { low, high };
  }
  const n = Number(s);
  if (s === '' || !Number.isInteger(n) || n < 0 || n > 2) typeError(ctx, `Invalid fuzziness [${s}] in [${text(ctx, e)}]: valid edit distances are 0, 1, 2 and AUTO`, e.location);
  return { edits: n };
}

function nonNegative(v: unknown, name: string, ctx: CompileCtx, e: Expr & { type: 'function' }): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) typeError(ctx, `Invalid option [${name}] value [${String(v)}] in [${text(ctx, e)}]: expected a non-negative integer`, e.location);
  return n;
}

function booleanOption(v: unknown, name: string, ctx: CompileCtx, e: Expr & { type: 'function' }): boolean {
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  return typeError(ctx, `Invalid option [${name}] value [${String(v)}] in [${text(ctx, e)}]: expected true or false`, e.location);
}

function operatorOf(v: unknown, ctx: CompileCtx, e: Expr & { type: 'function' }): 'and' | 'or' {
  const s = String(v).toLowerCase();
  if (s !== 'and' && s !== 'or') typeError(ctx, `Invalid option [operator] value [${String(v)}] in [${text(ctx, e)}]: expected AND or OR`, e.location);
  return s;
}

/** How many of `n` query terms must match: an integer or a percentage, negative ones counting what may be missing. */
function minimumShouldMatch(v: unknown, n: number, ctx: CompileCtx, e: Expr & { type: 'function' }): number {
  const s = String(v).trim();
  const m = /^(-?)(\d+)(%?)$/.exec(s);
  if (!m) return typeError(ctx, `Invalid option [minimum_should_match] value [${s}] in [${text(ctx, e)}]: expected an integer or a percentage`, e.location);
  const amount = m[3] ? Math.floor((n * Number(m[2])) / 100) : Number(m[2]);
  const need = m[1] ? n - amount : amount;
  return Math.min(n, Math.max(1, need));
}

/**
 * A test of whether a token is within the allowed edits of `term`, counted in code points as
 * Lucene's FuzzyQuery does: insertions, deletions, substitutions and (by default) swaps of two
 * adjacent characters, the first `prefixLength` characters unchanged. Elasticsearch also caps how
 * many distinct index terms a fuzzy query expands to (`max_expansions`); one document at a time
 * there is nothing to cap, so every token within the distance matches.
 */
function fuzzyTerm(term: string, m: FuzzyOptions): (token: string) => boolean {
  const a = Array.from(term);
  const f = m.fuzziness;
  const k = 'edits' in f ? f.edits : a.length < f.low ? 0 : a.length < f.high ? 1 : 2;
  const p = Math.min(m.prefixLength, a.length);
  const rest = a.slice(p);
  return (token) => {
    if (token === term) return true;
    // A UTF-16 length this far off is at least as far off in code points.
    if (k === 0 || token.length > 2 * (a.length + k) || token.length < a.length - k) return false;
    const b = Array.from(token);
    if (Math.abs(a.length - b.length) > k) return false;
    for (let i = 0; i < p; i++) if (a[i] !== b[i]) return false;
    return editDistance(rest, p ? b.slice(p) : b, k, m.transpositions) <= k;
  };
}

/** Optimal-string-alignment distance of `a` and `b`, or k + 1 once it must exceed `k`. */
function editDistance(a: string[], b: string[], k: number, transpositions: boolean): number {
  const n = a.length;
  const w = b.length;
  let prev2 = new Array<number>(w + 1).fill(0);
  let prev = Array.from({ length: w + 1 }, (_, j) => j);
  let cur = new Array<number>(w + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= w; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (transpositions && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > k) return k + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[w];
}
