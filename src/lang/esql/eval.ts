import type { Assignment, Command, Expr } from './ast.js';
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
    const col: Column = { name, type: c.type === 'text' ? 'keyword' : c.type, known: knownValue(c, f.expr, schema) };
    if (f.expr.type === 'column') {
      const from = findCol(schema.cols, f.expr.name);
      if (from >= 0) col.copyOf = schema.cols[from].copyOf ?? schema.cols[from];
    }
    cols.push(col);
    schema = { cols, open: schema.open };
    steps.push({ c, drop });
    noteBucket(f, name, p);
  }
  return { schema, steps };
}

/** The value of an expression over constants and known columns only (then the same on every row). */
function knownValue(c: CExpr, e: Expr, schema: Schema): { value: unknown } | undefined {
  if (c.known) return c.known;
  if (c.span) return undefined;
  const v: unknown[] = [];
  if (!c.constant) {
    let ok = true;
    walkColumns(e, (name) => {
      const i = findCol(schema.cols, name);
      const k = i >= 0 ? schema.cols[i].known : undefined;
      if (!k) ok = false;
      else v[i] = k.value;
    });
    if (!ok || readsDocument(e)) return undefined;
  }
  try {
    return { value: c.ev({ v }) };
  } catch {
    return undefined;
  }
}

function walkColumns(e: Expr, f: (name: string) => void): void {
  switch (e.type) {
    case 'column':
      return f(e.name);
    case 'list':
      return e.values.forEach((x) => walkColumns(x, f));
    case 'function':
      return e.args.forEach((x) => walkColumns(x, f));
    case 'unary':
    case 'isnull':
    case 'cast':
      return walkColumns(e.arg, f);
    case 'binary':
      walkColumns(e.left, f);
      return walkColumns(e.right, f);
    case 'like':
      walkColumns(e.arg, f);
      return e.patterns.forEach((x) => walkColumns(x, f));
    case 'in':
      walkColumns(e.arg, f);
      return e.values.forEach((x) => walkColumns(x, f));
    case 'match':
      walkColumns(e.field, f);
      return walkColumns(e.query, f);
  }
}

/** KQL(), MATCH() and random or clock-dependent functions are not values of their arguments. */
function readsDocument(e: Expr): boolean {
  if (e.type === 'match') return true;
  if (e.type === 'function' && ['kql', 'qstr', 'match', 'match_phrase', 'rand', 'random'].includes(e.name)) return true;
  let found = false;
  const sub = (x: Expr) => {
    if (!found && readsDocument(x)) found = true;
  };
  switch (e.type) {
    case 'list':
      e.values.forEach(sub);
      break;
    case 'function':
      e.args.forEach(sub);
      break;
    case 'unary':
    case 'isnull':
    case 'cast':
      sub(e.arg);
      break;
    case 'binary':
      sub(e.left);
      sub(e.right);
      break;
    case 'like':
      sub(e.arg);
      break;
    case 'in':
      sub(e.arg);
      e.values.forEach(sub);
      break;
  }
  return found;
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
