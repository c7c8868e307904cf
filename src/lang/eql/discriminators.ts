import {
  discriminatorCost, exactPatterns, wildcardPattern,
  type Discriminator, type FieldPatterns, type LiteralPattern,
} from '../discriminator.js';
import type { EventQuery, Expr, Query } from './ast.js';
import { chainOperands } from './compile-expr.js';
import { asDate } from './values.js';

/**
 * Necessary single-field conditions of an EQL query (see src/lang/discriminator.ts for the
 * contract). Sequences and samples hand the engine every event that passes any stage (including
 * `until` and missing-event stages), so their conditions are unions over all stages.
 */
export function eqlDiscriminators(ast: Query, catField: string): Discriminator[] {
  if (ast.type === 'eventQuery') return eventDiscriminators(ast.query, catField);
  const stages = ast.stages.concat(ast.type === 'sequence' && ast.until ? [ast.until] : []);
  return unions(stages.map((s) => eventDiscriminators(s.query, catField)), catField);
}

/**
 * Per stage of a sequence or sample (until and missing-event stages included), its own
 * discriminators: every candidate satisfies all of one stage's. The engine resolves them per
 * route key, which a union fixed here cannot do (a file event only ever meets a file stage).
 */
export function eqlStageDiscriminators(ast: Query, catField: string): Discriminator[][] | undefined {
  if (ast.type === 'eventQuery') return undefined;
  const stages = ast.stages.concat(ast.type === 'sequence' && ast.until ? [ast.until] : []);
  return stages.map((s) => eventDiscriminators(s.query, catField));
}

function eventDiscriminators(q: EventQuery, catField: string): Discriminator[] {
  const out = conditions(q.condition, catField);
  if (q.category !== null) out.unshift([exactPatterns(catField, [q.category])]);
  return out;
}

/** Conditions every event matching `e` meets (an AND of discriminators). */
function conditions(e: Expr, catField: string): Discriminator[] {
  if (e.type === 'logic') {
    const parts = chainOperands(e).map((x) => conditions(x, catField));
    return e.op === 'and' ? distinct(parts.flat()) : unions(parts, catField);
  }
  const leaf = leafPatterns(e);
  return leaf ? [[leaf]] : [];
}

function distinct(ds: Discriminator[]): Discriminator[] {
  const seen = new Set<string>();
  return ds.filter((d) => { const k = JSON.stringify(d); return !seen.has(k) && !!seen.add(k); });
}

function leafPatterns(e: Expr): FieldPatterns | undefined {
  switch (e.type) {
    case 'compare': {
      if (e.op !== '==') return undefined;
      const [f, v] = e.left.type === 'field' ? [e.left, e.right] : [e.right, e.left];
      if (f.type !== 'field' || v.type !== 'literal' || typeof v.value !== 'string' || !uncoercible(v.value)) return undefined;
      return exactPatterns(f.path, [v.value]);
    }
    case 'in': {
      if (e.negated || e.arg.type !== 'field') return undefined;
      const vals: string[] = [];
      for (const x of e.list) {
        if (x.type !== 'literal' || typeof x.value !== 'string' || !uncoercible(x.value)) return undefined;
        vals.push(x.value);
      }
      return vals.length ? exactPatterns(e.arg.path, vals) : undefined;
    }
    case 'match': {
      if (e.op === 'regex' || e.arg.type !== 'field' || !e.patterns.length) return undefined;
      const pats: LiteralPattern[] = [];
      for (const p of e.patterns) {
        if (p.type !== 'literal' || typeof p.value !== 'string') return undefined;
        const lp = jsonSafe(wildcardPattern(p.value, false));
        if (!lp) return undefined;
        pats.push(lp);
      }
      return patternsOf(e.arg.path, pats);
    }
    case 'call': {
      const name = e.name.toLowerCase();
      if ((name !== 'startswith' && name !== 'endswith') || e.args.length !== 2) return undefined;
      const [f, v] = e.args;
      if (f.type !== 'field' || v.type !== 'literal' || typeof v.value !== 'string') return undefined;
      // Case-sensitive: a.startsWith(b) implies the lower-cased forms agree only when b is ASCII
      // (non-ASCII folding depends on context, e.g. a final sigma); `~` folds exactly as the index.
      if (!e.ci && !/^[\x00-\x7f]*$/.test(v.value)) return undefined;
      const lp = jsonSafe({ kind: name === 'startswith' ? 'prefix' : 'suffix', text: v.value.toLowerCase() });
      return lp && patternsOf(f.path, [lp]);
    }
    default: return undefined;
  }
}

/**
 * Whether `field == s` can only match a value spelled `s` (in any case). scalarEq reads a string
 * compared with a number as a number or a date ("5.0" and "2024-01-01" equal numbers spelled
 * otherwise); a canonical number spelling ("4624") is still safe, as the index spells numbers the
 * same way. Booleans compare as "true"/"false", which the index also spells that way.
 */
function uncoercible(s: string): boolean {
  const n = asDate(s);
  return n === undefined || String(n) === s;
}

/**
 * Wildcard matching and string functions see an object value as its JSON text, the index never
 * passes objects: a pattern that could match JSON text (starting with `{` or `[`, a suffix ending
 * with `}` or `]`, an empty prefix or suffix) is not indexed.
 */
function jsonSafe(p: LiteralPattern | undefined): LiteralPattern | undefined {
  if (!p || (p.kind !== 'exact' && p.text === '')) return undefined;
  if (p.kind === 'suffix' ? /[}\]]$/.test(p.text) : /^[{[]/.test(p.text)) return undefined;
  return p;
}

const ROUNDS = 3;

/**
 * Discriminators for "any of these alternatives matches", each alternative with its own list:
 * the union of one discriminator per alternative, or none when some alternative has none.
 * Which one to take per alternative is a guess (cost counts lookups, not selectivity: an OS or
 * category test is cheap but admits nearly everything), so a few unions over different fields
 * are offered, each a valid necessary condition; the engine picks among them.
 */
function unions(alts: Discriminator[][], catField: string): Discriminator[] {
  const out: Discriminator[] = [];
  const seen = new Set<string>();
  const add = (picks: (Discriminator | undefined)[]): Discriminator | undefined => {
    if (picks.some((p) => p === undefined)) return undefined;
    const u = union(picks as Discriminator[]);
    const key = JSON.stringify(u);
    if (!seen.has(key)) { seen.add(key); out.push(u); }
    return u;
  };
  const excluded = new Set([catField]);
  for (let round = 0; round < ROUNDS; round++) {
    const u = add(alts.map((list) => cheapest(list.filter((d) => d.every((p) => !excluded.has(p.field))))));
    if (!u) break;
    for (const p of u) excluded.add(p.field);
  }
  add(alts.map(cheapest));
  return out;
}

function cheapest(list: Discriminator[]): Discriminator | undefined {
  let best: Discriminator | undefined;
  let bestCost = Infinity;
  for (const d of list) {
    const c = discriminatorCost(d);
    if (c < bestCost) { best = d; bestCost = c; }
  }
  return best;
}

/** Alternatives of several discriminators as one, patterns of one field merged. */
function union(ds: Discriminator[]): Discriminator {
  const byField = new Map<string, { exact: Set<string>; prefixes: Set<string>; suffixes: Set<string> }>();
  for (const d of ds) {
    for (const p of d) {
      let m = byField.get(p.field);
      if (!m) byField.set(p.field, (m = { exact: new Set(), prefixes: new Set(), suffixes: new Set() }));
      for (const x of p.exact) m.exact.add(x);
      for (const x of p.prefixes) m.prefixes.add(x);
      for (const x of p.suffixes) m.suffixes.add(x);
    }
  }
  return [...byField].map(([field, m]) => ({ field, exact: [...m.exact], prefixes: [...m.prefixes], suffixes: [...m.suffixes] }));
}

/** Literal patterns of one field, deduplicated (lists run to thousands in hostile queries). */
function patternsOf(field: string, pats: readonly LiteralPattern[]): FieldPatterns {
  const sets = { exact: new Set<string>(), prefix: new Set<string>(), suffix: new Set<string>() };
  for (const p of pats) sets[p.kind].add(p.text);
  return { field, exact: [...sets.exact], prefixes: [...sets.prefix], suffixes: [...sets.suffix] };
}
