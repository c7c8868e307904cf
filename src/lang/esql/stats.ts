import { QueryError } from '../query-error.js';
import type { AggField, Assignment, Command, Expr } from './ast.js';
import { checkBool, compareDynamic, compileExpr, constantValue, typeError, type CExpr, type Column, type CompileCtx, type Row } from './expr.js';
import { isAggregateName } from './functions.js';
import { exprCtx, findCol, type PlanCtx, type Schema, type Stage } from './pipeline.js';
import { isNumeric, LONG_MAX, LONG_MIN, normInt, UL_MAX, type XType } from './types.js';
import { lineCol, MV_WARNING, warn, warnSite } from './warnings.js';

interface Acc {
  add(v: unknown, row: Row): void;
  result(): unknown;
}

interface AggSlot {
  create(): Acc;
  arg?: CExpr;
  star: boolean;
  filter?: CExpr;
  type: XType;
}

const list = (v: unknown): unknown[] => (v === null || v === undefined ? [] : Array.isArray(v) ? v : [v]);
const fromList = (l: unknown[]): unknown => (l.length === 0 ? null : l.length === 1 ? l[0] : l);
const keyOf = (v: unknown) => (typeof v === 'string' ? `s${v}` : typeof v === 'number' || typeof v === 'bigint' ? `n${v}` : JSON.stringify(v));

function numericAcc(f: (xs: number[]) => unknown): () => Acc {
  return () => {
    const xs: number[] = [];
    return { add: (v) => { for (const x of list(v)) xs.push(Number(x)); }, result: () => (xs.length ? f(xs) : null) };
  };
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 1) return s[0];
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo] + (s[hi] - s[lo]) * (rank - lo);
}

/** Pre-aggregated values (TO_AGGREGATE_METRIC_DOUBLE): aggregates combine their parts. */
interface Metric {
  min: number;
  max: number;
  sum: number;
  value_count: number;
}

function metricAgg(name: string, slot: (create: () => Acc, type: XType) => AggSlot, ctx: CompileCtx, e: Expr & { type: 'function' }): AggSlot {
  const combine = (pick: (m: Metric, acc: number | null) => number, type: XType, done: (acc: number | null, count: number) => unknown = (acc) => acc) =>
    slot(() => {
      let acc: number | null = null;
      let count = 0;
      return {
        add: (v) => {
          for (const m of list(v) as Metric[]) {
            acc = pick(m, acc);
            count += m.value_count;
          }
        },
        result: () => done(acc, count),
      };
    }, type);
  switch (name) {
    case 'sum':
      return combine((m, a) => (a ?? 0) + m.sum, 'double');
    case 'min':
      return combine((m, a) => (a === null ? m.min : Math.min(a, m.min)), 'double');
    case 'max':
      return combine((m, a) => (a === null ? m.max : Math.max(a, m.max)), 'double');
    case 'count':
      return combine((m, a) => (a ?? 0) + m.value_count, 'long', (a) => a ?? 0);
    case 'avg':
      return combine((m, a) => (a ?? 0) + m.sum, 'double', (a, n) => (a === null || n === 0 ? null : a / n));
  }
  return typeError(ctx, `[${name.toUpperCase()}] does not support aggregate_metric_double values`, e.location);
}

function makeAgg(e: Expr & { type: 'function' }, ctx: CompileCtx, filter: CExpr | undefined): AggSlot {
  const name = e.name;
  const a0 = e.args[0];
  // COUNT() counts rows, as COUNT(*) does
  const star = a0?.type === 'star' || (!a0 && name === 'count');
  if (!a0 && name !== 'count') typeError(ctx, `[${name}] expects an argument`, e.location);
  const arg = a0 && !star ? compileExpr(a0, ctx) : undefined;
  const t: XType = arg?.type ?? 'long';
  const constArg = (i: number): unknown => {
    if (!e.args[i]) return undefined;
    const c = compileExpr(e.args[i], ctx);
    if (!c.constant) typeError(ctx, `${['first', 'second', 'third'][i]} argument of [${ctx.src.slice(e.location.min, e.location.max + 1)}] must be a constant`, e.args[i].location);
    return c.ev({ v: [] });
  };
  const needNum = () => {
    if (arg && !isNumeric(t) && t !== 'unknown' && t !== 'null') typeError(ctx, `first argument of [${ctx.src.slice(e.location.min, e.location.max + 1)}] must be [numeric except unsigned_long or counter types], found value [${ctx.src.slice(a0.location.min, a0.location.max + 1)}] type [${t}]`, a0.location);
  };
  const site = warnSite(ctx.src, e.location);
  const slot = (create: () => Acc, type: XType): AggSlot => ({ create, arg, star, filter, type });
  if (t === 'aggregate_metric_double' && arg) return metricAgg(name, slot, ctx, e);
  switch (name) {
    case 'count':
      return slot(() => {
        let n = 0;
        return { add: (v) => { n += star ? 1 : list(v).length; }, result: () => n };
      }, 'long');
    case 'count_distinct':
      return slot(() => {
        const s = new Set<string>();
        return { add: (v) => { for (const x of list(v)) s.add(keyOf(x)); }, result: () => s.size };
      }, 'long');
    case 'sum':
      needNum();
      if (t === 'long' || t === 'integer' || t === 'unsigned_long') {
        // exact: a number while the sum is a safe integer, a bigint beyond; Java's overflow at the end
        const unsigned = t === 'unsigned_long';
        return slot(() => {
          let s = 0;
          let big: bigint | undefined;
          let any = false;
          let inexact = false;
          return {
            add: (v) => {
              for (const x of list(v)) {
                any = true;
                if (inexact) {
                  s += Number(x);
                  continue;
                }
                if (big === undefined && typeof x === 'number') {
                  const r = s + x;
                  if (r <= Number.MAX_SAFE_INTEGER && r >= -Number.MAX_SAFE_INTEGER) {
                    s = r;
                    continue;
                  }
                }
                if (typeof x === 'number' && !Number.isInteger(x)) {
                  inexact = true;
                  s += x;
                  continue;
                }
                big = (big ?? BigInt(s)) + (typeof x === 'bigint' ? x : BigInt(x as number));
              }
            },
            result: () => {
              if (!any) return null;
              if (big === undefined || inexact) return big === undefined ? s : Number(big) + s;
              if (unsigned ? big > UL_MAX || big < 0n : big > LONG_MAX || big < LONG_MIN) return warn(site, `java.lang.ArithmeticException: ${unsigned ? 'unsigned_long' : 'long'} overflow`);
              return normInt(big);
            },
          };
        }, unsigned ? 'unsigned_long' : 'long');
      }
      return slot(() => {
        let s = 0;
        let any = false;
        return {
          add: (v) => { for (const x of list(v)) { s += Number(x); any = true; } },
          result: () => (any ? s : null),
        };
      }, t === 'double' || t === 'unknown' || t === 'null' ? t : 'long');
    case 'avg':
      needNum();
      return slot(numericAcc((xs) => xs.reduce((a, b) => a + b, 0) / xs.length), 'double');
    case 'median':
      needNum();
      return slot(numericAcc((xs) => percentile(xs, 50)), 'double');
    case 'percentile': {
      needNum();
      const p = Number(constArg(1));
      return slot(numericAcc((xs) => percentile(xs, p)), 'double');
    }
    case 'median_absolute_deviation':
      needNum();
      return slot(numericAcc((xs) => {
        const m = percentile(xs, 50);
        return percentile(xs.map((x) => Math.abs(x - m)), 50);
      }), 'double');
    case 'std_dev':
    case 'std_var':
    case 'variance':
      needNum();
      return slot(numericAcc((xs) => {
        const m = xs.reduce((a, b) => a + b, 0) / xs.length;
        const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length;
        return name === 'std_dev' ? Math.sqrt(v) : v;
      }), 'double');
    case 'weighted_avg': {
      // Elasticsearch plans WEIGHTED_AVG(v, w) as SUM(v * w) / SUM(w), and as AVG(v) for a constant w
      const w = compileExpr(e.args[1], ctx);
      const constW = constantValue(w);
      const integral = t === 'integer' || t === 'long';
      const checked = (x: number): number | null => (integral && Math.abs(x) >= 9223372036854775808 ? warn(site, 'java.lang.ArithmeticException: long overflow') : x);
      if (constW !== undefined && !Array.isArray(constW)) {
        const k = constW === null ? null : Number(constW);
        return slot(() => {
          let s = 0;
          let n = 0;
          return {
            add: (v) => {
              for (const x of list(v)) {
                s += Number(x);
                n++;
              }
            },
            result: () => {
              if (n === 0 || k === null) return null;
              if (k === 0) return warn(site, 'java.lang.ArithmeticException: / by zero');
              return checked(s * k) === null ? null : s / n;
            },
          };
        }, 'double');
      }
      return slot(() => {
        let s = 0;
        let products = 0;
        let ws = 0;
        let weights = 0;
        return {
          add: (v, row) => {
            const wv = w.ev(row);
            for (const x of list(wv)) {
              ws += Number(x);
              weights++;
            }
            if (v === null || wv === null) return;
            if (Array.isArray(v) || Array.isArray(wv)) {
              warn(site, MV_WARNING);
              return;
            }
            s += Number(v) * Number(wv);
            products++;
          },
          result: () => {
            if (products === 0 || weights === 0) return null;
            if (checked(s) === null) return null;
            if (ws === 0) return warn(site, 'java.lang.ArithmeticException: / by zero');
            return s / ws;
          },
        };
      }, 'double');
    }
    case 'min':
    case 'max': {
      const sign = name === 'min' ? -1 : 1;
      return slot(() => {
        let best: unknown = null;
        return {
          add: (v) => { for (const x of list(v)) if (best === null || (compareDynamic(x, best, t) ?? 0) * sign > 0) best = x; },
          result: () => best,
        };
      }, t === 'text' ? 'keyword' : t);
    }
    case 'values':
      return slot(() => {
        const m = new Map<string, unknown>();
        return { add: (v) => { for (const x of list(v)) { const k = keyOf(x); if (!m.has(k)) m.set(k, x); } }, result: () => fromList([...m.values()]) };
      }, t === 'text' ? 'keyword' : t);
    case 'top': {
      const n = Number(constArg(1));
      const order = String(constArg(2) ?? 'asc').toLowerCase();
      if (order !== 'asc' && order !== 'desc') typeError(ctx, `Invalid order value in [${ctx.src.slice(e.location.min, e.location.max + 1)}], expected [ASC, DESC] but got [${order}]`, e.args[2].location);
      if (!(n > 0)) typeError(ctx, `Limit must be greater than 0 in [${ctx.src.slice(e.location.min, e.location.max + 1)}], found [${n}]`, e.args[1].location);
      const sign = order === 'asc' ? 1 : -1;
      // TOP(field, n, order, outputField): the outputField values of the rows with the top fields
      const out = e.args[3] ? compileExpr(e.args[3], ctx) : undefined;
      if (out && (e.args[3] === undefined || ctx.src.slice(e.args[3].location.min, e.args[3].location.max + 1) !== ctx.src.slice(a0.location.min, a0.location.max + 1))) {
        const ot = out.type;
        return slot(() => {
          const xs: [unknown, unknown][] = [];
          return {
            add: (v, row) => {
              const o = out.ev(row);
              if (o === null) return;
              for (const x of list(v)) for (const y of list(o)) xs.push([x, y]);
            },
            result: () => fromList([...xs].sort((x, y) => (compareDynamic(x[0], y[0], t) ?? 0) * sign).slice(0, n).map((p) => p[1])),
          };
        }, ot === 'text' ? 'keyword' : ot);
      }
      return slot(() => {
        const xs: unknown[] = [];
        return {
          add: (v) => { for (const x of list(v)) xs.push(x); },
          result: () => fromList([...xs].sort((x, y) => (compareDynamic(x, y, t) ?? 0) * sign).slice(0, n)),
        };
      }, t === 'text' ? 'keyword' : t);
    }
    case 'first':
    case 'last': {
      const by = e.args[1] ? compileExpr(e.args[1], ctx) : undefined;
      if (!by) typeError(ctx, `[${name.toUpperCase()}] expects a value and a sort field`, e.location);
      const sign = name === 'first' ? -1 : 1;
      // null sort keys sort last: a row without one is taken only while no row has one (the first such row)
      return slot(() => {
        let best: unknown = null;
        let bestKey: unknown = null;
        let any = false;
        return {
          add: (v, row) => {
            const k = by.ev(row);
            if (k === null) {
              if (!any) {
                any = true;
                best = v;
              }
              return;
            }
            if (Array.isArray(k)) return;
            if (bestKey === null || (compareDynamic(k, bestKey, by.type) ?? 0) * sign > 0) {
              any = true;
              bestKey = k;
              best = v;
            }
          },
          result: () => best,
        };
      }, t === 'text' ? 'keyword' : t);
    }
    case 'present':
    case 'absent': {
      const present = name === 'present';
      return slot(() => {
        let any = false;
        return { add: (v) => { if (list(v).length) any = true; }, result: () => (present ? any : !any) };
      }, 'boolean');
    }
    case 'sample':
      return slot(() => {
        const xs: unknown[] = [];
        const n = Number(constArg(1));
        return { add: (v) => { for (const x of list(v)) if (xs.length < n) xs.push(x); }, result: () => fromList(xs) };
      }, t);
  }
  throw new QueryError(`Unknown aggregate function [${name}]`, ctx.src, e.location.min, 'type');
}

interface Compiled {
  slots: AggSlot[];
  outs: { name: string; c: CExpr }[];
  groups: { name: string; c: CExpr; passthrough: number; sameAs: number }[];
  outCols: Column[];
}

/**
 * STATS names must be unique: of several definitions of a name (aggregates, then groupings) the
 * last wins and the others are dropped (a dropped grouping no longer groups), each with a warning.
 */
function unshadowed(cmd: Command & { type: 'stats' }, p: PlanCtx): { aggs: AggField[]; by: Assignment[] } {
  const nameOf = (a: Assignment) => a.name ?? (a.expr.type === 'column' ? a.expr.name : p.src.slice(a.expr.location.min, a.expr.location.max + 1));
  const defs = [...cmd.aggs, ...cmd.by];
  const last = new Map<string, Assignment>();
  for (const d of defs) last.set(nameOf(d), d);
  for (const d of defs) {
    const w = last.get(nameOf(d))!;
    if (w !== d) p.planWarnings.push(`${lineCol(p.src, d.location.min)}: Field '${nameOf(d)}' shadowed by field at ${lineCol(p.src, w.location.min).toLowerCase()}`);
  }
  const keep = new Set(last.values());
  return { aggs: cmd.aggs.filter((a) => keep.has(a)), by: cmd.by.filter((g) => keep.has(g)) };
}

/** Replace references to grouping aliases (BY a = x + 1) by their expressions, for aggregate arguments. */
function substitute(e: Expr, aliases: Map<string, Expr>): Expr {
  const sub = (x: Expr) => substitute(x, aliases);
  switch (e.type) {
    case 'column':
      return aliases.get(e.name) ?? e;
    case 'list':
      return { ...e, values: e.values.map(sub) };
    case 'function':
      return { ...e, args: e.args.map(sub) };
    case 'unary':
    case 'isnull':
    case 'cast':
      return { ...e, arg: sub(e.arg) };
    case 'binary':
      return { ...e, left: sub(e.left), right: sub(e.right) };
    case 'like':
      return { ...e, arg: sub(e.arg), patterns: e.patterns.map(sub) };
    case 'in':
      return { ...e, arg: sub(e.arg), values: e.values.map(sub) };
    case 'match':
      return { ...e, field: sub(e.field), query: sub(e.query) };
    default:
      return e;
  }
}

function compileStatsParts(cmd: Command & { type: 'stats' }, input: Schema, p: PlanCtx): Compiled {
  const inCtx = exprCtx(p, input);
  const slots: AggSlot[] = [];
  const groups: { name: string; c: CExpr; passthrough: number; sameAs: number }[] = [];
  const { aggs, by } = unshadowed(cmd, p);
  const origins: (Column | undefined)[] = [];
  const aliases = new Map<string, Expr>();
  for (const g of by) {
    const c = compileExpr(g.expr, inCtx);
    const name = g.name ?? (g.expr.type === 'column' ? g.expr.name : p.src.slice(g.expr.location.min, g.expr.location.max + 1));
    const passthrough = g.expr.type === 'column' && !g.name ? findCol(input.cols, g.expr.name) : -1;
    // a copy of an earlier grouping column (EVAL z = y, RENAME) is the same key, not a second one
    const ci = g.expr.type === 'column' ? findCol(input.cols, g.expr.name) : -1;
    const origin = ci >= 0 ? (input.cols[ci].copyOf ?? input.cols[ci]) : undefined;
    const sameAs = origin ? origins.indexOf(origin) : -1;
    origins.push(origin);
    groups.push({ name, c, passthrough, sameAs });
    // aggregates read a grouping alias (BY s = 2) rather than an input column of that name
    if (g.name) aliases.set(g.name, g.expr);
  }
  const outs: { name: string; c: CExpr }[] = [];
  for (const a of aggs) {
    const where = a.where && aliases.size ? substitute(a.where, aliases) : a.where;
    const filter = where ? compileExpr(where, inCtx) : undefined;
    if (filter && where) checkBool(inCtx, filter, where);
    let sawAgg = false;
    let sawGroup = false;
    // the outer expression reads aggregate slots (and group values) from an "aggregate row"
    const outerCtx: CompileCtx = {
      src: p.src,
      now: p.now,
      timeZone: p.timeZone,
      docAvailable: false,
      resolve(name, loc) {
        const gi = groups.findIndex((g) => g.name === name);
        if (gi < 0) throw new QueryError(`column [${name}] must appear in the STATS BY clause or be used in an aggregate function`, p.src, loc.min, 'type');
        sawGroup = true;
        return { index: 100000 + gi, type: groups[gi].c.type };
      },
      aggregate(node) {
        if (!isAggregateName(node.name)) return undefined;
        sawAgg = true;
        const s = makeAgg(aliases.size ? (substitute(node, aliases) as typeof node) : node, inCtx, filter);
        slots.push(s);
        const idx = slots.length - 1;
        return { type: s.type, constant: false, ev: (r) => r.v[idx] };
      },
    };
    const c = compileExpr(a.expr, outerCtx);
    if (!sawAgg && !sawGroup && a.expr.type !== 'literal') {
      // a non-aggregate expression in STATS
      if (!c.constant) throw new QueryError(`expected an aggregate function but found [${p.src.slice(a.expr.location.min, a.expr.location.max + 1)}]`, p.src, a.expr.location.min, 'type');
    }
    const name = a.name ?? p.src.slice(a.expr.location.min, a.expr.location.max + 1);
    outs.push({ name, c });
  }
  const outCols: Column[] = [];
  const seen = new Set<string>();
  const all = [...outs.map((o) => ({ name: o.name, type: o.c.type })), ...groups.map((g) => ({ name: g.name, type: g.c.type }))];
  // later duplicates win
  for (let i = all.length - 1; i >= 0; i--) {
    if (seen.has(all[i].name)) continue;
    seen.add(all[i].name);
    outCols.unshift(all[i]);
  }
  return { slots, outs, groups, outCols };
}

/** The aggregate row exposes slot i at v[i] and group j at v[100000 + j]. */
function aggRow(results: unknown[], groupVals: unknown[]): Row {
  const v: unknown[] = results.slice();
  groupVals.forEach((g, j) => (v[100000 + j] = g));
  return { v };
}

export function compileStats(cmd: Command & { type: 'stats' }, input: Schema, p: PlanCtx): Stage {
  if (cmd.inline) return compileInlineStats(cmd, input, p);
  const parts = compileStatsParts(cmd, input, p);
  const { slots, outs, groups, outCols } = parts;
  const names = [...outs.map((o) => o.name), ...groups.map((g) => g.name)];
  const pick = outCols.map((c) => names.lastIndexOf(c.name));
  p.docRows = false;
  return {
    schema: { cols: outCols, open: false },
    build: (next, st) => {
      const table = new Map<string, { keys: unknown[]; accs: Acc[] }>();
      const accumulate = (row: Row) => {
        const keyVals = groups.map((g) => g.c.ev(row));
        // multi-valued group keys: the row joins every combination
        let combos: unknown[][] = [[]];
        for (let j = 0; j < keyVals.length; j++) {
          const same = groups[j].sameAs;
          if (same >= 0) {
            for (const c of combos) c.push(c[same]);
            continue;
          }
          const k = keyVals[j];
          const vs = Array.isArray(k) ? [...new Map(k.map((x) => [keyOf(x), x])).values()] : [k];
          const nc: unknown[][] = [];
          for (const c of combos) for (const x of vs) nc.push([...c, x]);
          combos = nc;
        }
        for (const keys of combos) {
          const key = keys.length === 1 ? keyOf(keys[0]) : JSON.stringify(keys.map(keyOf));
          let g = table.get(key);
          if (!g) {
            g = { keys, accs: slots.map((s) => s.create()) };
            table.set(key, g);
            if (table.size > st.peakGroups) st.peakGroups = table.size;
          }
          for (let i = 0; i < slots.length; i++) {
            const s = slots[i];
            if (s.filter && s.filter.ev(row) !== true) continue;
            g.accs[i].add(s.star ? 1 : s.arg ? s.arg.ev(row) : null, row);
          }
        }
      };
      return {
        push: accumulate,
        finish() {
          if (table.size === 0 && groups.length === 0) {
            table.set('', { keys: [], accs: slots.map((s) => s.create()) });
            if (st.peakGroups < 1) st.peakGroups = 1;
          }
          for (const g of groupOrder(table, groups)) {
            const results = g.accs.map((a) => a.result());
            const ar = aggRow(results, g.keys);
            const vals = [...outs.map((o) => o.c.ev(ar)), ...g.keys];
            next.push({ v: pick.map((i) => vals[i]) });
          }
          next.finish();
        },
      };
    },
  };
}

/**
 * Output order of STATS groups, as Elasticsearch's block hashes number them: first-seen order,
 * except that a single grouping key reserves group 0 for null (the null group comes first) and a
 * boolean key numbers its groups null, false, true whatever the input order.
 */
function groupOrder<G extends { keys: unknown[] }>(table: Map<string, G>, groups: { c: CExpr; sameAs: number }[]): Iterable<G> {
  const distinct = groups.filter((g) => g.sameAs < 0);
  if (distinct.length !== 1) return table.values();
  const at = groups.indexOf(distinct[0]);
  const all = [...table.values()];
  if (distinct[0].c.type === 'boolean') {
    const rank = (v: unknown) => (v === null ? 0 : v === false ? 1 : 2);
    return all.sort((a, b) => rank(a.keys[at]) - rank(b.keys[at]));
  }
  const nul = all.findIndex((g) => g.keys[at] === null);
  if (nul > 0) all.unshift(all.splice(nul, 1)[0]);
  return all;
}

function compileInlineStats(cmd: Command & { type: 'stats' }, input: Schema, p: PlanCtx): Stage {
  const { slots, outs, groups } = compileStatsParts(cmd, input, p);
  const newNames = new Set([...outs.map((o) => o.name), ...groups.filter((g) => g.passthrough < 0).map((g) => g.name)]);
  const keepIdx = input.cols.map((_, i) => i).filter((i) => !newNames.has(input.cols[i].name));
  const cols: Column[] = [
    ...keepIdx.map((i) => input.cols[i]),
    ...outs.map((o) => ({ name: o.name, type: o.c.type })),
    ...groups.filter((g) => g.passthrough < 0).map((g) => ({ name: g.name, type: g.c.type })),
  ];
  return {
    schema: { cols, open: input.open },
    build: (next, st) => {
      const rows: { row: Row; keys: unknown[][] }[] = [];
      const table = new Map<string, Acc[]>();
      return {
        push(row) {
          const keyVals = groups.map((g) => g.c.ev(row));
          const keys = keyVals.map((k) => (Array.isArray(k) ? k : [k]));
          rows.push({ row, keys: [keyVals] });
          let combos: unknown[][] = [[]];
          for (const vs of keys) {
            const nc: unknown[][] = [];
            for (const c of combos) for (const x of vs) nc.push([...c, x]);
            combos = nc;
          }
          for (const kv of combos) {
            const key = JSON.stringify(kv.map(keyOf));
            let accs = table.get(key);
            if (!accs) {
              accs = slots.map((s) => s.create());
              table.set(key, accs);
              if (table.size > st.peakGroups) st.peakGroups = table.size;
            }
            for (let i = 0; i < slots.length; i++) {
              const s = slots[i];
              if (s.filter && s.filter.ev(row) !== true) continue;
              accs[i].add(s.star ? 1 : s.arg ? s.arg.ev(row) : null, row);
            }
          }
        },
        finish() {
          for (const { row, keys } of rows) {
            const kv = keys[0];
            const single = kv.every((k) => !Array.isArray(k));
            const accs = single ? table.get(JSON.stringify(kv.map(keyOf))) : undefined;
            const results = accs ? accs.map((a) => a.result()) : slots.map((s) => s.create().result());
            const ar = aggRow(results, kv);
            const v = [...keepIdx.map((i) => row.v[i]), ...outs.map((o) => o.c.ev(ar)), ...groups.filter((g) => g.passthrough < 0).map((_, j) => kv[groups.indexOf(groups.filter((g) => g.passthrough < 0)[j])])];
            next.push({ v, doc: row.doc, src: row.src });
          }
          next.finish();
        },
      };
    },
  };
}
