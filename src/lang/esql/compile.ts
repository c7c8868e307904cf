import { compileField } from '../../fields/field-path.js';
import { parseTimestamp } from '../../fields/timestamp.js';
import { QueryError } from '../query-error.js';
import type { Command, Expr } from './ast.js';
import { compileDissect } from './dissect.js';
import { ecsFieldType } from './ecs-types.js';
import { compileEval, compileAssignments } from './eval.js';
import { compileExpr, type Column, type Row } from './expr.js';
import { compileGrokCommand } from './grok.js';
import { compileDrop, compileKeep, compileRename } from './keep.js';
import { compileLimit } from './limit.js';
import { compileMvExpand } from './mv-expand.js';
import { parseEsql } from './parser.js';
import { exprCtx, type ExecState, type PlanCtx, type Schema, type Sink, type Stage } from './pipeline.js';
import { compileSort } from './sort.js';
import { compileStats } from './stats.js';
import { formatDate, normalizeIp, normalizeValue, runtimeType, type EsqlType, type XType } from './types.js';
import { setWarningSink } from './warnings.js';
import { compileWhere } from './where.js';

export interface EsqlColumn {
  name: string;
  type: EsqlType;
}
export interface EsqlMeta {
  _id?: string;
  _index?: string;
  _version?: number;
}
export interface EsqlRow<S> {
  values: unknown[];
  source?: S;
}
export interface EsqlResult<S> {
  columns: EsqlColumn[];
  rows: EsqlRow<S>[];
  warnings: { message: string; count: number }[];
  peakGroups: number;
}
export interface EsqlExecutor<S> {
  push(doc: Record<string, unknown>, meta: EsqlMeta, source?: S): void;
  finish(): EsqlResult<S>;
}
export interface EsqlQuery {
  sources: string[];
  metadata: string[];
  aggregating: boolean;
  timeBucketField: string | undefined;
  prefilter(doc: Record<string, unknown>): boolean;
  createExecutor<S = unknown>(): EsqlExecutor<S>;
  fields: string[];
}

export interface InternalOptions {
  now?: number;
  /** Known field types (conformance datasets): FROM yields exactly these columns. */
  schema?: Record<string, EsqlType>;
}

const META_TYPES: Record<string, XType> = { _id: 'keyword', _index: 'keyword', _version: 'long', _score: 'double', _source: 'unknown', _ignored: 'keyword', _index_mode: 'keyword' };

export function compileInternal(query: string, options: InternalOptions = {}): EsqlQuery {
  const now = options.now ?? Date.now();
  const ast = parseEsql(query);
  const first = ast.commands[0];
  const isFrom = first.type === 'from';
  let docFields: string[] = [];
  if (isFrom && !options.schema) {
    // discovery pass: which document fields does the query read?
    const found = new Set<string>();
    plan(ast.commands, query, now, [], (name) => {
      found.add(name);
      return ecsFieldType(name);
    });
    docFields = [...found].sort();
  } else if (options.schema) {
    docFields = Object.keys(options.schema).sort();
  }
  const typeOf = (f: string): XType => options.schema?.[f] ?? ecsFieldType(f);
  const planned = plan(ast.commands, query, now, docFields.map((f) => ({ name: f, type: typeOf(f) })), undefined, !options.schema);
  const { stages, fromCols, metadata, timeBucketField, prefilterExprs } = planned;

  const getters = fromCols.map((c) => (c.meta ? undefined : compileField(c.name)));
  const readRow = (doc: Record<string, unknown>, meta: EsqlMeta): unknown[] => {
    const v = new Array(fromCols.length);
    for (let i = 0; i < fromCols.length; i++) {
      const c = fromCols[i];
      if (c.meta) {
        v[i] = c.name === '_source' ? doc : c.name === '_version' ? meta._version ?? 1 : c.name === '_score' ? 0 : ((meta as Record<string, unknown>)[c.name] ?? null);
        continue;
      }
      v[i] = convertDocValue(normalizeValue(getters[i]!(doc)), c.type);
    }
    return v;
  };

  const preds = prefilterExprs;
  const prefilter = preds.length
    ? (doc: Record<string, unknown>) => {
        const row: Row = { v: readRow(doc, {}), doc };
        for (const p of preds) if (p(row) !== true) return false;
        return true;
      }
    : () => true;

  return {
    sources: isFrom ? (first as Command & { type: 'from' }).sources.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean) : [],
    metadata,
    aggregating: ast.commands.some((c) => c.type === 'stats'),
    timeBucketField,
    prefilter,
    fields: fromCols.filter((c) => !c.meta).map((c) => c.name),
    createExecutor<S>(): EsqlExecutor<S> {
      const st: ExecState = { peakGroups: 0 };
      const warnings = new Map<string, number>();
      const out: Row[] = [];
      const sink: Sink = { push: (r) => out.push(r), finish: () => undefined };
      let head = sink;
      for (let i = stages.length - 1; i >= 0; i--) head = stages[i].build(head, st);
      const finalCols = stages.length ? stages[stages.length - 1].schema.cols : planned.initial.cols;
      let finished: EsqlResult<S> | undefined;
      if (!isFrom) {
        // ROW: one row of constants
        setWarningSink(warnings);
        try {
          head.push({ v: planned.rowValues ?? [] });
        } finally {
          setWarningSink(undefined);
        }
      }
      return {
        push(doc, meta, source) {
          if (!isFrom) return;
          setWarningSink(warnings);
          try {
            head.push({ v: readRow(doc, meta), doc, src: source });
          } finally {
            setWarningSink(undefined);
          }
        },
        finish() {
          if (finished) return finished;
          setWarningSink(warnings);
          try {
            head.finish();
          } finally {
            setWarningSink(undefined);
          }
          const columns: EsqlColumn[] = finalCols.map((c, i) => ({ name: c.name, type: resolveType(c.type, out, i) }));
          const rows: EsqlRow<S>[] = out.map((r) => {
            const values = r.v.map((v, i) => formatOut(v, columns[i].type));
            return r.src !== undefined ? { values, source: r.src as S } : { values };
          });
          finished = { columns, rows, warnings: [...warnings].map(([message, count]) => ({ message, count })), peakGroups: st.peakGroups };
          return finished;
        },
      };
    },
  };
}

function resolveType(t: XType, rows: Row[], i: number): EsqlType {
  if (t !== 'unknown') return t;
  for (const r of rows) {
    const v = r.v[i];
    if (v !== null && v !== undefined) {
      if (typeof v === 'object' && !Array.isArray(v)) return 'keyword';
      return runtimeType(v);
    }
  }
  return 'keyword';
}

function formatOut(v: unknown, t: EsqlType): unknown {
  if (v === undefined) return null;
  if (Array.isArray(v)) return v.map((x) => formatOut(x, t));
  if ((t === 'date' || t === 'date_nanos') && typeof v === 'number') return formatDate(v);
  if (t === 'keyword' && v !== null && typeof v === 'object') return JSON.stringify(v);
  return v;
}

function convertDocValue(v: unknown, t: XType): unknown {
  if (v === null) return null;
  if (t === 'date' || t === 'date_nanos') {
    if (Array.isArray(v)) {
      const out = v.map((x) => parseTimestamp(x)).filter((x): x is number => x !== undefined);
      return out.length === 0 ? null : out.length === 1 ? out[0] : out;
    }
    return parseTimestamp(v) ?? null;
  }
  if (t === 'ip') {
    const one = (x: unknown) => (typeof x === 'string' ? normalizeIp(x) : undefined);
    if (Array.isArray(v)) {
      const out = v.map(one).filter((x): x is string => x !== undefined);
      return out.length === 0 ? null : out.length === 1 ? out[0] : out;
    }
    return one(v) ?? null;
  }
  if (t === 'integer' || t === 'long' || t === 'double' || t === 'unsigned_long') {
    const one = (x: unknown) => (typeof x === 'string' && x.trim() !== '' ? Number(x) : x);
    return Array.isArray(v) ? v.map(one) : one(v);
  }
  if (t === 'boolean') {
    const one = (x: unknown) => (typeof x === 'string' ? x === 'true' : x);
    return Array.isArray(v) ? v.map(one) : one(v);
  }
  if (t === 'keyword' || t === 'text' || t === 'version') {
    const one = (x: unknown) => (typeof x === 'string' ? x : typeof x === 'object' ? JSON.stringify(x) : String(x));
    return Array.isArray(v) ? v.map(one) : one(v);
  }
  return v;
}

interface FromCol {
  name: string;
  type: XType;
  meta: boolean;
}

interface Planned {
  stages: Stage[];
  initial: Schema;
  fromCols: FromCol[];
  metadata: string[];
  timeBucketField: string | undefined;
  prefilterExprs: ((r: Row) => unknown)[];
  rowValues?: unknown[];
}

function plan(commands: Command[], src: string, now: number, docCols: Column[], discover: ((n: string) => XType) | undefined, lenient = true): Planned {
  const first = commands[0];
  const p: PlanCtx = { src, now, discover, bucketOf: new Map(), docRows: first.type === 'from', lenient };
  let schema: Schema;
  const fromCols: FromCol[] = [];
  const metadata: string[] = [];
  let rowValues: unknown[] | undefined;
  const stages: Stage[] = [];
  if (first.type === 'from') {
    for (const c of docCols) fromCols.push({ ...c, meta: false });
    for (const m of first.metadata) {
      if (!(m in META_TYPES)) throw new QueryError(`unsupported metadata field [${m}]`, src, first.location.min, 'syntax');
      metadata.push(m);
      fromCols.push({ name: m, type: META_TYPES[m], meta: true });
    }
    schema = { cols: fromCols.map((c) => ({ name: c.name, type: c.type })), open: !!discover };
  } else if (first.type === 'row') {
    const { schema: s, steps } = compileAssignments(first.fields, { cols: [], open: false }, p);
    schema = s;
    let v: unknown[] = [];
    for (const st of steps) {
      const val = st.c.ev({ v });
      const nv = st.drop >= 0 ? v.filter((_, i) => i !== st.drop) : v.slice();
      nv.push(val);
      v = nv;
    }
    rowValues = v;
    p.docRows = false;
  } else {
    throw new QueryError('a query starts with FROM or ROW', src, first.location.min);
  }
  const initial: Schema = { cols: [...schema.cols], open: schema.open };
  // leading WHERE commands right after FROM: their conjuncts that read only document fields
  const prefilterExprs: ((r: Row) => unknown)[] = [];
  if (first.type === 'from') {
    for (let i = 1; i < commands.length; i++) {
      const c = commands[i];
      if (c.type !== 'where') break;
      for (const conj of conjuncts(c.cond)) {
        if (readsMeta(conj)) continue;
        try {
          prefilterExprs.push(compileExpr(conj, exprCtx(p, schema)).ev);
        } catch {
          /* reported when the WHERE itself compiles */
        }
      }
    }
  }
  let timeBucketField: string | undefined;
  let sawStats = false;
  for (let i = 1; i < commands.length; i++) {
    const c = commands[i];
    let st: Stage;
    switch (c.type) {
      case 'where':
        st = compileWhere(c, schema, p);
        break;
      case 'eval':
        st = compileEval(c, schema, p);
        break;
      case 'stats':
        if (!sawStats && !c.inline) {
          sawStats = true;
          timeBucketField = bucketField(c, p);
        }
        st = compileStats(c, schema, p);
        break;
      case 'keep':
        st = compileKeep(c, schema, p);
        break;
      case 'drop':
        st = compileDrop(c, schema, p);
        break;
      case 'rename':
        st = compileRename(c, schema, p);
        break;
      case 'sort': {
        const nx = commands[i + 1];
        const limit = nx && nx.type === 'limit' ? nx.count : undefined;
        st = compileSort(c, schema, p, limit);
        break;
      }
      case 'limit':
        st = compileLimit(c, schema, p);
        break;
      case 'mv_expand':
        st = compileMvExpand(c, schema, p);
        break;
      case 'dissect':
        st = compileDissect(c, schema, p);
        break;
      case 'grok':
        st = compileGrokCommand(c, schema, p);
        break;
      case 'from':
      case 'row':
        throw new QueryError(`${c.type.toUpperCase()} must be the first command`, src, c.location.min);
    }
    stages.push(st);
    schema = st.schema;
  }
  return { stages, initial, fromCols, metadata, timeBucketField, prefilterExprs, rowValues };
}

function conjuncts(e: Expr): Expr[] {
  if (e.type === 'binary' && e.op === 'and') return [...conjuncts(e.left), ...conjuncts(e.right)];
  return [e];
}

function readsMeta(e: Expr): boolean {
  let found = false;
  const walk = (x: Expr): void => {
    if (found) return;
    switch (x.type) {
      case 'column':
        if (x.name in META_TYPES) found = true;
        return;
      case 'function':
        x.args.forEach(walk);
        return;
      case 'list':
        x.values.forEach(walk);
        return;
      case 'unary':
      case 'isnull':
      case 'cast':
        walk(x.arg);
        return;
      case 'binary':
        walk(x.left);
        walk(x.right);
        return;
      case 'like':
        walk(x.arg);
        return;
      case 'in':
        walk(x.arg);
        x.values.forEach(walk);
        return;
      case 'match':
        walk(x.field);
        walk(x.query);
        return;
    }
  };
  walk(e);
  return found;
}

function bucketField(c: Command & { type: 'stats' }, p: PlanCtx): string | undefined {
  for (const g of c.by) {
    const e = g.expr;
    if (e.type === 'column') {
      const b = p.bucketOf.get(e.name);
      if (b) return b;
    } else if (e.type === 'function') {
      const arg = e.name === 'date_trunc' ? e.args[1] : e.name === 'bucket' || e.name === 'tbucket' ? e.args[0] : undefined;
      if (arg && arg.type === 'column') return p.bucketOf.get(arg.name) ?? arg.name;
    }
  }
  return undefined;
}
