import type { NotNode } from '../ast.js';
import type { CompileContext, DocPredicate } from './context.js';

export function compileNot(node: NotNode, ctx: CompileContext): DocPredicate {
  const inner = ctx.compile(node.child);
  return (doc) => !inner(doc);
}
