import type { Command } from './ast.js';
import type { PlanCtx, Schema, Stage } from './pipeline.js';

export function compileLimit(cmd: Command & { type: 'limit' }, input: Schema, _p: PlanCtx): Stage {
  const n = cmd.count;
  return {
    schema: input,
    build: (next) => {
      let seen = 0;
      return {
        push(row) {
          if (seen < n) {
            seen++;
            next.push(row);
          }
        },
        finish: () => next.finish(),
        full: () => seen >= n,
      };
    },
  };
}
