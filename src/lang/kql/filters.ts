/**
 * Kibana filters (`[[rule.filters]]`) → predicate. A filter is a query DSL fragment (under
 * `query`, or legacy top-level `exists` / `range` / `match_all`) plus `meta` (negate, disabled,
 * and for old phrase filters `key` + `params`). Supported DSL: match_all, exists, term, terms,
 * match / match_phrase (keyword semantics), wildcard (`*`, `?`, case_insensitive), prefix,
 * range, bool (must / filter / should + minimum_should_match / must_not), and query_string as
 * KQL when it parses as KQL. Anything else is a QueryError of kind 'unsupported'.
 */
import { QueryError } from '../query-error.js';
import type { RuleFilter } from '../../rules/rule.js';
import type { DocPredicate } from './compile/index.js';
import { fieldAccess } from './compile/field.js';
import { boundTest } from './compile/range.js';
import { esWildcardMatcher } from './match/glob.js';
import { anyValue, literalTest, toScalar, unionTests, type ScalarTest } from './match/scalar.js';
import type { KqlNode, RangeOperator } from './ast.js';

type Obj = Record<string, unknown>;
type KqlCompiler = (q: string | KqlNode, o: { now?: number }) => DocPredicate;

interface Ctx {
  now: number;
  source: string;
  kql: KqlCompiler;
}

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function unsupported(ctx: Ctx, what: string): never {
  throw new QueryError(`Unsupported filter: ${what}`, ctx.source, 0, 'unsupported');
}

function onField(field: string, test: ScalarTest): DocPredicate {
  const get = fieldAccess({ kind: 'literal', value: field, quoted: false, location: { min: 0, max: 0 } }).get;
  return (doc) => anyValue(get(doc), test);
}

function exists(field: string): DocPredicate {
  const get = fieldAccess({ kind: 'literal', value: field, quoted: false, location: { min: 0, max: 0 } }).get;
  return (doc) => get(doc) !== undefined;
}

function scalarOf(v: unknown): string | boolean | null {
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return String(v);
  return v === null || v === undefined ? null : String(v);
}

/** `{ field: value }` or `{ field: { <key>: value, ... } }` → [field, value, options]. */
function single(ctx: Ctx, kind: string, body: unknown, key: string): [string, unknown, Obj] {
  if (!isObj(body)) unsupported(ctx, kind);
  const fields = Object.keys(body);
  if (fields.length !== 1) unsupported(ctx, `${kind} with ${fields.length} fields`);
  const field = fields[0];
  const spec = body[field];
  if (isObj(spec)) return [field, spec[key], spec];
  return [field, spec, {}];
}

function equalsTest(v: unknown, caseInsensitive: boolean): ScalarTest {
  const s = scalarOf(v);
  if (caseInsensitive && typeof s === 'string') {
    const lower = s.toLowerCase();
    return (d) => typeof d === 'string' && d.toLowerCase() === lower;
  }
  return toScalar(literalTest(s));
}

function dsl(q: unknown, ctx: Ctx): DocPredicate {
  if (!isObj(q)) unsupported(ctx, 'query is not an object');
  const keys = Object.keys(q);
  if (keys.length !== 1) {
    // Several clauses side by side: all must hold.
    const parts = keys.map((k) => dsl({ [k]: q[k] }, ctx));
    return (doc) => parts.every((p) => p(doc));
  }
  const kind = keys[0];
  const body = q[kind];
  switch (kind) {
    case 'match_all':
      return () => true;
    case 'match_none':
      return () => false;
    case 'exists': {
      if (!isObj(body) || typeof body.field !== 'string') unsupported(ctx, 'exists without field');
      return exists(body.field);
    }
    case 'term':
    case 'match':
    case 'match_phrase': {
      const [field, value, opts] = single(ctx, kind, body, kind === 'term' ? 'value' : 'query');
      return onField(field, equalsTest(value, opts.case_insensitive === true));
    }
    case 'terms': {
      if (!isObj(body)) unsupported(ctx, 'terms');
      const field = Object.keys(body).find((k) => k !== 'boost');
      const values = field ? body[field] : undefined;
      if (!field || !Array.isArray(values)) unsupported(ctx, 'terms without a value list');
      return onField(field, unionTests(values.map((v) => literalTest(scalarOf(v)))));
    }
    case 'wildcard':
    case 'prefix': {
      const [field, value, opts] = single(ctx, kind, body, 'value');
      const raw = value ?? opts.wildcard;
      if (typeof raw !== 'string') unsupported(ctx, `${kind} without a string value`);
      const pattern = kind === 'prefix' ? `${raw.replace(/[\\*?]/g, '\\$&')}*` : raw;
      const glob = esWildcardMatcher(pattern, opts.case_insensitive === true);
      return onField(field, (d) => (typeof d === 'string' || typeof d === 'number' ? glob(String(d)) : false));
    }
    case 'range':
      return rangeFilter(body, ctx);
    case 'bool':
      return boolFilter(body, ctx);
    case 'query_string': {
      const text = isObj(body) ? body.query : undefined;
      if (typeof text !== 'string') unsupported(ctx, 'query_string without query');
      // Lucene constructs KQL would read differently: ranges, fuzzy/proximity, regex, ?, +/- prefixes.
      if (LUCENE_ONLY.test(text)) unsupported(ctx, `query_string (Lucene syntax) ${JSON.stringify(text)}`);
      try {
        return ctx.kql(text, { now: ctx.now });
      } catch (e) {
        if (e instanceof QueryError) unsupported(ctx, `query_string (Lucene syntax) ${JSON.stringify(text)}`);
        throw e;
      }
    }
    default:
      return unsupported(ctx, kind);
  }
}

const LUCENE_ONLY = /[[\]~?]|\bTO\b|(^|[\s(])[+-][\w"(]|(^|[\s:(])\/[^/]*\//;

function rangeFilter(body: unknown, ctx: Ctx): DocPredicate {
  if (!isObj(body)) unsupported(ctx, 'range');
  const parts: DocPredicate[] = [];
  for (const [field, spec] of Object.entries(body)) {
    if (!isObj(spec)) unsupported(ctx, `range on ${field}`);
    const tests: ScalarTest[] = [];
    for (const op of ['gt', 'gte', 'lt', 'lte'] as RangeOperator[]) {
      const v = spec[op];
      if (v !== undefined && v !== null) tests.push(boundTest(op, String(v), ctx.now));
    }
    // All bounds must hold on the same value.
    parts.push(onField(field, (d) => tests.every((t) => t(d))));
  }
  return (doc) => parts.every((p) => p(doc));
}

function clauses(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function boolFilter(body: unknown, ctx: Ctx): DocPredicate {
  if (!isObj(body)) unsupported(ctx, 'bool');
  const must = [...clauses(body.must), ...clauses(body.filter)].map((c) => dsl(c, ctx));
  const mustNot = clauses(body.must_not).map((c) => dsl(c, ctx));
  const should = clauses(body.should).map((c) => dsl(c, ctx));
  const msm = body.minimum_should_match;
  let need = should.length > 0 && must.length === 0 ? 1 : 0;
  if (typeof msm === 'number') need = msm;
  else if (typeof msm === 'string' && /^\d+$/.test(msm)) need = Number(msm);
  return (doc) => {
    for (const p of must) if (!p(doc)) return false;
    for (const p of mustNot) if (p(doc)) return false;
    if (need > 0) {
      let hits = 0;
      for (const p of should) if (p(doc) && ++hits >= need) break;
      if (hits < need) return false;
    }
    return true;
  };
}

/** Legacy filter shapes: `meta.type: phrase` with `meta.key` and `meta.params.query`. */
function fromMeta(f: RuleFilter, ctx: Ctx): DocPredicate | undefined {
  const meta = f.meta ?? {};
  const key = meta.key;
  const params = meta.params;
  if (typeof key !== 'string') return undefined;
  if (meta.type === 'phrase' && isObj(params) && 'query' in params) return onField(key, equalsTest(params.query, false));
  if (meta.type === 'phrases' && Array.isArray(params)) return onField(key, unionTests(params.map((v) => literalTest(scalarOf(v)))));
  if (meta.type === 'exists') return exists(key);
  return undefined;
}

function compileOne(f: RuleFilter, ctx: Ctx): DocPredicate {
  if (f.query !== undefined) return dsl(f.query, ctx);
  if (f.exists !== undefined) return dsl({ exists: f.exists }, ctx);
  if (f.range !== undefined) return dsl({ range: f.range }, ctx);
  if (f.match_all !== undefined) return () => true;
  return fromMeta(f, ctx) ?? unsupported(ctx, 'no query in filter');
}

export function compileFilterList(filters: RuleFilter[], now: number, kql: KqlCompiler): DocPredicate {
  const parts: DocPredicate[] = [];
  for (const f of filters) {
    if (f.meta?.disabled === true) continue;
    const ctx: Ctx = { now, source: JSON.stringify(f), kql };
    const p = compileOne(f, ctx);
    parts.push(f.meta?.negate === true ? (doc) => !p(doc) : p);
  }
  if (parts.length === 0) return () => true;
  if (parts.length === 1) return parts[0];
  return (doc) => {
    for (const p of parts) if (!p(doc)) return false;
    return true;
  };
}
