import type { Node } from './ast.js';
import { isAny } from './charset.js';

/**
 * Patterns that are literals joined by "any string" (`abc`, `abc.*`, `.*\.exe`, `.*foo.*bar.*`)
 * are most of what detection rules write. For those a whole-string test is a few string compares;
 * no automaton is needed.
 */
export interface LiteralPlan {
  /** Literal pieces, in order. */
  pieces: string[];
  /** Whether an any-string gap comes before the first piece / after the last. */
  openStart: boolean;
  openEnd: boolean;
  /** ASCII case-insensitive comparison (pieces stored lower-case). */
  ci: boolean;
}

/** The plan for a full-match pattern, or undefined when it is anything else. */
export function literalPlan(root: Node): LiteralPlan | undefined {
  const items: (string | null)[] = []; // null = any string
  let ci = false;
  let cs = false;
  let cur = '';
  const flush = () => {
    if (cur) items.push(cur);
    cur = '';
  };
  const walk = (n: Node): boolean => {
    switch (n.type) {
      case 'empty':
        return true;
      case 'char':
        // a lone surrogate in a literal could match half of a pair in the input; the engines
        // see code points and would not, so such patterns take the normal path
        if (n.cp >= 0xd800 && n.cp <= 0xdfff) return false;
        if (n.ci) {
          if (n.cp >= 0x80) return false;
          ci = true;
          cur += String.fromCharCode(n.cp | 0x20);
        } else {
          if ((n.cp >= 0x41 && n.cp <= 0x5a) || (n.cp >= 0x61 && n.cp <= 0x7a)) cs = true;
          cur += String.fromCodePoint(n.cp);
        }
        return true;
      case 'concat':
        return n.items.every(walk);
      case 'group':
        return walk(n.child);
      case 'repeat':
        if (n.min === 0 && n.max === -1 && n.child.type === 'set' && isAny(n.child.set)) {
          flush();
          if (items[items.length - 1] !== null) items.push(null);
          return true;
        }
        return false;
      default:
        return false;
    }
  };
  if (!walk(root)) return undefined;
  flush();
  // mixing case-sensitive letters with case-insensitive ones cannot use one lower-cased compare
  if (ci && cs) return undefined;
  const openStart = items[0] === null;
  const openEnd = items.length > 0 && items[items.length - 1] === null;
  const pieces = items.filter((x): x is string => x !== null);
  if (ci && pieces.some((p) => /[^\x00-\x7f]/.test(p))) return undefined;
  return { pieces, openStart, openEnd, ci };
}

/** Whether s[at …] equals `piece` (lower-case ASCII) under ASCII case folding. */
function eqAt(s: string, at: number, piece: string): boolean {
  if (at < 0 || at + piece.length > s.length) return false;
  for (let i = 0; i < piece.length; i++) {
    let c = s.charCodeAt(at + i);
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== piece.charCodeAt(i)) return false;
  }
  return true;
}

function indexOfCI(s: string, piece: string, from: number): number {
  const first = piece.charCodeAt(0);
  const last = s.length - piece.length;
  for (let i = from; i <= last; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c === first && eqAt(s, i, piece)) return i;
  }
  return -1;
}

export function runLiteralPlan(plan: LiteralPlan, s: string): boolean {
  const { pieces, openStart, openEnd, ci } = plan;
  if (pieces.length === 0) return openStart || s.length === 0;
  if (!openStart && !openEnd && pieces.length === 1) return ci ? s.length === pieces[0].length && eqAt(s, 0, pieces[0]) : s === pieces[0];
  let pos = 0;
  let end = s.length;
  let first = 0;
  let last = pieces.length;
  if (!openStart) {
    if (ci ? !eqAt(s, 0, pieces[0]) : !s.startsWith(pieces[0])) return false;
    pos = pieces[0].length;
    first = 1;
  }
  if (!openEnd) {
    const p = pieces[last - 1];
    if (end - p.length < pos) return false;
    if (ci ? !eqAt(s, end - p.length, p) : !s.endsWith(p)) return false;
    end -= p.length;
    last--;
  }
  for (let i = first; i < last; i++) {
    const at = ci ? indexOfCI(s, pieces[i], pos) : s.indexOf(pieces[i], pos);
    if (at < 0 || at + pieces[i].length > end) return false;
    pos = at + pieces[i].length;
  }
  return true;
}
