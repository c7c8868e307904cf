import { assertAt, engineStats, lookAt } from './context.js';
import { advance, canStart, nextStart, type StartFilter } from './prefilter.js';
import {
  LAST_CONSUMING, OP_ANY, OP_ASSERT, OP_CHAR, OP_JMP, OP_LOOK, OP_LSTAR, OP_MATCH, OP_SAVE, OP_SET, OP_SPLIT, OP_STAR, inSet,
  type Program,
} from './program.js';

/**
 * Pike VM: all threads advance in lockstep over the input, one list entry per program counter,
 * so a step costs at most O(program) and a run O(program × input), whatever the pattern.
 * Threads are kept in priority order (a SPLIT's first branch before its second, earlier start
 * positions before later ones) and a MATCH cuts off every lower-priority thread, which yields
 * the same leftmost match and captures a backtracking engine reports. All buffers are allocated
 * once per program and reused.
 */
export class PikeVM {
  private readonly ncap: number;
  private cPc: Int32Array;
  private nPc: Int32Array;
  private cCaps: Int32Array;
  private nCaps: Int32Array;
  private cCount = 0;
  private nCount = 0;
  private readonly mark: Int32Array;
  private gen = 0;
  private readonly stack: Int32Array;
  private readonly work: Int32Array;
  /** Captures of the best match so far. */
  readonly found: Int32Array;

  constructor(
    private readonly p: Program,
    private readonly filter: StartFilter,
  ) {
    const n = p.n;
    this.ncap = p.ncap;
    this.cPc = new Int32Array(n);
    this.nPc = new Int32Array(n);
    this.cCaps = new Int32Array(n * this.ncap);
    this.nCaps = new Int32Array(n * this.ncap);
    this.mark = new Int32Array(n);
    this.stack = new Int32Array(4 * n + 8);
    this.work = new Int32Array(this.ncap);
    this.found = new Int32Array(this.ncap).fill(-1);
  }

  private nextGen(): void {
    if (++this.gen === 0x7fffffff) {
      this.mark.fill(0);
      this.gen = 1;
    }
  }

  /**
   * Follow ε-edges from `pc0` at `pos` in priority order, appending the threads that wait on
   * a character (or MATCH) to the next list. `withCaps`: carry capture slots (`work` holds the
   * source thread's slots on entry).
   */
  private add(pc0: number, pos: number, s: string, withCaps: boolean): void {
    const p = this.p;
    const op = p.op;
    const a = p.a;
    const mark = this.mark;
    const gen = this.gen;
    const stack = this.stack;
    const work = this.work;
    const ncap = this.ncap;
    let sp = 0;
    stack[sp++] = pc0;
    stack[sp++] = 0;
    while (sp > 0) {
      const v = stack[--sp];
      let pc = stack[--sp];
      if (pc < 0) {
        work[-pc - 1] = v; // undo a SAVE once the branch that made it is explored
        continue;
      }
      if (v === 1) {
        // a lazy star's own thread, queued behind its exit
        const k = this.nCount++;
        this.nPc[k] = pc;
        if (withCaps) copy(work, 0, this.nCaps, k * ncap, ncap);
        continue;
      }
      for (;;) {
        if (mark[pc] === gen) break;
        mark[pc] = gen;
        const o = op[pc];
        if (o === OP_JMP) {
          pc = a[pc];
        } else if (o === OP_SPLIT) {
          stack[sp++] = p.b[pc];
          stack[sp++] = 0;
          pc = a[pc];
        } else if (o === OP_SAVE) {
          if (withCaps) {
            const slot = a[pc];
            stack[sp++] = -slot - 1;
            stack[sp++] = work[slot];
            work[slot] = pos;
          }
          pc++;
        } else if (o === OP_ASSERT) {
          if (!assertAt(a[pc], s, pos)) break;
          pc++;
        } else if (o === OP_LOOK) {
          if (!lookAt(p, a[pc], s, pos)) break;
          pc++;
        } else if (o === OP_STAR) {
          // its own thread first (another character), then whatever follows the loop
          const k = this.nCount++;
          this.nPc[k] = pc;
          if (withCaps) copy(work, 0, this.nCaps, k * ncap, ncap);
          pc = p.b[pc];
        } else if (o === OP_LSTAR) {
          stack[sp++] = pc;
          stack[sp++] = 1;
          pc = p.b[pc];
        } else if (o <= LAST_CONSUMING || o === OP_MATCH) {
          const k = this.nCount++;
          this.nPc[k] = pc;
          if (withCaps) copy(work, 0, this.nCaps, k * ncap, ncap);
          break;
        } else break; // FAIL
      }
    }
  }

  private swap(): void {
    const t = this.cPc;
    this.cPc = this.nPc;
    this.nPc = t;
    const u = this.cCaps;
    this.cCaps = this.nCaps;
    this.nCaps = u;
    this.cCount = this.nCount;
    this.nCount = 0;
  }

  /**
   * Search `s` from `from`. `anchored`: only a match starting at `from`. `withCaps`: fill
   * `found` with the leftmost-first match's slots; without, stop at the first match of any kind
   * (enough for a boolean test).
   */
  run(s: string, from: number, anchored: boolean, withCaps: boolean): boolean {
    const p = this.p;
    const op = p.op;
    const a = p.a;
    const ncap = this.ncap;
    const len = s.length;
    let matched = false;
    let steps = 0;
    this.cCount = 0;
    this.nCount = 0;
    let pos = from;
    if (anchored || p.anchoredStart) {
      anchored = true;
    } else {
      pos = nextStart(this.filter, s, from);
      if (pos < 0) return false;
    }
    this.nextGen();
    if (withCaps) this.work.fill(-1);
    this.add(0, pos, s, withCaps);
    this.swap();
    for (;;) {
      if (this.cCount === 0) {
        if (matched || anchored) break;
        // nothing alive: jump to the next position where a match could begin
        if (pos >= len) break;
        const next = nextStart(this.filter, s, advance(s, pos));
        if (next < 0) break;
        pos = next;
        this.nextGen();
        if (withCaps) this.work.fill(-1);
        this.add(0, pos, s, withCaps);
        this.swap();
        continue;
      }
      let c = -1;
      let w = 0;
      if (pos < len) {
        c = s.codePointAt(pos)!;
        w = c > 0xffff ? 2 : 1;
      }
      this.nextGen();
      const next = pos + w;
      const cPc = this.cPc;
      const count = this.cCount;
      steps += count;
      for (let i = 0; i < count; i++) {
        const pc = cPc[i];
        const o = op[pc];
        let ok = false;
        let to = pc + 1;
        if (o === OP_CHAR) ok = c === a[pc];
        else if (o === OP_SET) ok = c >= 0 && inSet(p, a[pc], c);
        else if (o === OP_ANY) ok = c >= 0;
        else if (o === OP_STAR || o === OP_LSTAR) {
          ok = c >= 0 && inSet(p, a[pc], c);
          to = pc;
        } else if (o === OP_MATCH) {
          matched = true;
          if (!withCaps) {
            engineStats.steps += steps;
            return true;
          }
          copy(this.cCaps, i * ncap, this.found, 0, ncap);
          break; // lower-priority threads lose to this match
        }
        if (ok) {
          if (withCaps) copy(this.cCaps, i * ncap, this.work, 0, ncap);
          this.add(to, next, s, withCaps);
        }
      }
      if (pos >= len) break;
      // a new thread starting at the next position, lowest priority of all
      if (!matched && !anchored && canStart(this.filter, s, next)) {
        if (withCaps) this.work.fill(-1);
        this.add(0, next, s, withCaps);
      }
      this.swap();
      pos = next;
    }
    engineStats.steps += steps;
    return matched;
  }
}

/** Capture vectors are a handful of slots: a loop beats TypedArray.set/subarray, which allocate. */
function copy(from: Int32Array, at: number, to: Int32Array, dest: number, n: number): void {
  for (let i = 0; i < n; i++) to[dest + i] = from[at + i];
}
