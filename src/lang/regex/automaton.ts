import { RegexError, type Node } from './ast.js';
import { MAX_CP, caseFold, contains, single, type Ranges } from './charset.js';
import { OP_FAIL, OP_JMP, OP_SPLIT, type Emitter } from './program.js';

/**
 * Lucene's `~` (complement) and `&` (intersection) have no Thompson-NFA construction: they are
 * computed on deterministic automata, as Lucene does. The operand is built as an NFA over code
 * point ranges, determinized over the partition of the ranges it uses, complemented or
 * multiplied, and emitted back into the program as an ordinary NFA fragment (one SPLIT chain per
 * DFA state), so the engines need no special instruction. Determinization can blow up
 * exponentially, so it is capped like Lucene's max_determinized_states.
 */
export const MAX_DFA_STATES = 10_000;
const MAX_NFA_STATES = 100_000;

interface Dfa {
  /** Lower bounds of the alphabet partition; interval j is [bounds[j], bounds[j+1]-1]. */
  bounds: number[];
  /** trans[s * K + j]: target state or -1. */
  trans: Int32Array;
  accept: boolean[];
  n: number;
}

class Nfa {
  eps: number[][] = [];
  edges: { set: Ranges; to: number }[][] = [];
  constructor(
    private readonly pattern: string,
    private readonly at: Node,
  ) {}

  state(): number {
    if (this.eps.length >= MAX_NFA_STATES) {
      throw new RegexError('regex too large to build an automaton', this.pattern, this.at.pos, 'too-large', this.at.end);
    }
    this.eps.push([]);
    this.edges.push([]);
    return this.eps.length - 1;
  }
}

export function emitComplexFragment(em: Emitter, n: Node): void {
  const dfa = prune(toDfa(n, em.pattern));
  emitDfa(em, dfa, n);
}

/** `at`: the ~ or & expression that needs this automaton, where size errors point. */
function toDfa(n: Node, pattern: string, at: Node = n): Dfa {
  if (n.type === 'complement') return complement(toDfa(n.child, pattern, n));
  if (n.type === 'intersect') return product(toDfa(n.left, pattern, n), toDfa(n.right, pattern, n), pattern, n);
  const nfa = new Nfa(pattern, at);
  const s = nfa.state();
  const e = nfa.state();
  build(nfa, n, s, e, pattern);
  return determinize(nfa, s, e, pattern, at);
}

/** Thompson construction between states `s` and `e`. */
function build(nfa: Nfa, n: Node, s: number, e: number, pattern: string): void {
  switch (n.type) {
    case 'empty':
      nfa.eps[s].push(e);
      return;
    case 'never':
      return;
    case 'char':
      nfa.edges[s].push({ set: n.ci ? caseFold(single(n.cp), true) : single(n.cp), to: e });
      return;
    case 'set':
      if (n.set.length) nfa.edges[s].push({ set: n.set, to: e });
      return;
    case 'group':
      build(nfa, n.child, s, e, pattern);
      return;
    case 'concat': {
      let cur = s;
      n.items.forEach((it, i) => {
        const next = i === n.items.length - 1 ? e : nfa.state();
        build(nfa, it, cur, next, pattern);
        cur = next;
      });
      return;
    }
    case 'alt':
      for (const it of n.items) build(nfa, it, s, e, pattern);
      return;
    case 'repeat': {
      let cur = s;
      for (let k = 0; k < n.min; k++) {
        const next = nfa.state();
        build(nfa, n.child, cur, next, pattern);
        cur = next;
      }
      if (n.max === -1) {
        const loop = nfa.state();
        nfa.eps[cur].push(loop);
        const back = nfa.state();
        build(nfa, n.child, loop, back, pattern);
        nfa.eps[back].push(loop);
        nfa.eps[loop].push(e);
      } else {
        for (let k = n.min; k < n.max; k++) {
          nfa.eps[cur].push(e);
          const next = nfa.state();
          build(nfa, n.child, cur, next, pattern);
          cur = next;
        }
        nfa.eps[cur].push(e);
      }
      return;
    }
    case 'complement':
    case 'intersect':
      embed(nfa, prune(toDfa(n, pattern)), s, e);
      return;
    case 'assert':
    case 'look':
      throw new RegexError('assertions cannot be combined with ~ or &', pattern, n.pos, 'unsupported', n.end);
  }
}

function embed(nfa: Nfa, d: Dfa, s: number, e: number): void {
  if (d.n === 0) return;
  const K = d.bounds.length;
  const ids: number[] = [];
  for (let i = 0; i < d.n; i++) ids.push(nfa.state());
  nfa.eps[s].push(ids[0]);
  for (let i = 0; i < d.n; i++) {
    if (d.accept[i]) nfa.eps[ids[i]].push(e);
    for (const [to, set] of groupedTransitions(d, i, K)) nfa.edges[ids[i]].push({ set, to: ids[to] });
  }
}

function closure(nfa: Nfa, seeds: number[], mark: Int32Array, gen: number): number[] {
  const out: number[] = [];
  const stack = seeds.slice();
  while (stack.length) {
    const x = stack.pop()!;
    if (mark[x] === gen) continue;
    mark[x] = gen;
    out.push(x);
    for (const y of nfa.eps[x]) if (mark[y] !== gen) stack.push(y);
  }
  return out.sort((p, q) => p - q);
}

function partition(sets: Ranges[]): number[] {
  const pts = new Set<number>([0]);
  for (const r of sets) {
    for (let i = 0; i < r.length; i += 2) {
      pts.add(r[i]);
      if (r[i + 1] < MAX_CP) pts.add(r[i + 1] + 1);
    }
  }
  return [...pts].sort((p, q) => p - q);
}

function determinize(nfa: Nfa, start: number, accept: number, pattern: string, at: Node): Dfa {
  const all: Ranges[] = [];
  for (const es of nfa.edges) for (const ed of es) all.push(ed.set);
  const bounds = partition(all);
  const K = bounds.length;
  const mark = new Int32Array(nfa.eps.length);
  let gen = 0;
  const keys = new Map<string, number>();
  const states: number[][] = [];
  const accepts: boolean[] = [];
  let trans = new Int32Array(16 * K).fill(-1);
  const intern = (set: number[]): number => {
    if (set.length === 0) return -1;
    const key = set.join(',');
    let id = keys.get(key);
    if (id === undefined) {
      id = states.length;
      if (id >= MAX_DFA_STATES || (id + 1) * K > 4_000_000) {
        throw new RegexError(
          `regex too complex: determinizing this ~ or & needs more than ${MAX_DFA_STATES} states`,
          pattern, at.pos, 'too-large', at.end,
        );
      }
      keys.set(key, id);
      states.push(set);
      accepts.push(set.includes(accept));
      if ((id + 1) * K > trans.length) {
        const t = new Int32Array(trans.length * 2).fill(-1);
        t.set(trans);
        trans = t;
      }
    }
    return id;
  };
  intern(closure(nfa, [start], mark, ++gen));
  const targets: number[][] = [];
  for (let i = 0; i < states.length; i++) {
    for (let j = 0; j < K; j++) targets[j] = [];
    for (const x of states[i]) {
      for (const ed of nfa.edges[x]) {
        // the partition refines every edge set, so an interval is wholly inside or outside
        for (let j = 0; j < K; j++) if (contains(ed.set, bounds[j])) targets[j].push(ed.to);
      }
    }
    for (let j = 0; j < K; j++) {
      if (targets[j].length === 0) continue;
      trans[i * K + j] = intern(closure(nfa, targets[j], mark, ++gen));
    }
  }
  return { bounds, trans, accept: accepts, n: states.length };
}

function complement(d: Dfa): Dfa {
  const K = d.bounds.length;
  const n = d.n + 1; // plus a sink for the missing transitions
  const trans = new Int32Array(n * K);
  for (let i = 0; i < d.n; i++) {
    for (let j = 0; j < K; j++) {
      const t = d.trans[i * K + j];
      trans[i * K + j] = t < 0 ? d.n : t;
    }
  }
  for (let j = 0; j < K; j++) trans[d.n * K + j] = d.n;
  const accept = d.accept.map((x) => !x);
  accept.push(true);
  if (d.n === 0) {
    // the complement of the empty language: one accepting state looping on everything
    return { bounds: [0], trans: new Int32Array([0]), accept: [true], n: 1 };
  }
  return { bounds: d.bounds, trans, accept, n };
}

function product(x: Dfa, y: Dfa, pattern: string, at: Node): Dfa {
  if (x.n === 0 || y.n === 0) return { bounds: [0], trans: new Int32Array(0), accept: [], n: 0 };
  const bounds = [...new Set([...x.bounds, ...y.bounds])].sort((p, q) => p - q);
  const K = bounds.length;
  const cx = bounds.map((b) => intervalOf(x.bounds, b));
  const cy = bounds.map((b) => intervalOf(y.bounds, b));
  const keys = new Map<number, number>();
  const pairs: number[] = [];
  const accept: boolean[] = [];
  let trans = new Int32Array(16 * K).fill(-1);
  const intern = (a: number, b: number): number => {
    const key = a * y.n + b;
    let id = keys.get(key);
    if (id === undefined) {
      id = accept.length;
      if (id >= MAX_DFA_STATES || (id + 1) * K > 4_000_000) {
        throw new RegexError(`regex too complex: this & needs more than ${MAX_DFA_STATES} automaton states`, pattern, at.pos, 'too-large', at.end);
      }
      keys.set(key, id);
      pairs.push(a, b);
      accept.push(x.accept[a] && y.accept[b]);
      if ((id + 1) * K > trans.length) {
        const t = new Int32Array(trans.length * 2).fill(-1);
        t.set(trans);
        trans = t;
      }
    }
    return id;
  };
  intern(0, 0);
  for (let i = 0; i < accept.length; i++) {
    const a = pairs[2 * i];
    const b = pairs[2 * i + 1];
    for (let j = 0; j < K; j++) {
      const ta = x.trans[a * x.bounds.length + cx[j]];
      const tb = y.trans[b * y.bounds.length + cy[j]];
      if (ta >= 0 && tb >= 0) trans[i * K + j] = intern(ta, tb);
    }
  }
  return { bounds, trans, accept, n: accept.length };
}

function intervalOf(bounds: number[], cp: number): number {
  let lo = 0;
  let hi = bounds.length - 1;
  while (lo < hi) {
    const m = (lo + hi + 1) >> 1;
    if (bounds[m] <= cp) lo = m;
    else hi = m - 1;
  }
  return lo;
}

/** Drop states that cannot reach acceptance (a complemented sink, dead branches), renumbering from the start state 0. */
function prune(d: Dfa): Dfa {
  const K = d.bounds.length;
  if (d.n === 0) return d;
  const live = d.accept.slice();
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 0; i < d.n; i++) {
      if (live[i]) continue;
      for (let j = 0; j < K; j++) {
        const t = d.trans[i * K + j];
        if (t >= 0 && live[t]) {
          live[i] = true;
          changed = true;
          break;
        }
      }
    }
  }
  if (!live[0]) return { bounds: d.bounds, trans: new Int32Array(0), accept: [], n: 0 };
  const id = new Int32Array(d.n).fill(-1);
  let n = 0;
  for (let i = 0; i < d.n; i++) if (live[i]) id[i] = n++;
  const trans = new Int32Array(n * K).fill(-1);
  const accept: boolean[] = [];
  for (let i = 0; i < d.n; i++) {
    if (!live[i]) continue;
    accept.push(d.accept[i]);
    for (let j = 0; j < K; j++) {
      const t = d.trans[i * K + j];
      trans[id[i] * K + j] = t >= 0 ? id[t] : -1;
    }
  }
  return { bounds: d.bounds, trans, accept, n };
}

/** State i's transitions as (target, code point set) with the intervals to each target merged. */
function groupedTransitions(d: Dfa, i: number, K: number): [number, Ranges][] {
  const byTarget = new Map<number, number[]>();
  for (let j = 0; j < K; j++) {
    const t = d.trans[i * K + j];
    if (t < 0) continue;
    const hi = j + 1 < K ? d.bounds[j + 1] - 1 : MAX_CP;
    let r = byTarget.get(t);
    if (!r) byTarget.set(t, (r = []));
    if (r.length && r[r.length - 1] + 1 === d.bounds[j]) r[r.length - 1] = hi;
    else r.push(d.bounds[j], hi);
  }
  return [...byTarget];
}

function emitDfa(em: Emitter, d: Dfa, at: Node): void {
  if (d.n === 0) {
    em.emit(OP_FAIL, 0, 0, at);
    return;
  }
  const K = d.bounds.length;
  const statePc: number[] = [];
  const toState: { pc: number; state: number }[] = [];
  const toExit: number[] = [];
  // state 0 comes first, so the fragment is entered by falling into it; each state's code
  // ends in jumps (or FAIL), so no state falls into the next
  for (let i = 0; i < d.n; i++) {
    statePc[i] = em.pc;
    const options: ({ kind: 'go'; set: Ranges; to: number } | { kind: 'accept' })[] = [];
    for (const [to, set] of groupedTransitions(d, i, K)) options.push({ kind: 'go', set, to });
    if (d.accept[i]) options.push({ kind: 'accept' });
    if (options.length === 0) {
      em.emit(OP_FAIL, 0, 0, at);
      continue;
    }
    options.forEach((o, k) => {
      const split = k < options.length - 1 ? em.emit(OP_SPLIT, 0, 0, at) : -1;
      if (split >= 0) em.a[split] = em.pc;
      if (o.kind === 'go') {
        em.emitSet(o.set, at);
        toState.push({ pc: em.emit(OP_JMP, 0, 0, at), state: o.to });
      } else toExit.push(em.emit(OP_JMP, 0, 0, at));
      if (split >= 0) em.b[split] = em.pc;
    });
  }
  for (const j of toState) em.a[j.pc] = statePc[j.state];
  for (const j of toExit) em.a[j] = em.pc;
}
