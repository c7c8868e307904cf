import { ANY, normalize, union, type Ranges } from './charset.js';
import {
  OP_ANY, OP_ASSERT, OP_CHAR, OP_FAIL, OP_JMP, OP_LOOK, OP_LSTAR, OP_MATCH, OP_SAVE, OP_SET, OP_SPLIT, OP_STAR, type Program,
} from './program.js';

/**
 * Where an unanchored search can start. Most positions in a log line cannot begin a match;
 * finding the next candidate with a charCode scan or `indexOf` is far cheaper than feeding the
 * position to an engine.
 */
export interface StartFilter {
  /** A literal every match begins with (case-sensitive), for indexOf; '' when none. */
  prefix: string;
  /** ASCII bitmap of possible first characters (4 words). */
  ascii: Uint32Array;
  /** Possible first non-ASCII code points. */
  nonAscii: Ranges;
  /** True when a match can be empty or start with anything: no filtering. */
  all: boolean;
}

export function startFilter(p: Program): StartFilter {
  // literal prefix: the straight run of CHARs from the entry
  let prefix = '';
  for (let pc = 0; pc < p.n; pc++) {
    const op = p.op[pc];
    if (op === OP_SAVE) continue;
    if (op !== OP_CHAR) break;
    prefix += String.fromCodePoint(p.a[pc]);
  }
  let first: Ranges = [];
  let all = false;
  const seen = new Uint8Array(p.n);
  const stack = [0];
  while (stack.length && !all) {
    const pc = stack.pop()!;
    if (seen[pc]) continue;
    seen[pc] = 1;
    switch (p.op[pc]) {
      case OP_CHAR:
        first = union(first, [p.a[pc], p.a[pc]]);
        break;
      case OP_SET:
        first = union(first, p.sets[p.a[pc]]);
        break;
      case OP_STAR:
      case OP_LSTAR:
        first = union(first, p.sets[p.a[pc]]);
        stack.push(p.b[pc]);
        break;
      case OP_ANY:
        all = true;
        break;
      case OP_MATCH:
        all = true;
        break;
      case OP_SPLIT:
        stack.push(p.b[pc], p.a[pc]);
        break;
      case OP_JMP:
        stack.push(p.a[pc]);
        break;
      case OP_SAVE:
      case OP_ASSERT:
      case OP_LOOK:
        stack.push(pc + 1);
        break;
      case OP_FAIL:
        break;
    }
  }
  if (all) first = ANY;
  first = normalize(first);
  const ascii = new Uint32Array(4);
  const nonAscii: number[] = [];
  for (let i = 0; i < first.length; i += 2) {
    for (let c = first[i]; c <= first[i + 1] && c < 128; c++) ascii[c >> 5] |= 1 << (c & 31);
    if (first[i + 1] >= 128) nonAscii.push(Math.max(first[i], 128), first[i + 1]);
  }
  return { prefix, ascii, nonAscii, all };
}

/**
 * The first position >= from where a match could start, or -1. Positions at the end are
 * candidates only when the filter accepts everything (an empty match).
 */
export function nextStart(f: StartFilter, s: string, from: number): number {
  if (f.all) return from <= s.length ? from : -1;
  if (f.prefix.length > 1) return s.indexOf(f.prefix, from);
  const ascii = f.ascii;
  const len = s.length;
  for (let i = from; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) {
      if ((ascii[c >> 5] >>> (c & 31)) & 1) return i;
    } else if (f.nonAscii.length && nonAsciiHit(f.nonAscii, s, i)) return i;
  }
  return -1;
}

function nonAsciiHit(r: Ranges, s: string, i: number): boolean {
  const c = s.codePointAt(i)!;
  for (let k = 0; k < r.length; k += 2) if (c >= r[k] && c <= r[k + 1]) return true;
  return false;
}

/** Whether a match could start exactly at `i` (i <= length). */
export function canStart(f: StartFilter, s: string, i: number): boolean {
  if (f.all) return true;
  if (i >= s.length) return false;
  if (f.prefix.length > 1) return s.startsWith(f.prefix, i);
  const c = s.charCodeAt(i);
  if (c < 128) return ((f.ascii[c >> 5] >>> (c & 31)) & 1) === 1;
  return f.nonAscii.length > 0 && nonAsciiHit(f.nonAscii, s, i);
}

/** The position after the code point at `i`: no match starts inside a surrogate pair. */
export function advance(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? i + 2 : i + 1;
}
