import { BOL, BOT, EOL, EOT, EOT_NL, NOT_WORD_BOUNDARY, WORD_BOUNDARY } from './ast.js';
import { inSet, type Program } from './program.js';

/**
 * Work done by the engines (thread steps, backtracking steps, DFA state constructions), for
 * tests that assert linear growth instead of timing a shared machine.
 */
export const engineStats = { steps: 0 };

/**
 * Zero-width checks shared by the engines. Positions are UTF-16 offsets; the engines step one
 * code point at a time, so a surrogate pair is one character to `.` and to classes, while a
 * lone surrogate is matched as itself.
 */

function isWordUnit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || (c >= 0x61 && c <= 0x7a);
}

export function assertAt(kind: number, s: string, pos: number): boolean {
  const len = s.length;
  switch (kind) {
    case BOT:
      return pos === 0;
    case EOT:
      return pos === len;
    case BOL:
      return pos === 0 || s.charCodeAt(pos - 1) === 0x0a;
    case EOL:
      return pos === len || s.charCodeAt(pos) === 0x0a;
    case WORD_BOUNDARY:
    case NOT_WORD_BOUNDARY: {
      const before = pos > 0 && isWordUnit(s.charCodeAt(pos - 1));
      const after = pos < len && isWordUnit(s.charCodeAt(pos));
      return (before !== after) === (kind === WORD_BOUNDARY);
    }
    case EOT_NL:
      return pos === len || (pos === len - 1 && s.charCodeAt(pos) === 0x0a);
  }
  return false;
}

/** Code point starting at `i` (caller checks i < length). */
export function cpAt(s: string, i: number): number {
  return s.codePointAt(i)!;
}

export function lookAt(p: Program, k: number, s: string, pos: number): boolean {
  const look = p.looks[k];
  const sets = look.sets;
  let ok = true;
  if (!look.behind) {
    let i = pos;
    for (let j = 0; j < sets.length; j++) {
      if (i >= s.length) {
        ok = false;
        break;
      }
      const c = cpAt(s, i);
      if (!inSet(p, sets[j], c)) {
        ok = false;
        break;
      }
      i += c > 0xffff ? 2 : 1;
    }
  } else {
    let i = pos;
    for (let j = sets.length - 1; j >= 0; j--) {
      if (i <= 0) {
        ok = false;
        break;
      }
      let c = s.charCodeAt(i - 1);
      let w = 1;
      if (c >= 0xdc00 && c <= 0xdfff && i >= 2) {
        const h = s.charCodeAt(i - 2);
        if (h >= 0xd800 && h <= 0xdbff) {
          c = ((h - 0xd800) << 10) + (c - 0xdc00) + 0x10000;
          w = 2;
        }
      }
      if (!inSet(p, sets[j], c)) {
        ok = false;
        break;
      }
      i -= w;
    }
  }
  return ok !== look.negate;
}
