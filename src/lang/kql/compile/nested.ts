/** `path:{ query }`: the inner query must hold within a single object at `path`. */
import type { NestedNode } from '../ast.js';
import type { CompileContext, DocPredicate } from './context.js';
import { fieldAccess } from './field.js';

export function compileNested(node: NestedNode, ctx: CompileContext): DocPredicate {
  const get = fieldAccess(node.path).get;
  const inner = ctx.compile(node.child);
  const one = (v: unknown): boolean =>
    v !== null && typeof v === 'object' && !Array.isArray(v) && inner(v as Record<string, unknown>);
  return (doc) => {
    const v = get(doc);
    if (Array.isArray(v)) {
      for (const e of v) if (one(e)) return true;
      return false;
    }
    return one(v);
  };
}
