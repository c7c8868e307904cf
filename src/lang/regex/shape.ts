import type { Node } from './ast.js';
import { isAny } from './charset.js';

/**
 * Whole-string patterns mostly look like `.*X`, `X.*`, `.*X.*` or `P.*S`. Reading all of a long
 * command line to decide `.*\.exe` wastes time: the answer is in the last four characters. So
 * the pattern is cut at its first and last top-level any-string into P (before), M (between)
 * and S (after): the whole string matches iff P matches a prefix ending at i, S a suffix
 * starting at j, and M somewhere in [i, j]. The shortest P prefix and the shortest S suffix
 * (read backwards with the reversed S) are the best choices, and each scan stops as soon as
 * its answer is known.
 */
export interface Shape {
  /** No top-level any-string: match the whole pattern. */
  whole: boolean;
  prefix: Node | undefined;
  middle: Node | undefined;
  suffix: Node | undefined;
}

export function isAnyString(n: Node): boolean {
  if (n.type === 'group' && n.index === 0) return isAnyString(n.child);
  return n.type === 'repeat' && n.min === 0 && n.max === -1 && n.child.type === 'set' && isAny(n.child.set);
}

export function shapeOf(root: Node): Shape {
  let top = root;
  while (top.type === 'group' && top.index === 0) top = top.child;
  const items = top.type === 'concat' ? top.items : [top];
  const first = items.findIndex(isAnyString);
  if (first < 0) return { whole: true, prefix: undefined, middle: undefined, suffix: undefined };
  let last = items.length - 1;
  while (!isAnyString(items[last])) last--;
  let midStart = first;
  while (midStart < last && isAnyString(items[midStart])) midStart++;
  let midEnd = last;
  while (midEnd > midStart && isAnyString(items[midEnd])) midEnd--;
  return {
    whole: false,
    prefix: seq(items.slice(0, first)),
    middle: midStart <= midEnd && !isAnyString(items[midStart]) ? seq(items.slice(midStart, midEnd + 1)) : undefined,
    suffix: seq(items.slice(last + 1)),
  };
}

function seq(items: Node[]): Node | undefined {
  if (items.length === 0) return undefined;
  if (items.length === 1) return items[0];
  return { type: 'concat', items, pos: items[0].pos, end: items[items.length - 1].end };
}

/** The pattern matching the reversed strings (Lucene nodes: no assertions or captures). */
export function reverseNode(n: Node): Node {
  switch (n.type) {
    case 'concat':
      return { ...n, items: n.items.map(reverseNode).reverse() };
    case 'alt':
      return { ...n, items: n.items.map(reverseNode) };
    case 'repeat':
      return { ...n, child: reverseNode(n.child) };
    case 'group':
    case 'complement':
      return { ...n, child: reverseNode(n.child) };
    case 'intersect':
      return { ...n, left: reverseNode(n.left), right: reverseNode(n.right) };
    case 'assert':
    case 'look':
      throw new Error('reverseNode: assertions cannot be reversed');
    default:
      return n;
  }
}
