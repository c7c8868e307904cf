import type { Expr } from './ast.js';

/**
 * Elasticsearch's CombineDisjunctions optimizer rule, applied to an OR chain before it compiles:
 * equalities against constants and INs on the same expression merge into one IN (`a == 1 OR
 * a == 2` is `a IN (1, 2)`), and when the chain has a CIDR_MATCH, the equalities and INs on IP
 * expressions merge into CIDR_MATCHes with it. Results are the same; what changes is which
 * expression warns about a multi-value: the rewritten IN / == / CIDR_MATCH carries the source of
 * its key (the first occurrence of the field), so Elasticsearch reports
 * "evaluation of [salary_change] failed" rather than naming a comparison.
 *
 * As in Elasticsearch the chain is rebuilt only when something merged (its check compares the
 * result with the original semantically, where the order of OR operands does not count), and
 * then every merged operand takes its key's source: non-mergeable operands first, in order, then
 * the INs / equalities by key, then the CIDR_MATCHes, combined pairwise into a balanced tree.
 */
export interface DisjunctionTyping {
  /** Whether an expression is foldable (a constant). */
  constant(e: Expr): boolean;
  /** Whether an expression is of type ip. */
  isIp(e: Expr): boolean;
  /** The canonical text of a constant IP expression, or undefined. */
  ipText(e: Expr): string | undefined;
}

/**
 * The rule runs bottom-up over the OR tree (`a OR b OR c` is `(a OR b) OR c`): inner chains merge
 * first, so a key keeps the source of its first merged occurrence.
 */
export function combineDisjunctions(e: Expr & { type: 'binary' }, t: DisjunctionTyping): Expr {
  const l = e.left.type === 'binary' && e.left.op === 'or' ? combineDisjunctions(e.left, t) : e.left;
  const r = e.right.type === 'binary' && e.right.op === 'or' ? combineDisjunctions(e.right, t) : e.right;
  return combineOnce(l === e.left && r === e.right ? e : { ...e, left: l, right: r }, t);
}

function combineOnce(e: Expr & { type: 'binary' }, t: DisjunctionTyping): Expr {
  const exps = orOperands(e);
  type Entry = { key: Expr; values: Map<string, Expr> };
  const ins = new Map<string, Entry>();
  const cidrs = new Map<string, Entry>();
  const ips = new Map<string, Entry>();
  const ors: Expr[] = [];
  const add = (m: Map<string, Entry>, key: Expr, vals: Expr[]) => {
    const k = exprKey(key);
    let en = m.get(k);
    if (!en) m.set(k, (en = { key, values: new Map() }));
    for (const v of vals) if (!en.values.has(exprKey(v))) en.values.set(exprKey(v), v);
  };
  let sources = 0;
  for (const x of exps) {
    if (x.type === 'binary' && x.op === '==') {
      // Elasticsearch puts literals on the right first
      const [key, val] = t.constant(x.left) && !t.constant(x.right) ? [x.right, x.left] : [x.left, x.right];
      if (!t.constant(val)) {
        ors.push(x);
        continue;
      }
      sources++;
      add(ins, key, [val]);
      if (t.isIp(key)) add(ips, key, [ipLiteral(val, t)]);
    } else if (x.type === 'in' && !x.negated) {
      sources += x.values.length;
      add(ins, x.arg, x.values);
      if (t.isIp(x.arg)) add(ips, x.arg, x.values.map((v) => ipLiteral(v, t)));
    } else if (x.type === 'function' && x.name === 'cidr_match' && x.args.length >= 2) {
      sources += x.args.length - 1;
      add(cidrs, x.args[0], x.args.slice(1));
    } else ors.push(x);
  }
  if (cidrs.size) {
    for (const [k, en] of ips) {
      if ([...en.values.values()].some((v) => v.type !== 'literal')) return e; // not a constant IP: leave the chain alone
      add(cidrs, en.key, [...en.values.values()]);
      ins.delete(k);
    }
  }
  // merged operands: fewer values than the operands held, or fewer operands
  let merged = 0;
  for (const en of [...ins.values(), ...cidrs.values()]) merged += en.values.size;
  const operands = ins.size + cidrs.size + ors.length;
  if (merged === sources && operands === exps.length) return e;
  const out = [...ors];
  for (const { key, values } of ins.values()) {
    const vs = [...values.values()];
    out.push(vs.length === 1 ? { type: 'binary', op: '==', left: key, right: vs[0], location: key.location } : { type: 'in', negated: false, arg: key, values: vs, location: key.location });
  }
  for (const { key, values } of cidrs.values()) out.push({ type: 'function', name: 'cidr_match', args: [key, ...values.values()], location: key.location });
  return combineOr(out);
}

/** `a OR b OR c` as [a, b, c], left to right. */
export function orOperands(e: Expr, out: Expr[] = []): Expr[] {
  if (e.type === 'binary' && e.op === 'or') {
    orOperands(e.left, out);
    orOperands(e.right, out);
  } else out.push(e);
  return out;
}

/** Predicates.combineOr: pairs combined in place, level by level (a balanced tree). */
function combineOr(exps: Expr[]): Expr {
  const xs = [...exps];
  for (let count = xs.length; count > 1; count = (count + 1) >> 1) {
    for (let i = 0; i < count - 1; i += 2) {
      const l = xs[i];
      const r = xs[i + 1];
      xs[i >> 1] = { type: 'binary', op: 'or', left: l, right: r, location: l.location };
    }
    if (count & 1) xs[count >> 1] = xs[count - 1];
  }
  return xs[0];
}

/** An IP constant as CIDR_MATCH takes it (a string), at the value's place in the query. */
function ipLiteral(v: Expr, t: DisjunctionTyping): Expr {
  const s = t.ipText(v);
  return s === undefined ? v : { type: 'literal', valueType: 'keyword', value: s, location: v.location };
}

/** Structural identity of an expression, ignoring source positions (semantic equality). */
export function exprKey(e: Expr): string {
  return JSON.stringify(e, (k, v) => (k === 'location' ? undefined : typeof v === 'bigint' ? `${v}n` : v));
}
