import { assertAt, engineStats, lookAt } from './context.js';
import { MAX_CP } from './charset.js';
import { advance, canStart, nextStart, type StartFilter } from './prefilter.js';
import {
  OP_ANY, OP_ASSERT, OP_CHAR, OP_FAIL, OP_JMP, OP_LOOK, OP_LSTAR, OP_MATCH, OP_SAVE, OP_SET, OP_SPLIT, OP_STAR, inSet,
  type Program,
} from './program.js';

/**
 * Budget of (join point × position) cells. The visited table is shared by every program (one
 * search runs at a time), so its memory is paid once.
 */
export const MAX_VISITED = 1 << 21;

let visited = new Int32Array(0);
let stamp = 0;
let jobs: Int32Array = new Int32Array(1024);

/**
 * Backtracking with memoization ("bit-state"): depth-first in priority order, exactly like a
 * backtracking engine, so the first MATCH reached is the leftmost-first answer with its
 * captures. A (program counter, position) pair that was explored once and failed fails again,
 * so it is recorded and never explored twice: O(program × input) in the worst case, and on
 * typical short lines it follows one path instead of carrying a thread list. Only pcs with two
 * or more predecessors are recorded (every loop passes through one), which keeps the table
 * small. Used when the table fits in {@link MAX_VISITED}; the Pike VM covers longer inputs.
 */
export class BitState {
  private readonly joinId: Int32Array;
  private readonly nJoin: number;
  private readonly caps: Int32Array;
  /** Per pc: index of a greedy `.*` over any character, else -1 (see the watermark below). */
  private readonly anyStar: Int32Array;
  private readonly watermark: Int32Array;
  /** The run (stamp) each watermark belongs to: no clearing between runs. */
  private readonly watermarkRun: Int32Array;
  /**
   * Per pc: which characters can start a match from there (index into firstBits: 4 ASCII
   * words and a non-ASCII flag), or -1 when anything can (an empty match is possible). A branch
   * the next character cannot enter is not tried: alternations like MONTH or LOGLEVEL cost one
   * check per branch instead of a push, a pop and a failed compare.
   */
  private readonly first: Int32Array;
  private readonly firstBits: Uint32Array;
  readonly found: Int32Array;

  constructor(
    private readonly p: Program,
    private readonly filter: StartFilter,
  ) {
    const incoming = new Int32Array(p.n);
    incoming[0] += 2;
    for (let pc = 0; pc < p.n; pc++) {
      const o = p.op[pc];
      if (o === OP_SPLIT) {
        incoming[p.a[pc]]++;
        incoming[p.b[pc]]++;
      } else if (o === OP_STAR || o === OP_LSTAR) {
        incoming[pc]++;
        incoming[p.b[pc]]++;
      } else if (o === OP_JMP) incoming[p.a[pc]]++;
      else if (o !== OP_MATCH && o !== OP_FAIL && pc + 1 < p.n) incoming[pc + 1]++;
    }
    this.joinId = new Int32Array(p.n).fill(-1);
    let k = 0;
    for (let pc = 0; pc < p.n; pc++) if (incoming[pc] >= 2) this.joinId[pc] = k++;
    this.nJoin = k;
    this.caps = new Int32Array(p.ncap).fill(-1);
    this.found = new Int32Array(p.ncap).fill(-1);
    this.anyStar = new Int32Array(p.n).fill(-1);
    let stars = 0;
    for (let pc = 0; pc < p.n; pc++) {
      if (p.op[pc] !== OP_STAR) continue;
      const r = p.sets[p.a[pc]];
      if (r.length === 2 && r[0] === 0 && r[1] === MAX_CP) this.anyStar[pc] = stars++;
    }
    this.watermark = new Int32Array(stars);
    this.watermarkRun = new Int32Array(stars);
    const g = firstSets(p);
    this.first = g.first;
    this.firstBits = g.bits;
  }

  fits(len: number): boolean {
    return this.nJoin * (len + 1) <= MAX_VISITED;
  }

  run(s: string, from: number, anchored: boolean, withCaps: boolean): boolean {
    const p = this.p;
    const op = p.op;
    const a = p.a;
    const b = p.b;
    const joinId = this.joinId;
    const setAscii = p.setAscii;
    const caps = this.caps;
    const len = s.length;
    const stride = len + 1;
    const need = this.nJoin * stride;
    if (visited.length < need) {
      visited = new Int32Array(Math.max(need, Math.min(MAX_VISITED, visited.length * 2)));
      stamp = 0;
    }
    if (++stamp === 0x7fffffff) {
      visited.fill(0);
      stamp = 1;
    }
    const st = stamp;
    const vis = visited;
    const anyStar = this.anyStar;
    const first = this.first;
    const firstBits = this.firstBits;
    const watermark = this.watermark;
    const watermarkRun = this.watermarkRun;
    let steps = 0;
    let start = from;
    if (anchored || p.anchoredStart) anchored = true;
    else start = nextStart(this.filter, s, from);
    while (start >= 0 && start <= len) {
      // jobs are triples: (pc >= 0, pos, _) explore; (-slot-1, value, -1) restore a capture;
      // (-pc-1, hi, lo) retry a greedy star's exit at hi, then at the positions below
      let sp = 0;
      let stack: Int32Array = jobs;
      stack[sp++] = 0;
      stack[sp++] = start;
      stack[sp++] = 0;
      while (sp > 0) {
        const z = stack[--sp];
        const y = stack[--sp];
        const x = stack[--sp];
        let pc: number;
        let pos: number;
        if (x >= 0) {
          pc = x;
          pos = y;
        } else if (z === -1) {
          caps[-x - 1] = y;
          continue;
        } else {
          const star = -x - 1;
          const fb = first[b[star]];
          let at = y;
          if (fb >= 0) {
            while (at > z && !enters(firstBits, fb, cpAt(s, at))) {
              at = before(s, at, z);
              steps++;
            }
          }
          if (at > z) {
            stack[sp++] = x;
            stack[sp++] = before(s, at, z);
            stack[sp++] = z;
          }
          if (fb >= 0 && !enters(firstBits, fb, cpAt(s, at))) continue;
          pc = b[star];
          pos = at;
        }
        for (;;) {
          steps++;
          const j = joinId[pc];
          if (j >= 0) {
            const idx = j * stride + pos;
            if (vis[idx] === st) break;
            vis[idx] = st;
          }
          const o = op[pc];
          if (o <= OP_LSTAR) {
            let c = -1;
            let w = 0;
            if (pos < len) {
              c = s.codePointAt(pos)!;
              w = c > 0xffff ? 2 : 1;
            }
            if (o === OP_CHAR) {
              if (c !== a[pc]) break;
            } else if (o === OP_ANY) {
              if (c < 0) break;
            } else {
              const k = a[pc];
              const ok = c < 0 ? false : c < 128 ? ((setAscii[(k << 2) | (c >> 5)] >>> (c & 31)) & 1) === 1 : inSet(p, k, c);
              if (o === OP_STAR) {
                if (!ok) {
                  pc = b[pc];
                  continue;
                }
                const any = anyStar[pc];
                if (any >= 0) {
                  // `.*` from pos can end anywhere in [pos, len]. An earlier visit at w has
                  // tried (or, on the current path, is trying from the top down) every exit
                  // in [w, len], so only the exits below w are new: each input position is
                  // an exit once per run, and the span needs no scan at all.
                  const w = watermarkRun[any] === st ? watermark[any] : len + 1;
                  if (pos >= w) break;
                  watermark[any] = pos;
                  watermarkRun[any] = st;
                  const top = w > len ? len : before(s, w, pos);
                  if (sp + 6 > stack.length) stack = grow(stack);
                  stack[sp++] = -pc - 1;
                  stack[sp++] = top;
                  stack[sp++] = pos;
                  break;
                }
                // Greedy: run to the end of the span in one tight loop, marking each position
                // as visited for this star (a later visit from there would redo this work),
                // then try the exit from the far end back towards here.
                const from = pos;
                let last = pos + w;
                let at = last;
                const base = j * stride;
                for (;;) {
                  if (vis[base + at] === st) {
                    last = before(s, at, from);
                    break;
                  }
                  vis[base + at] = st;
                  last = at;
                  if (at >= len) break;
                  let e = s.charCodeAt(at);
                  let ew = 1;
                  if (e >= 0xd800 && e <= 0xdbff && at + 1 < len) {
                    const d = s.charCodeAt(at + 1);
                    if (d >= 0xdc00 && d <= 0xdfff) {
                      e = ((e - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
                      ew = 2;
                    }
                  }
                  if (!(e < 128 ? ((setAscii[(k << 2) | (e >> 5)] >>> (e & 31)) & 1) === 1 : inSet(p, k, e))) break;
                  at += ew;
                  steps++;
                }
                if (sp + 6 > stack.length) stack = grow(stack);
                stack[sp++] = -pc - 1;
                stack[sp++] = last;
                stack[sp++] = from;
                break;
              }
              if (o === OP_LSTAR) {
                if (ok) {
                  if (sp + 6 > stack.length) stack = grow(stack);
                  stack[sp++] = pc;
                  stack[sp++] = pos + w;
                  stack[sp++] = 0;
                }
                pc = b[pc];
                continue;
              }
              if (!ok) break;
            }
            pos += w;
            pc++;
          } else if (o === OP_SPLIT) {
            const ta = a[pc];
            const tb = b[pc];
            const fa = first[ta];
            const fb = first[tb];
            let okA = true;
            let okB = true;
            if (fa >= 0 || fb >= 0) {
              const c = cpAt(s, pos);
              okA = fa < 0 || enters(firstBits, fa, c);
              okB = fb < 0 || enters(firstBits, fb, c);
            }
            if (okB) {
              if (okA) {
                if (sp + 6 > stack.length) stack = grow(stack);
                stack[sp++] = tb;
                stack[sp++] = pos;
                stack[sp++] = 0;
                pc = ta;
              } else pc = tb;
            } else if (okA) pc = ta;
            else break;
          } else if (o === OP_JMP) {
            pc = a[pc];
          } else if (o === OP_SAVE) {
            if (withCaps) {
              if (sp + 6 > stack.length) stack = grow(stack);
              const slot = a[pc];
              stack[sp++] = -slot - 1;
              stack[sp++] = caps[slot];
              stack[sp++] = -1;
              caps[slot] = pos;
            }
            pc++;
          } else if (o === OP_ASSERT) {
            if (!assertAt(a[pc], s, pos)) break;
            pc++;
          } else if (o === OP_LOOK) {
            if (!lookAt(p, a[pc], s, pos)) break;
            pc++;
          } else if (o === OP_MATCH) {
            if (withCaps) {
              const found = this.found;
              for (let k = 0; k < found.length; k++) found[k] = caps[k];
              // undo the pending SAVEs so the slots start clean next time
              while (sp > 0) {
                const zz = stack[--sp];
                const v = stack[--sp];
                const k = stack[--sp];
                if (k < 0 && zz === -1) caps[-k - 1] = v;
              }
            }
            engineStats.steps += steps;
            return true;
          } else break; // FAIL
        }
      }
      if (anchored) break;
      start = nextStartAfter(this.filter, s, start);
    }
    engineStats.steps += steps;
    return false;
  }
}

/** The code point at i, or -1 at the end. */
function cpAt(s: string, i: number): number {
  return i >= s.length ? -1 : s.codePointAt(i)!;
}

function enters(bits: Uint32Array, k: number, c: number): boolean {
  if (c < 0) return false;
  if (c < 128) return ((bits[5 * k + (c >> 5)] >>> (c & 31)) & 1) === 1;
  return bits[5 * k + 4] !== 0;
}

/**
 * First-character sets for the pcs a SPLIT or a star exit jumps to. Assertions and lookaround
 * are passed through (the set only needs to be a superset). Each is found by a bounded walk of
 * the ε-closure; a walk that reaches MATCH or grows too large gives -1 (no pruning).
 */
function firstSets(p: Program): { first: Int32Array; bits: Uint32Array } {
  const first = new Int32Array(p.n).fill(-1);
  const targets = new Set<number>();
  for (let pc = 0; pc < p.n; pc++) {
    const o = p.op[pc];
    if (o === OP_SPLIT) targets.add(p.a[pc]).add(p.b[pc]);
    else if (o === OP_STAR || o === OP_LSTAR) targets.add(p.b[pc]);
  }
  const words: number[] = [];
  const keys = new Map<string, number>();
  const seen = new Int32Array(p.n);
  let gen = 0;
  for (const t of targets) {
    gen++;
    const bm = [0, 0, 0, 0, 0];
    const add = (k: number) => {
      const r = p.sets[k];
      for (let i = 0; i < r.length; i += 2) {
        for (let c = r[i]; c <= r[i + 1] && c < 128; c++) bm[c >> 5] |= 1 << (c & 31);
        if (r[i + 1] >= 128) bm[4] = 1;
      }
    };
    const stack = [t];
    let budget = 256;
    let all = false;
    while (stack.length && !all) {
      const pc = stack.pop()!;
      if (seen[pc] === gen) continue;
      seen[pc] = gen;
      if (--budget < 0) {
        all = true;
        break;
      }
      switch (p.op[pc]) {
        case OP_CHAR: {
          const c = p.a[pc];
          if (c < 128) bm[c >> 5] |= 1 << (c & 31);
          else bm[4] = 1;
          break;
        }
        case OP_SET:
          add(p.a[pc]);
          break;
        case OP_STAR:
        case OP_LSTAR:
          add(p.a[pc]);
          stack.push(p.b[pc]);
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
        default: // ANY, MATCH
          all = true;
      }
    }
    if (all) continue;
    const key = bm.join(',');
    let k = keys.get(key);
    if (k === undefined) {
      k = keys.size;
      keys.set(key, k);
      words.push(...bm);
    }
    first[t] = k;
  }
  return { first, bits: Uint32Array.from(words) };
}

/** The code point boundary before `at` (not below `floor`, itself a boundary). */
function before(s: string, at: number, floor: number): number {
  if (at - 2 >= floor && (s.charCodeAt(at - 1) & 0xfc00) === 0xdc00 && (s.charCodeAt(at - 2) & 0xfc00) === 0xd800) return at - 2;
  return at - 1;
}

function grow(stack: Int32Array): Int32Array {
  const t = new Int32Array(stack.length * 2);
  t.set(stack);
  jobs = t;
  return t;
}

function nextStartAfter(f: StartFilter, s: string, start: number): number {
  if (start >= s.length) return -1;
  const next = advance(s, start);
  if (f.all) return next;
  if (next < s.length && canStart(f, s, next)) return next;
  return nextStart(f, s, next);
}
