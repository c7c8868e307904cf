import type { AndNode } from '../ast.js';
import type { CompileContext, DocPredicate } from './context.js';

export function compileAnd(node: AndNode, ctx: CompileContext): DocPredicate {
  const parts = node.children.map((c) => ctx.compile(c));
  if (parts.length === 2) {
    const [a, b] = parts;
    return (doc) => a(doc) && b(doc);
  }
  return (doc) => {
    for (const p of parts) if (!p(doc)) return false;
    return true;
  };
}
