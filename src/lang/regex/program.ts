import { BOT, EOT, RegexError, type Node } from './ast.js';
import { emitComplexFragment } from './automaton.js';
import { caseFold, isAny, isSingle, single, union, type Ranges } from './charset.js';

/**
 * A compiled regex: a Thompson-style instruction list in flat parallel Int32Arrays (`op`, `a`,
 * `b` per pc), so the engines walk integers instead of object graphs and never allocate while
 * matching.
 */
export const OP_CHAR = 0; // a = code point
export const OP_SET = 1; // a = set index
export const OP_ANY = 2; // any code point
/**
 * `x*` over one character set, fused: a = set index, b = exit. One instruction per character
 * instead of SPLIT/SET/JMP, for the `.*`, `\d+`, `[^ ]*` loops that fill grok patterns.
 * Greedy prefers another character, LSTAR (lazy) prefers the exit.
 */
export const OP_STAR = 3;
export const OP_LSTAR = 4;
/** Ops up to here consume a character. */
export const LAST_CONSUMING = 4;
export const OP_SPLIT = 5; // try a, then b
export const OP_JMP = 6; // a = target
export const OP_SAVE = 7; // a = capture slot
export const OP_ASSERT = 8; // a = AssertKind
export const OP_LOOK = 9; // a = lookaround index
export const OP_MATCH = 10;
export const OP_FAIL = 11;

/** Instruction budget: the engines cost O(program × input), so the program must stay small. */
export const MAX_PROGRAM = 50_000;

export interface Program {
  readonly n: number;
  readonly op: Int32Array;
  readonly a: Int32Array;
  readonly b: Int32Array;
  /** Set k's ranges are setRanges[setStart[k] .. setStart[k+1]). */
  readonly sets: Ranges[];
  readonly setRanges: Int32Array;
  readonly setStart: Int32Array;
  /** 128-bit ASCII membership bitmap per set (4 words each): the common case costs one shift. */
  readonly setAscii: Uint32Array;
  /** Lookaround k: behind/negate flags and the set indices it checks, in text order. */
  readonly looks: { behind: boolean; negate: boolean; sets: number[] }[];
  /** Capture slots: 2 per group, group 0 being the whole match. */
  readonly ncap: number;
  /** Group names by group index. */
  readonly groupNames: (string | undefined)[];
  /** Uses assertions other than start/end of input, or lookaround: the lazy DFA cannot run it. */
  readonly needsContext: boolean;
  /** Every match starts at input position 0 (a leading `^`/`\A` without multiline). */
  readonly anchoredStart: boolean;
}

export interface CompileOptions {
  /** Append an end-of-input assertion before MATCH: Lucene's whole-string semantics. */
  fullMatch: boolean;
  groupNames: (string | undefined)[];
  pattern: string;
}

export function compileProgram(root: Node, opts: CompileOptions): Program {
  return new Emitter(opts.pattern).program(root, opts);
}

export function inSet(p: Program, k: number, c: number): boolean {
  if (c < 128) return ((p.setAscii[(k << 2) | (c >> 5)] >>> (c & 31)) & 1) === 1;
  const r = p.setRanges;
  let lo = p.setStart[k] >> 1;
  let hi = (p.setStart[k + 1] >> 1) - 1;
  while (lo <= hi) {
    const m = (lo + hi) >> 1;
    if (c < r[2 * m]) hi = m - 1;
    else if (c > r[2 * m + 1]) lo = m + 1;
    else return true;
  }
  return false;
}

export class Emitter {
  op: number[] = [];
  a: number[] = [];
  b: number[] = [];
  sets: Ranges[] = [];
  private setKeys = new Map<string, number>();
  looks: { behind: boolean; negate: boolean; sets: number[] }[] = [];
  private needsContext = false;

  constructor(readonly pattern: string) {}

  get pc(): number {
    return this.op.length;
  }

  emit(op: number, a = 0, b = 0, at?: Node): number {
    if (this.op.length >= MAX_PROGRAM) {
      const pos = at?.pos ?? 0;
      throw new RegexError(`regex too large: it compiles to more than ${MAX_PROGRAM} instructions`, this.pattern, pos, 'too-large', at?.end ?? pos + 1);
    }
    this.op.push(op);
    this.a.push(a);
    this.b.push(b);
    return this.op.length - 1;
  }

  setIndex(set: Ranges): number {
    const key = set.join(',');
    let k = this.setKeys.get(key);
    if (k === undefined) {
      k = this.sets.length;
      this.sets.push(set);
      this.setKeys.set(key, k);
    }
    return k;
  }

  emitSet(set: Ranges, at: Node): void {
    if (set.length === 0) this.emit(OP_FAIL, 0, 0, at);
    else if (isAny(set)) this.emit(OP_ANY, 0, 0, at);
    else if (isSingle(set)) this.emit(OP_CHAR, set[0], 0, at);
    else this.emit(OP_SET, this.setIndex(set), 0, at);
  }

  program(root: Node, opts: CompileOptions): Program {
    checkSize(root, this.pattern);
    this.emit(OP_SAVE, 0);
    this.node(root);
    if (opts.fullMatch) this.emit(OP_ASSERT, EOT);
    this.emit(OP_SAVE, 1);
    this.emit(OP_MATCH);
    const n = this.op.length;
    const setStart = new Int32Array(this.sets.length + 1);
    let total = 0;
    for (let k = 0; k < this.sets.length; k++) {
      setStart[k] = total;
      total += this.sets[k].length;
    }
    setStart[this.sets.length] = total;
    const setRanges = new Int32Array(total);
    const setAscii = new Uint32Array(this.sets.length * 4);
    for (let k = 0; k < this.sets.length; k++) {
      const s = this.sets[k];
      setRanges.set(s, setStart[k]);
      for (let i = 0; i < s.length; i += 2) {
        for (let c = s[i]; c <= s[i + 1] && c < 128; c++) setAscii[(k << 2) | (c >> 5)] |= 1 << (c & 31);
      }
    }
    let anchoredStart = false;
    for (let pc = 0; pc < n; pc++) {
      if (this.op[pc] === OP_SAVE) continue;
      anchoredStart = this.op[pc] === OP_ASSERT && this.a[pc] === BOT;
      break;
    }
    return {
      n,
      op: Int32Array.from(this.op),
      a: Int32Array.from(this.a),
      b: Int32Array.from(this.b),
      sets: this.sets,
      setRanges,
      setStart,
      setAscii,
      looks: this.looks,
      ncap: 2 * opts.groupNames.length,
      groupNames: opts.groupNames,
      needsContext: this.needsContext,
      anchoredStart,
    };
  }

  node(n: Node): void {
    switch (n.type) {
      case 'empty':
        return;
      case 'never':
        this.emit(OP_FAIL, 0, 0, n);
        return;
      case 'char':
        this.emitSet(n.ci ? caseFold(single(n.cp), true) : single(n.cp), n);
        return;
      case 'set':
        this.emitSet(n.set, n);
        return;
      case 'concat':
        for (const it of n.items) this.node(it);
        return;
      case 'group':
        if (n.index > 0) {
          this.emit(OP_SAVE, 2 * n.index, 0, n);
          this.node(n.child);
          this.emit(OP_SAVE, 2 * n.index + 1, 0, n);
        } else this.node(n.child);
        return;
      case 'alt': {
        // alternatives of single characters are one set: fewer threads, same answers
        const merged = singleCharSet(n.items);
        if (merged) {
          this.emitSet(merged, n);
          return;
        }
        const jumps: number[] = [];
        for (let i = 0; i < n.items.length - 1; i++) {
          const split = this.emit(OP_SPLIT, this.pc + 1, 0, n);
          this.node(n.items[i]);
          jumps.push(this.emit(OP_JMP, 0, 0, n));
          this.b[split] = this.pc;
        }
        this.node(n.items[n.items.length - 1]);
        for (const j of jumps) this.a[j] = this.pc;
        return;
      }
      case 'repeat':
        this.repeat(n);
        return;
      case 'assert':
        if (n.kind !== BOT && n.kind !== EOT) this.needsContext = true;
        this.emit(OP_ASSERT, n.kind, 0, n);
        return;
      case 'look':
        this.needsContext = true;
        this.looks.push({ behind: n.behind, negate: n.negate, sets: n.seq.map((s) => this.setIndex(s)) });
        this.emit(OP_LOOK, this.looks.length - 1, 0, n);
        return;
      case 'complement':
      case 'intersect':
        emitComplexFragment(this, n);
        return;
    }
  }

  private repeat(n: Node & { type: 'repeat' }): void {
    const { child, min, max, greedy } = n;
    if (max === 0) return;
    const one = oneChar(child);
    if (max === -1 && one) {
      for (let k = 0; k < min; k++) this.node(child);
      if (one.length === 0) return; // x* over the empty set matches only the empty string
      this.emit(greedy ? OP_STAR : OP_LSTAR, this.setIndex(one), this.pc + 1, n);
      return;
    }
    if (max === -1) {
      for (let k = 0; k < min - 1; k++) this.node(child);
      if (min === 0) {
        // L: split body, exit; body; jmp L
        const split = this.emit(OP_SPLIT, 0, 0, n);
        const body = this.pc;
        this.node(child);
        this.emit(OP_JMP, split, 0, n);
        this.setSplit(split, body, this.pc, greedy);
      } else {
        // L: body; split L, exit
        const body = this.pc;
        this.node(child);
        const split = this.emit(OP_SPLIT, 0, 0, n);
        this.setSplit(split, body, this.pc, greedy);
      }
      return;
    }
    for (let k = 0; k < min; k++) this.node(child);
    // (x(x(x)?)?)? : every optional copy exits to the same end
    const splits: number[] = [];
    for (let k = min; k < max; k++) {
      const split = this.emit(OP_SPLIT, 0, 0, n);
      splits.push(split);
      this.a[split] = this.pc;
      this.node(child);
    }
    const end = this.pc;
    for (const s of splits) this.setSplit(s, this.a[s], end, greedy);
  }

  private setSplit(split: number, body: number, exit: number, greedy: boolean): void {
    this.a[split] = greedy ? body : exit;
    this.b[split] = greedy ? exit : body;
  }
}

/** The set of a node that matches exactly one character, or undefined. */
function oneChar(n: Node): Ranges | undefined {
  if (n.type === 'char') return n.ci ? caseFold(single(n.cp), true) : single(n.cp);
  if (n.type === 'set') return n.set;
  if (n.type === 'group' && n.index === 0) return oneChar(n.child);
  if (n.type === 'alt') return singleCharSet(n.items);
  return undefined;
}

function singleCharSet(items: Node[]): Ranges | undefined {
  let acc: Ranges = [];
  for (const it of items) {
    if (it.type === 'char') acc = union(acc, it.ci ? caseFold(single(it.cp), true) : single(it.cp));
    else if (it.type === 'set') acc = union(acc, it.set);
    else return undefined;
  }
  return acc;
}

/**
 * Reject a pattern whose expansion exceeds the instruction budget before emitting anything,
 * pointing at the repetition that blows it up (`a{1000}{1000}` → the outer `{1000}`).
 */
function checkSize(root: Node, pattern: string): void {
  const size = (n: Node): number => {
    switch (n.type) {
      case 'empty':
        return 0;
      case 'never':
      case 'char':
      case 'set':
      case 'assert':
      case 'look':
        return 1;
      case 'concat':
      case 'alt': {
        let s = n.type === 'alt' ? 2 * n.items.length : 0;
        for (const it of n.items) s += size(it);
        return s;
      }
      case 'group':
        return size(n.child) + 2;
      case 'repeat': {
        const c = size(n.child);
        const copies = n.max === -1 ? Math.max(n.min, 1) : n.max;
        const s = c * copies + copies + 2;
        if (s > MAX_PROGRAM) {
          throw new RegexError(
            `regex too large: this repetition expands to more than ${MAX_PROGRAM} instructions`,
            pattern, n.pos, 'too-large', n.end,
          );
        }
        return s;
      }
      case 'complement':
        return size(n.child) * 4 + 8;
      case 'intersect':
        return size(n.left) + size(n.right) + 8;
    }
  };
  const s = size(root);
  if (s > MAX_PROGRAM) {
    throw new RegexError(`regex too large: it compiles to more than ${MAX_PROGRAM} instructions`, pattern, root.pos, 'too-large', root.end);
  }
}

