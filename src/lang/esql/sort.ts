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

/**
 * SORT, as Elasticsearch's TopN operator runs it: a Lucene PriorityQueue (binary heap) whose top is
 * the worst row, bounded by `limitCmd`, the LIMIT its rows reach (else unbounded, which is the same
 * for at most the default 1000 rows; an implicit one counts the rows it drops), popped worst-first
 * and reversed. Rows that compare equal therefore come
 * out in the heap's order, not in input order, exactly as Elasticsearch returns them.
 */
export function compileSort(cmd: Command & { type: 'sort' }, input: Schema, p: PlanCtx, limitCmd?: Command & { type: 'limit' }): Stage {
  const limit = limitCmd?.count;
  const implicitLimit = limitCmd?.implicit === true;
  const compare = compileSortKeys(cmd, input, p);
  // lessThan(a, b): a sorts after b (the heap keeps the worst row on top)
  const less = (a: Row, b: Row) => compare(a, b) > 0;
  return {
    schema: input,
    build: (next, st) => {
      const heap: Row[] = [undefined as unknown as Row]; // 1-based
      let size = 0;
      const upHeap = (pos: number) => {
        let i = pos;
        const node = heap[i];
        let j = i >>> 1;
        while (j > 0 && less(node, heap[j])) {
          heap[i] = heap[j];
          i = j;
          j >>>= 1;
        }
        heap[i] = node;
      };
      const downHeap = (pos: number) => {
        let i = pos;
        const node = heap[i];
        let j = i << 1;
        let k = j + 1;
        if (k <= size && less(heap[k], heap[j])) j = k;
        while (j <= size && less(heap[j], node)) {
          heap[i] = heap[j];
          i = j;
          j = i << 1;
          k = j + 1;
          if (k <= size && less(heap[k], heap[j])) j = k;
        }
        heap[i] = node;
      };
      return {
        push(row) {
          const r: Row = { v: row.v, doc: row.doc, src: row.src };
          if (limit !== undefined && size >= limit) {
            // One row of the full heap's and the new one's goes.
            if (implicitLimit) st.cut++;
            // insertWithOverflow: replaces the top unless the new row sorts after it
            if (size > 0 && !less(r, heap[1])) {
              heap[1] = r;
              downHeap(1);
            }
            return;
          }
          heap[++size] = r;
          upHeap(size);
        },
        finish() {
          const out: Row[] = new Array(size);
          for (let n = size - 1; n >= 0; n--) {
            out[n] = heap[1];
            heap[1] = heap[size];
            heap.length = size;
            size--;
            if (size > 0) downHeap(1);
          }
          for (const r of out) next.push(r);
          next.finish();
        },
      };
    },
  };
}
