import { BOT, EOT } from './ast.js';
import { MAX_CP } from './charset.js';
import { engineStats } from './context.js';
import {
  LAST_CONSUMING, OP_ANY, OP_ASSERT, OP_CHAR, OP_JMP, OP_LOOK, OP_LSTAR, OP_MATCH, OP_SAVE, OP_SET, OP_SPLIT, OP_STAR, inSet,
  type Program,
} from './program.js';

/** Cache budget in transition-table cells per program (4 bytes each). */
const TABLE_CELLS = 1 << 18;

export interface DfaOptions {
  /** A match may start anywhere (search) instead of only where reading starts. */
  unanchored: boolean;
  /**
   * Treat `\b`, multiline anchors and lookaround as always true. The DFA then accepts a
   * superset of the real matches: good only as a filter that rejects lines no match can be
   * found in, before the exact engine runs.
   */
  approximate: boolean;
}

/**
 * A lazily built DFA for boolean tests: each state is the set of program counters the Pike VM
 * would hold, computed on first use and cached, so after warm-up a character costs one class
 * lookup and one table read. When the cache fills up it is flushed and rebuilt, so memory stays
 * bounded and time stays O(program × input) even for patterns whose full DFA is exponential.
 * Exact only for programs without context-dependent assertions; start and end of input are
 * handled by the start state and the final check.
 */
export class LazyDfa {
  private readonly K: number;
  /** Lower bound of each character class. */
  private readonly bounds: Int32Array;
  private readonly asciiClass: Int32Array;
  private readonly maxStates: number;
  /**
   * trans[row + class]: -1 not computed yet; >= 0 the next state's row (id × K); <= -2 a
   * terminal next state, encoded -(id) - 2: one containing MATCH (the answer is yes) or an
   * empty one (no). The hot loop tests only `< 0`.
   */
  private trans: Int32Array;
  private keys = new Map<string, number>();
  private sets: Int32Array[] = [];
  /** 1 = contains MATCH, 2 = empty. */
  private flags: number[] = [];
  private acceptEnd: number[] = [];
  private readonly mark: Int32Array;
  private gen = 0;
  private readonly buf: Int32Array;
  private bufLen = 0;
  private readonly stack: Int32Array;
  /** Encoded start states (as in trans) with and without start-of-input holding; -1 unknown. */
  private startAt0 = -1;
  private startLater = -1;

  constructor(
    private readonly p: Program,
    private readonly opts: DfaOptions,
  ) {
    if (p.needsContext && !opts.approximate) throw new Error('LazyDfa: program needs context; use approximate mode');
    const pts = new Set<number>([0, 128]);
    for (let pc = 0; pc < p.n; pc++) {
      if (p.op[pc] === OP_CHAR) {
        pts.add(p.a[pc]);
        if (p.a[pc] < MAX_CP) pts.add(p.a[pc] + 1);
      }
    }
    for (const r of p.sets) {
      for (let i = 0; i < r.length; i += 2) {
        pts.add(r[i]);
        if (r[i + 1] < MAX_CP) pts.add(r[i + 1] + 1);
      }
    }
    this.bounds = Int32Array.from([...pts].sort((x, y) => x - y));
    this.K = this.bounds.length;
    this.asciiClass = new Int32Array(128);
    for (let c = 0; c < 128; c++) this.asciiClass[c] = this.classOf(c);
    this.maxStates = Math.max(64, Math.floor(TABLE_CELLS / this.K));
    // grown on demand: thousands of rules each hold a DFA, most of which stay tiny
    this.trans = new Int32Array(Math.min(this.maxStates, 4) * this.K).fill(-1);
    this.mark = new Int32Array(p.n);
    this.buf = new Int32Array(p.n);
    this.stack = new Int32Array(2 * p.n + 4);
  }

  private classOf(c: number): number {
    const b = this.bounds;
    let lo = 0;
    let hi = b.length - 1;
    while (lo < hi) {
      const m = (lo + hi + 1) >> 1;
      if (b[m] <= c) lo = m;
      else hi = m - 1;
    }
    return lo;
  }

  private epoch = 0;

  private reset(): void {
    this.epoch++;
    this.keys.clear();
    this.sets = [];
    this.flags = [];
    this.acceptEnd = [];
    this.trans.fill(-1);
    this.startAt0 = -1;
    this.startLater = -1;
  }

  private nextGen(): void {
    if (++this.gen === 0x7fffffff) {
      this.mark.fill(0);
      this.gen = 1;
    }
  }

  /** ε-closure from pc into buf; stops at consuming instructions, MATCH and end-of-input assertions. */
  private closure(pc0: number, atStart: boolean): void {
    const p = this.p;
    const op = p.op;
    const mark = this.mark;
    const gen = this.gen;
    const stack = this.stack;
    const approximate = this.opts.approximate;
    let sp = 0;
    stack[sp++] = pc0;
    while (sp > 0) {
      let pc = stack[--sp];
      for (;;) {
        if (mark[pc] === gen) break;
        mark[pc] = gen;
        const o = op[pc];
        if (o === OP_JMP) pc = p.a[pc];
        else if (o === OP_SPLIT) {
          stack[sp++] = p.b[pc];
          pc = p.a[pc];
        } else if (o === OP_SAVE) pc++;
        else if (o === OP_STAR || o === OP_LSTAR) {
          this.buf[this.bufLen++] = pc;
          pc = p.b[pc];
        } else if (o === OP_ASSERT) {
          const k = p.a[pc];
          if (k === BOT) {
            if (!atStart) break;
            pc++;
          } else if (k === EOT) {
            // decided when the input ends
            this.buf[this.bufLen++] = pc;
            break;
          } else if (approximate) pc++;
          else break;
        } else if (o === OP_LOOK) {
          if (!approximate) break;
          pc++;
        } else if (o <= LAST_CONSUMING || o === OP_MATCH) {
          this.buf[this.bufLen++] = pc;
          break;
        } else break;
      }
    }
  }

  /** Intern buf as a state; its encoded reference (row, or terminal code). */
  private intern(): number {
    const set = this.buf.slice(0, this.bufLen).sort();
    const key = set.join(',');
    let id = this.keys.get(key);
    if (id === undefined) {
      if (this.sets.length >= this.maxStates) {
        // cache full: start over with only the state being entered
        this.reset();
      }
      id = this.sets.length;
      this.keys.set(key, id);
      this.sets.push(set);
      let f = set.length === 0 ? 2 : 0;
      for (const pc of set) if (this.p.op[pc] === OP_MATCH) f |= 1;
      this.flags.push(f);
      this.acceptEnd.push(-1);
      if ((id + 1) * this.K > this.trans.length) {
        const t = new Int32Array(Math.min(this.maxStates, 2 * (this.trans.length / this.K)) * this.K).fill(-1);
        t.set(this.trans);
        this.trans = t;
      }
    }
    return this.flags[id] !== 0 ? -id - 2 : id * this.K;
  }

  private start(atStart: boolean): number {
    let ref = atStart ? this.startAt0 : this.startLater;
    if (ref !== -1) return ref;
    this.nextGen();
    this.bufLen = 0;
    this.closure(0, atStart);
    ref = this.intern();
    if (atStart) this.startAt0 = ref;
    else this.startLater = ref;
    return ref;
  }

  /** Compute, record and return the transition from `row` on code point c of class cls. */
  private fill(row: number, cls: number, c: number): number {
    const p = this.p;
    const op = p.op;
    const set = this.sets[row / this.K];
    this.nextGen();
    this.bufLen = 0;
    for (let i = 0; i < set.length; i++) {
      const pc = set[i];
      const o = op[pc];
      if (o === OP_STAR || o === OP_LSTAR) {
        if (inSet(p, p.a[pc], c)) this.closure(pc, false);
        continue;
      }
      const ok = o === OP_CHAR ? c === p.a[pc] : o === OP_SET ? inSet(p, p.a[pc], c) : o === OP_ANY;
      if (ok) this.closure(pc + 1, false);
    }
    if (this.opts.unanchored) this.closure(0, false);
    engineStats.steps += set.length + 1;
    const epoch = this.epoch;
    const next = this.intern();
    // a flush renumbers states: the old row is gone, so the transition is not recorded
    if (this.epoch === epoch) this.trans[row + cls] = next;
    return next;
  }

  /** Whether the state (decoded from a reference) reaches MATCH once the input ends. */
  private acceptsAtEnd(ref: number, atStart: boolean): boolean {
    if (ref <= -2) return (this.flags[-ref - 2] & 1) === 1;
    const id = ref / this.K;
    if (atStart) return this.reachesMatchAtEnd(id, true);
    let v = this.acceptEnd[id];
    if (v < 0) {
      v = this.reachesMatchAtEnd(id, false) ? 1 : 0;
      this.acceptEnd[id] = v;
    }
    return v === 1;
  }

  private reachesMatchAtEnd(id: number, atStart: boolean): boolean {
    const p = this.p;
    const seen = new Uint8Array(p.n);
    const stack = [...this.sets[id]];
    while (stack.length) {
      const pc = stack.pop()!;
      if (seen[pc]) continue;
      seen[pc] = 1;
      const o = p.op[pc];
      if (o === OP_MATCH) return true;
      if (o === OP_JMP) stack.push(p.a[pc]);
      else if (o === OP_SPLIT) stack.push(p.a[pc], p.b[pc]);
      else if (o === OP_STAR || o === OP_LSTAR) stack.push(p.b[pc]);
      else if (o === OP_SAVE) stack.push(pc + 1);
      else if (o === OP_ASSERT) {
        const k = p.a[pc];
        if (k === EOT || (atStart && k === BOT) || (this.opts.approximate && k !== BOT)) stack.push(pc + 1);
      } else if (o === OP_LOOK && this.opts.approximate) stack.push(pc + 1);
    }
    return false;
  }

  /**
   * Read `s` from `from` to the end: true as soon as a MATCH is reachable, or when the input
   * ends in an accepting state.
   */
  test(s: string, from = 0): boolean {
    let row = this.start(from === 0);
    if (row <= -2) return (this.flags[-row - 2] & 1) === 1;
    const len = s.length;
    const K = this.K;
    const asciiClass = this.asciiClass;
    let trans = this.trans;
    for (let i = from; i < len; i++) {
      let c = s.charCodeAt(i);
      let cls: number;
      if (c < 128) cls = asciiClass[c];
      else {
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < len) {
          const d = s.charCodeAt(i + 1);
          if (d >= 0xdc00 && d <= 0xdfff) {
            c = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
            i++;
          }
        }
        cls = this.classOf(c);
      }
      let next = trans[row + cls];
      if (next < 0) {
        if (next === -1) {
          next = this.fill(row, cls, c);
          trans = this.trans;
        }
        if (next <= -2) return (this.flags[-next - 2] & 1) === 1;
      }
      row = next;
    }
    return this.acceptsAtEnd(row, len === 0 && from === 0);
  }

  /**
   * Read `s[from, to)` forwards: the position at which a MATCH first becomes reachable (the
   * end of the shortest match, `from` if the empty string matches), or -1. End-of-input
   * assertions are not applied: programs used this way have none.
   */
  matchEnd(s: string, from: number, to: number): number {
    let row = this.start(from === 0);
    if (row <= -2) return (this.flags[-row - 2] & 1) === 1 ? from : -1;
    const asciiClass = this.asciiClass;
    let trans = this.trans;
    for (let i = from; i < to; ) {
      let c = s.charCodeAt(i++);
      let cls: number;
      if (c < 128) cls = asciiClass[c];
      else {
        if (c >= 0xd800 && c <= 0xdbff && i < to) {
          const d = s.charCodeAt(i);
          if (d >= 0xdc00 && d <= 0xdfff) {
            c = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
            i++;
          }
        }
        cls = this.classOf(c);
      }
      let next = trans[row + cls];
      if (next < 0) {
        if (next === -1) {
          next = this.fill(row, cls, c);
          trans = this.trans;
        }
        if (next <= -2) return (this.flags[-next - 2] & 1) === 1 ? i : -1;
      }
      row = next;
    }
    return -1;
  }

  /**
   * Read `s` backwards from its end down to `floor`, for a program compiled from a reversed
   * pattern: where the shortest matching suffix starts, or -1.
   */
  matchStartReverse(s: string, floor: number): number {
    let row = this.start(true);
    if (row <= -2) return (this.flags[-row - 2] & 1) === 1 ? s.length : -1;
    const asciiClass = this.asciiClass;
    let trans = this.trans;
    for (let i = s.length; i > floor; ) {
      let c = s.charCodeAt(--i);
      let cls: number;
      if (c < 128) cls = asciiClass[c];
      else {
        if (c >= 0xdc00 && c <= 0xdfff && i > floor) {
          const h = s.charCodeAt(i - 1);
          if (h >= 0xd800 && h <= 0xdbff) {
            c = ((h - 0xd800) << 10) + (c - 0xdc00) + 0x10000;
            i--;
          }
        }
        cls = this.classOf(c);
      }
      let next = trans[row + cls];
      if (next < 0) {
        if (next === -1) {
          next = this.fill(row, cls, c);
          trans = this.trans;
        }
        if (next <= -2) return (this.flags[-next - 2] & 1) === 1 ? i : -1;
      }
      row = next;
    }
    return -1;
  }
}
