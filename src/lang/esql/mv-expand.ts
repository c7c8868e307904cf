import { QueryError } from '../query-error.js';
import type { Command } from './ast.js';
import { findCol, type PlanCtx, type Schema, type Stage } from './pipeline.js';

export function compileMvExpand(cmd: Command & { type: 'mv_expand' }, input: Schema, p: PlanCtx): Stage {
  let i = findCol(input.cols, cmd.column.pattern);
  if (i < 0 && input.open && p.discover) {
    input.cols.push({ name: cmd.column.pattern, type: p.discover(cmd.column.pattern) });
    i = input.cols.length - 1;
  }
  if (i < 0) throw new QueryError(`Unknown column [${cmd.column.pattern}]`, p.src, cmd.column.location.min, 'type');
  const idx = i;
  // expanded values differ row by row: a constant list column is no longer constant
  // and it is no longer a copy of another column (nor another column a copy of it)
  const schema: Schema = { cols: input.cols.map((c, k) => (k === idx ? { name: c.name, type: c.type } : c)), open: input.open };
  return {
    schema,
    build: (next) => ({
      push(row) {
        const v = row.v[idx];
        if (!Array.isArray(v)) return next.push(row);
        for (const x of v) {
          if (next.full?.()) return;
          const nv = row.v.slice();
          nv[idx] = x;
          next.push({ v: nv, doc: row.doc, src: row.src });
        }
      },
      finish: () => next.finish(),
      full: () => next.full?.() ?? false,
    }),
  };
}
