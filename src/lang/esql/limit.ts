import type { Command } from './ast.js';
import type { PlanCtx, Schema, Stage } from './pipeline.js';

export function compileLimit(cmd: Command & { type: 'limit' }, input: Schema, _p: PlanCtx): Stage {
  const n = cmd.count;
  return {
    schema: input,
    build: (next, st) => {
      let seen = 0;
      return {
        push(row) {
          if (seen < n) {
            seen++;
            next.push(row);
          } else if (cmd.implicit) st.cut++;
        },
        finish: () => next.finish(),
        // The implicit limit counts every row it leaves out, so MV_EXPAND must not stop early for it.
        full: () => !cmd.implicit && seen >= n,
      };
    },
  };
}
