import {
  exactPatterns, fieldPatterns, sameDiscriminator, unionsOf, wildcardPattern,
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
  return eqlDiscriminatorSets(ast, catField).discriminators;
}

/** eqlDiscriminators and eqlStageDiscriminators together, each stage's conditions derived once. */
export function eqlDiscriminatorSets(ast: Query, catField: string): { discriminators: Discriminator[]; stages?: Discriminator[][] } {
  if (ast.type === 'eventQuery') return { discriminators: eventDiscriminators(ast.query, catField) };
  const stages = ast.stages.concat(ast.type === 'sequence' && ast.until ? [ast.until] : []);
  const perStage = stages.map((s) => eventDiscriminators(s.query, catField));
  // unionsOf reads the stage lists without changing them: both results can share their objects.
  return { discriminators: unionsOf(perStage, [catField]), stages: perStage };
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
    return e.op === 'and' ? distinct(parts.flat()) : unionsOf(parts, [catField]);
  }
  const leaf = leafPatterns(e);
  return leaf ? [[leaf]] : [];
}

/**
 * The first of each group of equal discriminators. Only discriminators alike in shape (fields and
 * list lengths) are compared value by value: most lists have no two alike.
 */
function distinct(ds: Discriminator[]): Discriminator[] {
  if (ds.length < 2) return ds;
  const byShape = new Map<string, Discriminator[]>();
  return ds.filter((d) => {
    const k = shapeKey(d);
    const alike = byShape.get(k);
    if (!alike) { byShape.set(k, [d]); return true; }
    for (const o of alike) if (sameDiscriminator(o, d)) return false;
    alike.push(d);
    return true;
  });
}

function shapeKey(d: Discriminator): string {
  let k = '';
  for (const p of d) k += `${p.field}\u0000${p.exact.length},${p.prefixes.length},${p.suffixes.length},${p.infixes.length}\u0000`;
  return k;
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
      return fieldPatterns(e.arg.path, pats);
    }
    case 'call': {
      const name = e.name.toLowerCase();
      if ((name !== 'startswith' && name !== 'endswith' && name !== 'stringcontains') || e.args.length !== 2) return undefined;
      const [f, v] = e.args;
      if (f.type !== 'field' || v.type !== 'literal' || typeof v.value !== 'string') return undefined;
      // Case-sensitive: a.startsWith(b) implies the lower-cased forms agree only when b is ASCII
      // (non-ASCII folding depends on context, e.g. a final sigma); `~` folds exactly as the index.
      if (!e.ci && !/^[\x00-\x7f]*$/.test(v.value)) return undefined;
      const kind = name === 'startswith' ? 'prefix' : name === 'endswith' ? 'suffix' : 'infix';
      const lp = jsonSafe({ kind, text: v.value.toLowerCase() });
      return lp && fieldPatterns(f.path, [lp]);
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
  // Most values are names and paths: one starting with a letter (other than the I of Infinity)
  // is neither a number nor a date.
  const c = s.charCodeAt(0) | 0x20;
  if (c >= 0x61 && c <= 0x7a && c !== 0x69) return true;
  const n = asDate(s);
  return n === undefined || String(n) === s;
}

/**
 * Wildcard matching and string functions see an object value as its JSON text, which the index
 * only admits through infixes: a pattern that could match JSON text (starting with `{` or `[`, a
 * suffix ending with `}` or `]`, an empty prefix or suffix) is not indexed.
 */
function jsonSafe(p: LiteralPattern | undefined): LiteralPattern | undefined {
  if (!p || (p.kind !== 'exact' && p.text === '')) return undefined;
  if (p.kind === 'infix') return p;
  if (p.kind === 'suffix' ? /[}\]]$/.test(p.text) : /^[{[]/.test(p.text)) return undefined;
  return p;
}
