import { compileField } from '../../fields/field-path.js';
import type { Discriminator } from '../discriminator.js';
import { QueryError } from '../query-error.js';
import type { Command, Expr, Setting } from './ast.js';
import { parseTimeZone, type TimeZone } from './time-zone.js';
import { compileDissect } from './dissect.js';
import { convertDocValue } from './doc-value.js';
import { GroupTracker } from './groups.js';
import { CandidateWalker, compilePrefilter, discriminatorsOf } from './prefilter.js';
import { ecsFieldType } from './ecs-types.js';
import { compileEval, compileAssignments } from './eval.js';
import type { Column, Row } from './expr.js';
import { compileGrokCommand } from './grok.js';
import { kqlReads } from './kql-bridge.js';
import { compileDrop, compileKeep, compileRename } from './keep.js';
import { compileLimit } from './limit.js';
import { compileMvExpand } from './mv-expand.js';
import { parseEsql } from './parser.js';
import { wildcardToRegex, type ExecState, type PlanCtx, type Schema, type Sink, type Stage } from './pipeline.js';
import { compileSort } from './sort.js';
import { compileStats } from './stats.js';
import { formatDate, normalizeValue, runtimeType, type EsqlType, type XType } from './types.js';
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
  /** Rows left out by the default limit (InternalOptions.defaultLimit) of a query without LIMIT. */
  cut: number;
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
  /**
   * Whether an event can yield a result row: the WHERE conditions on source fields before the
   * first STATS. Cheap enough for every routed event.
   */
  prefilter(doc: Record<string, unknown>): boolean;
  /** Necessary field conditions of `prefilter` (every event it accepts satisfies each). */
  discriminators: Discriminator[];
  /**
   * Aggregating queries: the result columns holding the final STATS … BY values (after later
   * RENAMEs), which identify a row's group; [] for a STATS without BY. Undefined when the query
   * does not aggregate or a later command drops or overwrites a grouping column.
   */
  groupColumns: string[] | undefined;
  createExecutor<S = unknown>(): EsqlExecutor<S>;
  /** The document fields the query reads (FROM queries); with readsDocuments, not all it reads. */
  fields: string[];
  /**
   * Whether results can depend on more of a document than `fields`: METADATA _source, a KQL()
   * that may read any field (a wildcard name, free text; the fields KQL() names are in `fields`),
   * every field of FROM without KEEP/STATS (allFields).
   */
  readsDocuments: boolean;
}

export interface InternalOptions {
  now?: number;
  /** FROM without KEEP/STATS returns every field of the result documents (as ES returns every mapped field). */
  allFields?: boolean;
  /** Known field types (conformance datasets): FROM yields exactly these columns. */
  schema?: Record<string, EsqlType>;
  /**
   * long / unsigned_long values beyond 2^53 are exact bigints inside the engine. In results they
   * are their exact decimal text by default (JSON-safe, as the reader delivers such numbers);
   * `true` keeps the bigints.
   */
  bigints?: boolean;
  /** Rows of a query with no LIMIT command, as Elasticsearch's default limit (EsqlResult.cut counts the rest). */
  defaultLimit?: number;
}

const META_TYPES: Record<string, XType> = { _id: 'keyword', _index: 'keyword', _version: 'long', _score: 'double', _source: 'unknown', _ignored: 'keyword', _index_mode: 'keyword' };

export function compileInternal(query: string, options: InternalOptions = {}): EsqlQuery {
  const now = options.now ?? Date.now();
  const ast = parseEsql(query);
  ast.commands = combineFilters(ast.commands);
  // Elasticsearch caps a query with no LIMIT anywhere at a default (1,000 rows) and says so.
  if (options.defaultLimit !== undefined && !ast.commands.some((c) => c.type === 'limit')) {
    ast.commands.push({ type: 'limit', count: options.defaultLimit, location: { min: query.length, max: query.length }, implicit: true });
  }
  const session = sessionSettings(ast.settings, query);
  const first = ast.commands[0];
  const isFrom = first.type === 'from';
  let docFields: string[] = [];
  if (isFrom && !options.schema) {
    // discovery pass: which document fields does the query read?
    const found = new Set<string>();
    plan(ast.commands, query, now, session, [], (name) => {
      found.add(name);
      return ecsFieldType(name);
    });
    docFields = [...found].sort();
  } else if (options.schema) {
    docFields = Object.keys(options.schema).sort();
  }
  const typeOf = (f: string): XType => options.schema?.[f] ?? ecsFieldType(f);
  const planned = plan(ast.commands, query, now, session, docFields.map((f) => ({ name: f, type: typeOf(f) })), undefined, !options.schema);
  const { stages, fromCols, metadata, timeBucketField, candidates, groupColumns } = planned;

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

  const kqlFieldsRead = documentFunctionReads(ast.commands);
  const pre = compilePrefilter(candidates, query, now, typeOf, session.timeZone);
  const discriminators = discriminatorsOf(pre.used, typeOf);

  return {
    sources: isFrom ? (first as Command & { type: 'from' }).sources.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean) : [],
    metadata,
    aggregating: ast.commands.some((c) => c.type === 'stats'),
    timeBucketField,
    prefilter: pre.test,
    discriminators,
    groupColumns,
    fields: [...new Set([...fromCols.filter((c) => !c.meta).map((c) => c.name), ...(kqlFieldsRead ?? [])])],
    readsDocuments: metadata.includes('_source') || kqlFieldsRead === undefined || (options.allFields === true && planned.docsOpen),
    createExecutor<S>(): EsqlExecutor<S> {
      const st: ExecState = { peakGroups: 0, cut: 0 };
      const warnings = new Map<string, number>(planned.planWarnings.map((w) => [w, 1]));
      const out: Row[] = [];
      const sink: Sink = { push: (r) => out.push(r), finish: () => undefined };
      let head = sink;
      for (let i = stages.length - 1; i >= 0; i--) head = stages[i].build(head, st);
      const finalCols = stages.length ? stages[stages.length - 1].schema.cols : planned.initial.cols;
      const docColumns = new Set(planned.initial.cols.filter((c) => !(c.name in META_TYPES)));
      let finished: EsqlResult<S> | undefined;
      if (!isFrom) {
        // ROW: one row of constants
        setWarningSink(warnings);
        try {
          head.push({ v: planned.rowValues?.() ?? [] });
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
          let cols = finalCols;
          let rowsV = out.map((r) => r.v);
          if (options.allFields && planned.docsOpen && isFrom) ({ cols, rowsV } = withAllFields(finalCols, docColumns, out, planned.removed));
          const columns: EsqlColumn[] = cols.map((c, i) => ({ name: c.name, type: resolveTypeOf(c.type, rowsV, i) }));
          const rows: EsqlRow<S>[] = out.map((r, k) => {
            const values = rowsV[k].map((v, i) => formatOut(v, columns[i].type, options.bigints === true));
            return r.src !== undefined ? { values, source: r.src as S } : { values };
          });
          finished = { columns, rows, warnings: [...warnings].map(([message, count]) => ({ message, count })), peakGroups: st.peakGroups, cut: st.cut };
          return finished;
        },
      };
    },
  };
}

/**
 * KQL() reads the row's document rather than its columns (see functions.ts kqlFn): the document
 * fields the KQL() calls below `node` read by name (their query's own fields), or undefined when
 * one may read any (a wildcard field, free text). QSTR() never gets here: planning refuses it.
 */
function documentFunctionReads(node: unknown, into: string[] = []): string[] | undefined {
  if (Array.isArray(node)) {
    for (const n of node) if (documentFunctionReads(n, into) === undefined) return undefined;
    return into;
  }
  if (node === null || typeof node !== 'object') return into;
  const o = node as Record<string, unknown>;
  if (o['type'] === 'function' && typeof o['name'] === 'string' && o['name'].toLowerCase() === 'kql') {
    // Planning has made sure the query is a constant string.
    const arg = (o['args'] as Expr[])[0];
    const fields = arg.type === 'literal' && typeof arg.value === 'string' ? kqlReads(arg.value) : undefined;
    if (fields === undefined) return undefined;
    into.push(...fields);
  }
  for (const k in o) if (k !== 'location' && documentFunctionReads(o[k], into) === undefined) return undefined;
  return into;
}

/**
 * FROM without KEEP or STATS: Elasticsearch returns every mapped field; offline, every field the
 * result rows' documents hold. Fields join the FROM columns in name order; columns a command made
 * (EVAL, RENAME …) keep their places, and dropped or renamed-away fields stay out.
 */
function withAllFields(finalCols: Column[], docColumns: Set<Column>, out: Row[], removed: (name: string) => boolean): { cols: Column[]; rowsV: unknown[][] } {
  const present = new Set(finalCols.map((c) => c.name));
  const found = new Set<string>();
  for (const r of out) if (r.doc) leafNames(r.doc, '', found);
  const extra = [...found].filter((n) => !present.has(n) && !removed(n));
  if (extra.length === 0) return { cols: finalCols, rowsV: out.map((r) => r.v) };
  type Slot = { from: number } | { field: string };
  const docSlots: { name: string; slot: Slot }[] = [];
  finalCols.forEach((c, i) => docColumns.has(c) && docSlots.push({ name: c.name, slot: { from: i } }));
  for (const f of extra) docSlots.push({ name: f, slot: { field: f } });
  docSlots.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const layout: { name: string; type: XType; slot: Slot }[] = [];
  let placed = false;
  const placeBlock = () => {
    if (placed) return;
    placed = true;
    for (const d of docSlots) layout.push({ name: d.name, type: 'from' in d.slot ? finalCols[d.slot.from].type : 'unknown', slot: d.slot });
  };
  finalCols.forEach((c, i) => {
    if (docColumns.has(c)) placeBlock();
    else layout.push({ name: c.name, type: c.type, slot: { from: i } });
  });
  if (!placed) {
    const rest = layout.splice(0);
    placeBlock();
    layout.push(...rest);
  }
  const getters = new Map(extra.map((f) => [f, compileField(f)]));
  const rowsV = out.map((r) => layout.map((l) => ('from' in l.slot ? r.v[l.slot.from] : r.doc ? convertDocValue(normalizeValue(getters.get(l.slot.field)!(r.doc)), 'unknown') : null)));
  return { cols: layout.map((l) => ({ name: l.name, type: l.type })), rowsV };
}

/** Dotted names of a document's leaf values (through nested objects and arrays of objects). */
function leafNames(node: unknown, prefix: string, out: Set<string>): void {
  if (node === null || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    const name = prefix + k;
    if (v === null || v === undefined) continue;
    if (Array.isArray(v)) {
      let leaf = false;
      for (const x of v) {
        if (x !== null && typeof x === 'object' && !Array.isArray(x)) leafNames(x, `${name}.`, out);
        else if (x !== null) leaf = true;
      }
      if (leaf) out.add(name);
    } else if (typeof v === 'object') leafNames(v, `${name}.`, out);
    else out.add(name);
  }
}

function resolveTypeOf(t: XType, rows: unknown[][], i: number): EsqlType {
  if (t !== 'unknown') return t;
  for (const r of rows) {
    const v = r[i];
    if (v !== null && v !== undefined) {
      if (typeof v === 'object' && !Array.isArray(v)) return 'keyword';
      return runtimeType(v);
    }
  }
  return 'keyword';
}

function formatOut(v: unknown, t: EsqlType, bigints: boolean): unknown {
  if (v === undefined) return null;
  if (Array.isArray(v)) return v.map((x) => formatOut(x, t, bigints));
  if (typeof v === 'bigint') return bigints ? v : v.toString();
  if ((t === 'date' || t === 'date_nanos') && typeof v === 'number') return formatDate(v);
  if (t === 'keyword' && v !== null && typeof v === 'object') return JSON.stringify(v);
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
  /** WHERE conjuncts on source fields, for the streaming prefilter. */
  candidates: Expr[];
  rowValues?: () => unknown[];
  groupColumns: string[] | undefined;
  planWarnings: string[];
  /** Rows still are whole documents (FROM without KEEP or STATS). */
  docsOpen: boolean;
  /** Names a DROP or RENAME took out of the result. */
  removed: (name: string) => boolean;
}

function plan(commands: Command[], src: string, now: number, session: Session, docCols: Column[], discover: ((n: string) => XType) | undefined, lenient = true): Planned {
  const first = commands[0];
  const p: PlanCtx = { src, now, discover, bucketOf: new Map(), docRows: first.type === 'from', lenient, planWarnings: [], ...session };
  let schema: Schema;
  const fromCols: FromCol[] = [];
  const metadata: string[] = [];
  let rowValues: (() => unknown[]) | undefined;
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
    // evaluated per execution, inside the warning sink: constant expressions warn too
    rowValues = () => {
      let v: unknown[] = [];
      for (const st of steps) {
        const val = st.c.ev({ v });
        const nv = st.drop >= 0 ? v.filter((_, i) => i !== st.drop) : v.slice();
        nv.push(val);
        v = nv;
      }
      return v;
    };
    p.docRows = false;
  } else {
    throw new QueryError('a query starts with FROM or ROW', src, first.location.min);
  }
  const initial: Schema = { cols: [...schema.cols], open: schema.open };
  const walker = first.type === 'from' ? new CandidateWalker(src, (n) => n in META_TYPES) : undefined;
  let groups: GroupTracker | undefined;
  let timeBucketField: string | undefined;
  let sawStats = false;
  let docsOpen = first.type === 'from';
  const removedPatterns: RegExp[] = [];
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
      case 'sort':
        st = compileSort(c, schema, p, limitAfter(commands, i + 1));
        break;
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
    walker?.step(c, schema, st.schema);
    if (c.type === 'keep' || (c.type === 'stats' && !c.inline)) docsOpen = false;
    if (c.type === 'drop') removedPatterns.push(...c.patterns.map((x) => wildcardToRegex(x.pattern)));
    if (c.type === 'rename') removedPatterns.push(...c.pairs.map((x) => wildcardToRegex(x.from.pattern)));
    if (c.type === 'stats' && !c.inline) groups = new GroupTracker(c, src, st.schema);
    else groups?.step(c, schema, st.schema);
    stages.push(st);
    schema = st.schema;
  }
  return { stages, initial, fromCols, metadata, timeBucketField, candidates: walker?.conjuncts ?? [], rowValues, groupColumns: groups?.columns, planWarnings: p.planWarnings, docsOpen, removed: (n: string) => removedPatterns.some((r) => r.test(n)) };
}

/** Commands that give exactly one row for each row: a LIMIT after them bounds a SORT before them. */
const ROW_FOR_ROW = new Set<Command['type']>(['eval', 'keep', 'drop', 'rename', 'dissect', 'grok']);

/**
 * The LIMIT a SORT's rows reach with no change in their number, as Elasticsearch pushes a limit
 * down past EVAL, KEEP, … into a TopN: `SORT t | KEEP a | LIMIT 10` keeps 10 rows, not all.
 */
function limitAfter(commands: Command[], from: number): (Command & { type: 'limit' }) | undefined {
  for (let i = from; i < commands.length; i++) {
    const c = commands[i];
    if (c.type === 'limit') return c;
    if (!ROW_FOR_ROW.has(c.type)) return undefined;
  }
  return undefined;
}

/**
 * Consecutive WHEREs are one filter in Elasticsearch (CombineFilters: `WHERE a | WHERE b` is
 * `WHERE a AND b`, the AND taking a's source). The rows are the same; b is then evaluated, and
 * warns, on the rows where a is null as well.
 */
function combineFilters(commands: Command[]): Command[] {
  const out: Command[] = [];
  for (const c of commands) {
    const prev = out[out.length - 1];
    if (c.type === 'where' && prev?.type === 'where') {
      const cond: Expr = { type: 'binary', op: 'and', left: prev.cond, right: c.cond, location: prev.cond.location };
      out[out.length - 1] = { type: 'where', cond, location: { min: prev.location.min, max: c.location.max } };
    } else out.push(c);
  }
  return out;
}

interface Session {
  timeZone?: TimeZone;
  nullifyUnmapped?: boolean;
}

function sessionSettings(settings: Setting[], src: string): Session {
  const out: Session = {};
  for (const s of settings) {
    const v = s.value;
    switch (s.name) {
      case 'time_zone': {
        const tz = typeof v === 'string' ? parseTimeZone(v) : undefined;
        if (!tz) throw new QueryError(`invalid time_zone [${String(v)}]`, src, s.valueLocation.min, 'type');
        out.timeZone = tz;
        break;
      }
      case 'unmapped_fields': {
        const mode = String(v).toLowerCase();
        if (mode !== 'nullify' && mode !== 'fail' && mode !== 'load') {
          throw new QueryError(`invalid unmapped_fields [${String(v)}]; expected one of [fail, nullify, load]`, src, s.valueLocation.min, 'type');
        }
        // documents carry every field they have: "load" reads as "nullify" offline
        out.nullifyUnmapped = mode !== 'fail';
        break;
      }
      default:
        throw new QueryError(`unknown setting [${s.name}]`, src, s.location.min, 'unsupported');
    }
  }
  return out;
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
