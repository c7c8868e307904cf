import { QueryError } from '../query-error.js';
import type { Command, Expr } from './ast.js';
import { checkBool, compareDynamic, compileExpr, typeError, type CExpr, type Column, type CompileCtx, type Row } from './expr.js';
import { isAggregateName } from './functions.js';
import { exprCtx, findCol, type PlanCtx, type Schema, type Stage } from './pipeline.js';
import { isNumeric, type XType } from './types.js';
import { warn, warnSite } from './warnings.js';

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
const keyOf = (v: unknown) => (typeof v === 'string' ? `s${v}` : typeof v === 'number' ? `n${v}` : JSON.stringify(v));

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

function makeAgg(e: Expr & { type: 'function' }, ctx: CompileCtx, filter: CExpr | undefined): AggSlot {
  const name = e.name;
  const a0 = e.args[0];
  const star = a0?.type === 'star';
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
      return slot(() => {
        let s = 0;
        let any = false;
        let overflow = false;
        return {
          add: (v) => { for (const x of list(v)) { s += Number(x); any = true; } },
          result: () => {
            if (!any) return null;
            if ((t === 'long' || t === 'integer') && Math.abs(s) >= 9223372036854775808) overflow = true;
            return overflow ? warn(site, 'java.lang.ArithmeticException: long overflow') : s;
          },
        };
      }, t === 'double' ? 'double' : t === 'unknown' ? 'unknown' : t === 'unsigned_long' ? 'unsigned_long' : 'long');
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
    case 'variance':
      needNum();
      return slot(numericAcc((xs) => {
        const m = xs.reduce((a, b) => a + b, 0) / xs.length;
        const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length;
        return name === 'variance' ? v : Math.sqrt(v);
      }), 'double');
    case 'weighted_avg': {
      const w = compileExpr(e.args[1], ctx);
      return slot(() => {
        let s = 0;
        let ws = 0;
        return {
          add: (v, row) => {
            const wv = w.ev(row);
            if (v === null || wv === null || Array.isArray(v) || Array.isArray(wv)) return;
            s += Number(v) * Number(wv);
            ws += Number(wv);
          },
          result: () => (ws === 0 ? null : s / ws),
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
      return slot(() => {
        let best: unknown = null;
        let bestKey: unknown = null;
        return {
          add: (v, row) => {
            const k = by.ev(row);
            if (k === null || Array.isArray(k)) return;
            if (bestKey === null || (compareDynamic(k, bestKey, by.type) ?? 0) * sign > 0) {
              bestKey = k;
              best = v;
            }
          },
          result: () => best,
        };
      }, t === 'text' ? 'keyword' : t);
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
  groups: { name: string; c: CExpr; passthrough: number }[];
  outCols: Column[];
}

function compileStatsParts(cmd: Command & { type: 'stats' }, input: Schema, p: PlanCtx): Compiled {
  const inCtx = exprCtx(p, input);
  const slots: AggSlot[] = [];
  const groups: { name: string; c: CExpr; passthrough: number }[] = [];
  for (const g of cmd.by) {
    const c = compileExpr(g.expr, inCtx);
    const name = g.name ?? (g.expr.type === 'column' ? g.expr.name : p.src.slice(g.expr.location.min, g.expr.location.max + 1));
    const passthrough = g.expr.type === 'column' && !g.name ? findCol(input.cols, g.expr.name) : -1;
    groups.push({ name, c, passthrough });
  }
  const outs: { name: string; c: CExpr }[] = [];
  for (const a of cmd.aggs) {
    const filter = a.where ? compileExpr(a.where, inCtx) : undefined;
    if (filter && a.where) checkBool(inCtx, filter, a.where);
    let sawAgg = false;
    // the outer expression reads aggregate slots (and group values) from an "aggregate row"
    const outerCtx: CompileCtx = {
      src: p.src,
      now: p.now,
      docAvailable: false,
      resolve(name, loc) {
        const gi = groups.findIndex((g) => g.name === name);
        if (gi < 0) throw new QueryError(`column [${name}] must appear in the STATS BY clause or be used in an aggregate function`, p.src, loc.min, 'type');
        return { index: 100000 + gi, type: groups[gi].c.type };
      },
      aggregate(node) {
        if (!isAggregateName(node.name)) return undefined;
        sawAgg = true;
        const s = makeAgg(node, inCtx, filter);
        slots.push(s);
        const idx = slots.length - 1;
        return { type: s.type, constant: false, ev: (r) => r.v[idx] };
      },
    };
    const c = compileExpr(a.expr, outerCtx);
    if (!sawAgg && a.expr.type !== 'literal') {
      // a non-aggregate expression in STATS
      if (!c.constant) throw new QueryError(`expected an aggregate function but found [${p.src.slice(a.expr.location.min, a.expr.location.max + 1)}]`, p.src, a.expr.location.min, 'type');
    }
    const name = a.name ?? p.src.slice(a.expr.location.min, a.expr.location.max + 1);
    // group values in the outer row live after the slots
    const gOff = 100000;
    const fixed: CExpr = c.constant ? c : { ...c, ev: c.ev };
    outs.push({ name, c: fixed });
    void gOff;
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
        for (const k of keyVals) {
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
          for (const g of table.values()) {
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
