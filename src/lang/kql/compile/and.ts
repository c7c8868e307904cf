import type { AndNode } from '../ast.js';
import type { CompileContext, DocPredicate } from './context.js';

export function compileAnd(node: AndNode, ctx: CompileContext): DocPredicate {
  return allOf(node.children.map((c) => ctx.compile(c)));
}

/**
 * Conjunction with one call site per part up to six parts (most rules): V8 can inline each
 * part there, while a loop over an array of closures is a single megamorphic call site that
 * measurably dominates the cost of a cheap predicate.
 */
export function allOf(parts: DocPredicate[]): DocPredicate {
  const [a, b, c, d, e, f] = parts;
  switch (parts.length) {
    case 0:
      return () => true;
    case 1:
      return a;
    case 2:
      return (doc) => a(doc) && b(doc);
    case 3:
      return (doc) => a(doc) && b(doc) && c(doc);
    case 4:
      return (doc) => a(doc) && b(doc) && c(doc) && d(doc);
    case 5:
      return (doc) => a(doc) && b(doc) && c(doc) && d(doc) && e(doc);
    case 6:
      return (doc) => a(doc) && b(doc) && c(doc) && d(doc) && e(doc) && f(doc);
    default: {
      const rest = allOf(parts.slice(5));
      return (doc) => a(doc) && b(doc) && c(doc) && d(doc) && e(doc) && rest(doc);
    }
  }
}

/** Disjunction, shaped like allOf for the same reason. */
export function anyOf(parts: DocPredicate[]): DocPredicate {
  const [a, b, c, d, e, f] = parts;
  switch (parts.length) {
    case 0:
      return () => false;
    case 1:
      return a;
    case 2:
      return (doc) => a(doc) || b(doc);
    case 3:
      return (doc) => a(doc) || b(doc) || c(doc);
    case 4:
      return (doc) => a(doc) || b(doc) || c(doc) || d(doc);
    case 5:
      return (doc) => a(doc) || b(doc) || c(doc) || d(doc) || e(doc);
    case 6:
      return (doc) => a(doc) || b(doc) || c(doc) || d(doc) || e(doc) || f(doc);
    default: {
      const rest = anyOf(parts.slice(5));
      return (doc) => a(doc) || b(doc) || c(doc) || d(doc) || e(doc) || rest(doc);
    }
  }
}
