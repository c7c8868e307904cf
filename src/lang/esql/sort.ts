import type { Command } from './ast.js';
import { compileExpr } from './expr.js';
import { exprCtx, type PlanCtx, type Schema, type Stage } from './pipeline.js';
import { compareValues, type XType } from './types.js';
import type { Row } from './expr.js';

export type RowCompare = (a: Row, b: Row) => number;

/** Sort keys: multi-values sort by their min (ASC) or max (DESC), like Elasticsearch. */
export function compileSortKeys(cmd: Command & { type: 'sort' }, input: Schema, p: PlanCtx): RowCompare {
  const ctx = exprCtx(p, input);
  const keys = cmd.keys.map((k) => ({ c: compileExpr(k.expr, ctx), desc: k.desc, nullsFirst: k.nullsFirst }));
  const keyOf = (v: unknown, desc: boolean, t: XType): unknown => {
    if (!Array.isArray(v)) return v;
    let best = v[0];
    for (const x of v) {
      const c = cmp(x, best, t);
      if (desc ? c > 0 : c < 0) best = x;
    }
    return best;
  };
  return (a, b) => {
    for (const k of keys) {
      const t = k.c.type;
      const x = keyOf(k.c.ev(a), k.desc, t);
      const y = keyOf(k.c.ev(b), k.desc, t);
      if (x === null && y === null) continue;
      if (x === null) return k.nullsFirst ? -1 : 1;
      if (y === null) return k.nullsFirst ? 1 : -1;
      const c = cmp(x, y, t);
      if (c !== 0) return k.desc ? -c : c;
    }
    return 0;
  };
}

function cmp(x: unknown, y: unknown, t: XType): number {
  if (typeof x !== typeof y) {
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return String(typeof x) < String(typeof y) ? -1 : 1;
  }
  return compareValues(x, y, t);
}

export function compileSort(cmd: Command & { type: 'sort' }, input: Schema, p: PlanCtx, limit?: number): Stage {
  const compare = compileSortKeys(cmd, input, p);
  return {
    schema: input,
    build: (next) => {
      const rows: (Row & { seq: number })[] = [];
      let seq = 0;
      const full = (a: Row & { seq: number }, b: Row & { seq: number }) => compare(a, b) || a.seq - b.seq;
      return {
        push(row) {
          const r = { ...row, seq: seq++ };
          if (limit === undefined) {
            rows.push(r);
            return;
          }
          if (limit === 0) return;
          // bounded: keep the best `limit` rows (sorted insertion, cap length)
          if (rows.length === limit && full(r, rows[rows.length - 1]) >= 0) return;
          let lo = 0;
          let hi = rows.length;
          while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (full(rows[mid], r) <= 0) lo = mid + 1;
            else hi = mid;
          }
          rows.splice(lo, 0, r);
          if (rows.length > limit) rows.pop();
        },
        finish() {
          if (limit === undefined) rows.sort(full);
          for (const r of rows) next.push({ v: r.v, doc: r.doc, src: r.src });
          next.finish();
        },
      };
    },
  };
}
