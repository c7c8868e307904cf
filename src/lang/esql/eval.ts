import type { Assignment, Command } from './ast.js';
import { compileExpr, type CExpr, type Column } from './expr.js';
import { exprCtx, findCol, type PlanCtx, type Schema, type Stage } from './pipeline.js';

/** Apply assignments in order: each new column replaces a same-named one and goes last. */
export function compileAssignments(fields: Assignment[], input: Schema, p: PlanCtx): { schema: Schema; steps: { c: CExpr; drop: number }[] } {
  let schema: Schema = { cols: [...input.cols], open: input.open };
  const steps: { c: CExpr; drop: number }[] = [];
  for (const f of fields) {
    const ctx = exprCtx(p, schema);
    const c = compileExpr(f.expr, ctx);
    const name = f.name ?? (f.expr.type === 'column' ? f.expr.name : p.src.slice(f.expr.location.min, f.expr.location.max + 1));
    const drop = findCol(schema.cols, name);
    const cols: Column[] = schema.cols.filter((_, i) => i !== drop);
    cols.push({ name, type: c.type === 'text' ? 'keyword' : c.type });
    schema = { cols, open: schema.open };
    steps.push({ c, drop });
    noteBucket(f, name, p);
  }
  return { schema, steps };
}

function noteBucket(f: Assignment, name: string, p: PlanCtx): void {
  const e = f.expr;
  p.bucketOf.delete(name);
  if (e.type !== 'function') return;
  let arg;
  if (e.name === 'date_trunc') arg = e.args[1];
  else if (e.name === 'bucket' || e.name === 'tbucket') arg = e.args[0];
  if (arg && arg.type === 'column') p.bucketOf.set(name, p.bucketOf.get(arg.name) ?? arg.name);
}

export function compileEval(cmd: Command & { type: 'eval' }, input: Schema, p: PlanCtx): Stage {
  const { schema, steps } = compileAssignments(cmd.fields, input, p);
  return {
    schema,
    build: (next) => ({
      push(row) {
        let v = row.v;
        for (const s of steps) {
          const val = s.c.ev({ v, doc: row.doc, src: row.src });
          const nv = s.drop >= 0 ? v.filter((_, i) => i !== s.drop) : v.slice();
          nv.push(val);
          v = nv;
        }
        next.push({ v, doc: row.doc, src: row.src });
      },
      finish: () => next.finish(),
    }),
  };
}
