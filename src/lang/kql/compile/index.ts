/** Compiles a KQL AST to a closure over a document. */
import type { KqlNode } from '../ast.js';
import { compileAnd } from './and.js';
import { matchAll, type CompileContext, type DocPredicate } from './context.js';
import { compileIs } from './is.js';
import { compileNested } from './nested.js';
import { compileNot } from './not.js';
import { compileOr } from './or.js';
import { compileRange } from './range.js';

export type { DocPredicate } from './context.js';

export function compileNode(root: KqlNode, now: number): DocPredicate {
  const ctx: CompileContext = {
    now,
    compile(node: KqlNode): DocPredicate {
      switch (node.type) {
        case 'match_all':
          return matchAll;
        case 'is':
          return compileIs(node);
        case 'range':
          return compileRange(node, ctx);
        case 'nested':
          return compileNested(node, ctx);
        case 'and':
          return compileAnd(node, ctx);
        case 'or':
          return compileOr(node, ctx);
        case 'not':
          return compileNot(node, ctx);
      }
    },
  };
  return ctx.compile(root);
}
