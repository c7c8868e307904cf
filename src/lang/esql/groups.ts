import type { Command } from './ast.js';
import type { Schema } from './pipeline.js';

/**
 * Follows the grouping columns of the last STATS … BY through the commands after it, so callers
 * can tell an aggregate row's group from its aggregates without guessing by value type.
 */
export class GroupTracker {
  /** Result names of the grouping columns; undefined once one is dropped or overwritten. */
  columns: string[] | undefined;

  constructor(c: Command & { type: 'stats' }, src: string, out: Schema) {
    const names = c.by.map((g) => g.name ?? (g.expr.type === 'column' ? g.expr.name : src.slice(g.expr.location.min, g.expr.location.max + 1)));
    // a grouping wins over an aggregate of the same name (the aggregate is dropped with a warning)
    const ok = names.every((n) => out.cols.some((col) => col.name === n));
    this.columns = ok ? [...new Set(names)] : undefined;
  }

  step(c: Command, before: Schema, after: Schema): void {
    const cols = this.columns;
    if (!cols) return;
    switch (c.type) {
      case 'where':
      case 'sort':
      case 'limit':
        return;
      case 'rename': {
        let cur = [...cols];
        for (const { from, to } of c.pairs) {
          if (from.pattern.includes('*') || to.pattern.includes('*')) return this.lose();
          const i = cur.indexOf(from.pattern);
          const j = cur.indexOf(to.pattern);
          if (j >= 0 && j !== i) return this.lose(); // another column takes a grouping column's name
          if (i >= 0) cur = cur.map((n, k) => (k === i ? to.pattern : n));
        }
        this.columns = cur;
        return;
      }
      case 'keep':
      case 'drop':
        if (!cols.every((n) => after.cols.some((col) => col.name === n))) this.lose();
        return;
      case 'mv_expand':
        if (cols.includes(c.column.pattern)) this.lose();
        return;
      case 'eval':
      case 'dissect':
      case 'grok':
      case 'stats':
      default: {
        // a grouping column survives when the command passes its column through untouched
        for (const n of cols) {
          const col = after.cols.find((x) => x.name === n);
          if (!col || !before.cols.includes(col)) return this.lose();
        }
      }
    }
  }

  private lose(): void {
    this.columns = undefined;
  }
}
