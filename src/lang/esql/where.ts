import type { Command } from './ast.js';
import { checkBool, compileExpr } from './expr.js';
import { exprCtx, type PlanCtx, type Schema, type Stage } from './pipeline.js';

export function compileWhere(cmd: Command & { type: 'where' }, input: Schema, p: PlanCtx): Stage {
  const ctx = exprCtx(p, input);
  const c = compileExpr(cmd.cond, ctx);
  checkBool(ctx, c, cmd.cond);
  return {
    schema: input,
    build: (next) => ({
      push(row) {
        if (c.ev(row) === true) next.push(row);
      },
      finish: () => next.finish(),
    }),
  };
}
