import { BROAD_FIELDS } from '../../discriminator.js';
import { FailureRank, inFailureOrder } from '../../failure-order.js';
import type { AndNode, KqlNode } from '../ast.js';
import type { CompileContext, DocPredicate } from './context.js';

export function compileAnd(node: AndNode, ctx: CompileContext): DocPredicate {
  // compiled in source order, so the first error reported is the first one written
  const parts = node.children.map((c) => ctx.compile(c));
  return allOf(inFailureOrder(node.children, parts, failureRank));
}

/** Where a part stands in src/lang/failure-order.ts. */
function failureRank(n: KqlNode): number {
  switch (n.type) {
    case 'not':
      return FailureRank.negated;
    case 'is':
      if (n.field === null || n.field.kind === 'wildcard') return FailureRank.other;
      if (BROAD_FIELDS.has(String(n.field.value))) return FailureRank.broad;
      if (n.value.kind === 'wildcard') return n.value.segments.every((s) => s === '') ? FailureRank.loose : FailureRank.pattern;
      return FailureRank.exact;
    case 'range':
      return FailureRank.loose;
    case 'or':
      return FailureRank.pattern;
    default:
      return FailureRank.other;
  }
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
