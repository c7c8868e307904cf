import { compileField, toValues } from '../fields/index.js';

/**
 * Necessary conditions a query puts on single fields, for the engine's discrimination index:
 * with ~2,000 rules loaded an event must only meet the rules that could match it. Each query
 * language derives these from its AST; the engine indexes them (src/engine/router.ts).
 *
 * The contract a producer must keep: whenever the query matches an event, the event satisfies
 * every Discriminator the query reports. Being too loose only costs speed; being too strict
 * loses hits, so when in doubt a producer reports nothing.
 */

/**
 * Acceptable values of one field. All strings are lower case: an event value v (a string, or a
 * number/boolean spelled by String(v); arrays: any element) satisfies the patterns when
 * `v.toLowerCase()` equals an exact value, starts with a prefix or ends with a suffix. Lower-casing
 * both sides makes one index serve case-sensitive and case-insensitive operators alike.
 */
export interface FieldPatterns {
  field: string;
  exact: string[];
  prefixes: string[];
  suffixes: string[];
}

/** Every event the query matches satisfies at least one of these alternatives. */
export type Discriminator = FieldPatterns[];

/** One value as an index pattern, or undefined when no literal prefix or suffix pins it. */
export type LiteralPattern = { kind: 'exact' | 'prefix' | 'suffix'; text: string };

/**
 * A `*`/`?` wildcard pattern as its longest literal prefix (else suffix). `escapes`: whether `\`
 * quotes the next character (KQL, ES|QL LIKE) or is literal (EQL).
 */
export function wildcardPattern(pattern: string, escapes: boolean): LiteralPattern | undefined {
  // Without escapes the wildcards are found with indexOf: rule sets hold thousands of patterns.
  if (!escapes || pattern.indexOf('\\') < 0) return unescapedPattern(pattern);
  const chars: (string | null)[] = []; // null = a wildcard
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) chars.push(pattern[++i]);
    else chars.push(c === '*' || c === '?' ? null : c);
  }
  const first = chars.indexOf(null);
  if (first < 0) return literal('exact', chars.join(''));
  if (first > 0) return literal('prefix', chars.slice(0, first).join(''));
  const last = chars.lastIndexOf(null);
  if (last < chars.length - 1) return literal('suffix', chars.slice(last + 1).join(''));
  return undefined;
}

function unescapedPattern(pattern: string): LiteralPattern | undefined {
  const star = pattern.indexOf('*');
  const any = pattern.indexOf('?');
  const first = star < 0 ? any : any < 0 ? star : Math.min(star, any);
  if (first < 0) return literal('exact', pattern);
  if (first > 0) return literal('prefix', pattern.slice(0, first));
  const last = Math.max(pattern.lastIndexOf('*'), pattern.lastIndexOf('?'));
  if (last < pattern.length - 1) return literal('suffix', pattern.slice(last + 1));
  return undefined;
}

function literal(kind: LiteralPattern['kind'], text: string): LiteralPattern | undefined {
  // Matchers fold wildcard patterns char by char, the index folds whole strings: outside ASCII
  // the two can differ (final sigma, dotted I), so such a pattern is not indexed.
  if (!/^[\x00-\x7f]*$/.test(text)) return undefined;
  return { kind, text: text.toLowerCase() };
}

/** Patterns for one field from literal patterns; undefined if any pattern can't be indexed. */
export function fieldPatterns(field: string, patterns: readonly (LiteralPattern | undefined)[]): FieldPatterns | undefined {
  const sets = { exact: new Set<string>(), prefix: new Set<string>(), suffix: new Set<string>() };
  for (const p of patterns) {
    if (!p) return undefined;
    sets[p.kind].add(p.text);
  }
  return { field, exact: [...sets.exact], prefixes: [...sets.prefix], suffixes: [...sets.suffix] };
}

/** Exact string values (any case) as patterns; undefined if one can't be indexed. */
export function exactPatterns(field: string, values: readonly string[]): FieldPatterns {
  // Equality folds both sides as whole strings, as the index does: any text is safe here.
  return { field, exact: [...new Set(values.map((v) => v.toLowerCase()))], prefixes: [], suffixes: [] };
}

/** How many lookups a discriminator costs and how much it lets through: smaller is better. */
export function discriminatorCost(d: Discriminator): number {
  let cost = 0;
  for (const f of d) {
    // argument lists hold common tokens (-c, /tmp/...): a weaker filter than names and paths
    const weight = /args$|command_line$/.test(f.field) ? 3 : 1;
    cost += weight * (f.exact.length + 2 * (f.prefixes.length + f.suffixes.length));
  }
  return cost;
}

/** Whether one field value passes the patterns (the contract above, value by value). */
export function valuePasses(p: FieldPatterns, value: unknown): boolean {
  if (value === null || value === undefined || typeof value === 'object') return false;
  const v = String(value).toLowerCase();
  return p.exact.includes(v) || p.prefixes.some((x) => v.startsWith(x)) || p.suffixes.some((x) => v.endsWith(x));
}

/** Reference check of the contract, for tests: does `doc` satisfy the discriminator? */
export function satisfies(doc: Record<string, unknown>, d: Discriminator): boolean {
  return d.some((p) => toValues(compileField(p.field)(doc)).some((v) => valuePasses(p, v)));
}
