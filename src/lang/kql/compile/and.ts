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
    default:
      return allOf(groupsOfSix(parts, allOf));
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
    default:
      return anyOf(groupsOfSix(parts, anyOf));
  }
}

/**
 * Longer chains become a tree of six-way nodes, evaluated in the same left-to-right order: its
 * depth grows with log(n), so a hostile 50,000-term query cannot exhaust the stack.
 */
function groupsOfSix(parts: DocPredicate[], join: (p: DocPredicate[]) => DocPredicate): DocPredicate[] {
  const out: DocPredicate[] = [];
  for (let i = 0; i < parts.length; i += 6) out.push(join(parts.slice(i, i + 6)));
  return out;
}
