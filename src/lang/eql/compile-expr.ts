import type { DateFormat } from '../../fields/mapping.js';
import { memoField, type MappedFields } from './field-memo.js';
import { BROAD_FIELDS } from '../discriminator.js';
import { FailureRank, inFailureOrder } from '../failure-order.js';
import { QueryError } from '../query-error.js';
import type { Expr, Lit } from './ast.js';
import { cidrMatcher, ENDGAME_ONLY, lookupFunction, type Ty } from './functions.js';
import { literalSet } from './literal-set.js';
import { regexSet, wildcardSet } from './pattern-set.js';
import { luceneRegex, scalarCmp, scalarEq, toStr, type Val } from './values.js';

export type Eval = (doc: Record<string, unknown>) => Val;

export interface ExprCtx {
  src: string;
  fields: Set<string>;
  /** Under an index mapping: how fields are read (absent: documents as they are). */
  mapped?: MappedFields;
}

const isNull = (v: Val) => v === null || v === undefined;

export function staticType(e: Expr): Ty {
  switch (e.type) {
    case 'literal': return e.value === null ? 'null' : (typeof e.value as Ty);
    case 'field': return 'any';
    case 'not': case 'logic': case 'compare': case 'in': case 'match': return 'boolean';
    case 'neg': case 'arith': return 'number';
    case 'call': return lookupFunction(e.name)?.[1].ret ?? 'any';
  }
}

function checkType(ctx: ExprCtx, e: Expr, want: Ty, what: string): void {
  if (want === 'any') return;
  const got = staticType(e);
  if (got === 'any' || got === 'null' || got === want) return;
  throw new QueryError(`${what}: expected ${want} but found ${got}`, ctx.src, e.location.min, 'type');
}

export function compileExpr(e: Expr, ctx: ExprCtx): Eval {
  switch (e.type) {
    case 'literal': { const v = e.value; return () => v; }
    case 'field': {
      ctx.fields.add(e.path);
      return ctx.mapped ? ctx.mapped.field(e.path) : memoField(e.path);
    }
    case 'not': {
      checkType(ctx, e.arg, 'boolean', 'not');
      const a = compilePred(e.arg, ctx);
      return (d) => { const v = a(d); return v === null ? null : !v; };
    }
    case 'neg': {
      checkType(ctx, e.arg, 'number', 'negation');
      const a = compileExpr(e.arg, ctx);
      return (d) => { const v = a(d); return typeof v === 'number' ? -v : null; };
    }
    case 'logic': return compileLogic(e, ctx);
    case 'compare': return compileCompare(e, ctx);
    case 'arith': {
      checkType(ctx, e.left, 'number', `operator ${e.op}`); checkType(ctx, e.right, 'number', `operator ${e.op}`);
      const l = compileExpr(e.left, ctx), r = compileExpr(e.right, ctx);
      const op = e.op;
      const fl = isFloatExpr(e);
      return (d) => arith(op, first(l(d)), first(r(d)), fl);
    }
    case 'in': return compileIn(e, ctx);
    case 'match': return compileMatch(e, ctx);
    case 'call': return compileCall(e, ctx);
  }
}

/** Three-valued predicate: true, false, or null (unknown). */
export type Pred = (doc: Record<string, unknown>) => boolean | null;

/** Nodes whose compiled form already yields exactly true/false/null, so need no truthy() wrap. */
function yieldsTri(e: Expr): boolean {
  switch (e.type) {
    case 'not': case 'logic': case 'compare': case 'in': case 'match': return true;
    case 'call': return staticType(e) === 'boolean';
    default: return false;
  }
}

export function compilePred(e: Expr, ctx: ExprCtx): Pred {
  const f = compileExpr(e, ctx);
  if (yieldsTri(e)) return f as Pred;
  if (e.type === 'literal') { const v = truthy(e.value); return () => v; }
  return (d) => truthy(f(d));
}

/**
 * and/or chains flattened to one loop: one call per operand instead of a tree of binary nodes
 * (evaluation is pure, so short-circuiting anywhere in the chain gives the same answer).
 */
function compileLogic(e: Extract<Expr, { type: 'logic' }>, ctx: ExprCtx): Eval {
  const op = e.op;
  const operands = chainOperands(e);
  for (const x of operands) checkType(ctx, x, 'boolean', op);
  // compiled in source order, so errors and the fields read come out as written
  const compiled = operands.map((x) => compilePred(x, ctx));
  const ps = op === 'and' ? inFailureOrder(operands, compiled, failureRank) : compiled;
  const stop = op === 'and' ? false : true;
  if (ps.length === 2) {
    const [l, r] = ps;
    return (d) => {
      const a = l(d);
      if (a === stop) return stop;
      const b = r(d);
      if (b === stop) return stop;
      return a === null || b === null ? null : !stop;
    };
  }
  return (d) => {
    let unknown = false;
    for (let i = 0; i < ps.length; i++) {
      const v = ps[i](d);
      if (v === stop) return stop;
      if (v === null) unknown = true;
    }
    return unknown ? null : !stop;
  };
}

/** Where an AND operand stands in src/lang/failure-order.ts. */
function failureRank(e: Expr): number {
  switch (e.type) {
    case 'not':
      return FailureRank.negated;
    case 'compare':
    case 'in':
    case 'match': {
      const f = e.type === 'compare' ? (e.left.type === 'field' ? e.left : e.right) : e.arg;
      if (f.type === 'field' && BROAD_FIELDS.has(f.path)) return FailureRank.broad;
      if (e.type === 'in' && e.negated) return FailureRank.negated;
      if (e.type === 'compare' && e.op !== '==') return FailureRank.loose;
      if (e.type === 'match') return e.op === 'regex' ? FailureRank.other : FailureRank.pattern;
      return FailureRank.exact;
    }
    default:
      return FailureRank.other;
  }
}

/** The operands of a chain of one logic operator, in source order (iterative: chains get long). */
export function chainOperands(e: Extract<Expr, { type: 'logic' }>): Expr[] {
  const out: Expr[] = [];
  const stack: Expr[] = [e];
  while (stack.length) {
    const x = stack.pop()!;
    if (x.type === 'logic' && x.op === e.op) stack.push(x.right, x.left);
    else out.push(x);
  }
  return out;
}

function compileIn(e: Extract<Expr, { type: 'in' }>, ctx: ExprCtx): Eval {
  const a = compileExpr(e.arg, ctx);
  const ci = e.ci, neg = e.negated;
  let test: (x: Val, d: Record<string, unknown>) => boolean;
  if (e.list.every((x) => x.type === 'literal')) {
    // Built on the first event that reaches it: most rules never see one.
    const values = e.list.map((x) => (x as { value: Lit }).value);
    test = (x) => (test = literalSet(values, ci))(x);
  } else {
    const list = e.list.map((x) => compileExpr(x, ctx));
    test = (x, d) => {
      for (let i = 0; i < list.length; i++) if (anyEq(x, list[i](d), ci)) return true;
      return false;
    };
  }
  const dated = dateLiteralSet(e, ctx);
  if (dated) {
    return (d) => {
      const v = a(d);
      if (v === null || v === undefined) return null;
      const t = dated(d) ?? test;
      let hit = false;
      if (Array.isArray(v)) { for (let i = 0; i < v.length && !hit; i++) hit = t(v[i], d); }
      else hit = t(v, d);
      return neg ? !hit : hit;
    };
  }
  return (d) => {
    const v = a(d);
    if (v === null || v === undefined) return null;
    let hit = false;
    if (Array.isArray(v)) { for (let i = 0; i < v.length && !hit; i++) hit = test(v[i], d); }
    else hit = test(v, d);
    return neg ? !hit : hit;
  };
}

/**
 * Under a mapping, string literals compared with a date field are read with that field's format,
 * as Elasticsearch's term and range queries on a date field read them ("17-12-2022" against a
 * dd-MM-yyyy field is that day's epoch millis). A literal the format cannot read stays a string
 * (then compared as ISO 8601 or epoch millis, as without a mapping).
 */
function dateLiteral(field: Expr, lit: Expr, ctx: ExprCtx): Eval | undefined {
  if (!ctx.mapped || field.type !== 'field' || lit.type !== 'literal' || typeof lit.value !== 'string') return undefined;
  const formatOf = ctx.mapped.dateFormat(field.path);
  if (!formatOf) return undefined;
  const s = lit.value;
  const read = new Map<DateFormat, Val>();
  return (d) => {
    const f = formatOf(d);
    if (!f) return s;
    let v = read.get(f);
    if (v === undefined) {
      v = f.parse(s) ?? s;
      read.set(f, v);
    }
    return v;
  };
}

/** dateLiteral for `field in (…)` over constants: the literal set for the document's date format, or undefined (use the plain set). */
function dateLiteralSet(e: Extract<Expr, { type: 'in' }>, ctx: ExprCtx): ((d: Record<string, unknown>) => ((x: Val) => boolean) | undefined) | undefined {
  if (!ctx.mapped || e.arg.type !== 'field') return undefined;
  if (!e.list.every((x) => x.type === 'literal') || !e.list.some((x) => typeof (x as { value: Lit }).value === 'string')) return undefined;
  const formatOf = ctx.mapped.dateFormat(e.arg.path);
  if (!formatOf) return undefined;
  const values = e.list.map((x) => (x as { value: Lit }).value);
  const sets = new Map<DateFormat, (x: Val) => boolean>();
  return (d) => {
    const f = formatOf(d);
    if (!f) return undefined;
    let t = sets.get(f);
    if (!t) {
      t = literalSet(values.map((v) => (typeof v === 'string' ? f.parse(v) ?? v : v)), e.ci);
      sets.set(f, t);
    }
    return t;
  };
}

/** scalarEq of x against a value that may be multi-valued. */
function anyEq(x: Val, y: Val, ci: boolean): boolean {
  if (!Array.isArray(y)) return scalarEq(x, y, ci);
  for (let i = 0; i < y.length; i++) if (scalarEq(x, y[i], ci)) return true;
  return false;
}

function first(v: Val): Val { return Array.isArray(v) ? v[0] : v; }

export function truthy(v: Val): boolean | null {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.some((x) => x === true);
  return v === true;
}

/** Statically float-typed (a float literal somewhere in the arithmetic): division is not integral. */
export function isFloatExpr(e: Expr): boolean {
  if (e.type === 'literal') return e.isFloat === true;
  if (e.type === 'arith') return isFloatExpr(e.left) || isFloatExpr(e.right);
  if (e.type === 'neg') return isFloatExpr(e.arg);
  if (e.type === 'call' && ['add', 'subtract', 'multiply', 'divide', 'modulo'].includes(e.name.toLowerCase())) return e.args.some(isFloatExpr);
  return false;
}

function arith(op: string, a: Val, b: Val, float = false): Val {
  if (typeof a !== 'number' || typeof b !== 'number') return null;
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': if (b === 0) return null; return !float && Number.isInteger(a) && Number.isInteger(b) ? Math.trunc(a / b) : a / b;
    default: if (b === 0) return null; return a % b;
  }
}

function compileCompare(e: Extract<Expr, { type: 'compare' }>, ctx: ExprCtx): Eval {
  const dl = dateLiteral(e.right, e.left, ctx), dr = dateLiteral(e.left, e.right, ctx);
  const l = dl ?? compileExpr(e.left, ctx), r = dr ?? compileExpr(e.right, ctx);
  const lt = staticType(e.left), rt = staticType(e.right);
  if (lt !== 'any' && rt !== 'any' && lt !== 'null' && rt !== 'null' && lt !== rt) {
    throw new QueryError(`cannot compare ${lt} with ${rt}`, ctx.src, e.location.min, 'type');
  }
  const op = e.op;
  if (op === '==' || op === '!=') {
    const eq = op === '==';
    // field == "literal": one precomputed comparison (scalarEq is symmetric)
    const lit = dl || dr ? null : e.right.type === 'literal' ? e.right : e.left.type === 'literal' ? e.left : null;
    if (lit && lit.value !== null) {
      const other = lit === e.right ? l : r;
      const value = lit.value;
      let is = (x: Val): boolean => (is = literalSet([value], false))(x);
      return (d) => {
        const a = other(d);
        if (a === null || a === undefined) return !eq;
        let hit = false;
        if (Array.isArray(a)) { for (let i = 0; i < a.length && !hit; i++) hit = is(a[i]); }
        else hit = is(a);
        return eq ? hit : !hit;
      };
    }
    return (d) => {
      const a = l(d), b = r(d);
      const an = a === null || a === undefined, bn = b === null || b === undefined;
      if (an || bn) return eq ? an && bn : !(an && bn);
      const hit = anyPair(a, b, (x, y) => scalarEq(x, y, false));
      return eq ? hit : !hit;
    };
  }
  const test = op === '<' ? (c: number) => c < 0 : op === '<=' ? (c: number) => c <= 0 : op === '>' ? (c: number) => c > 0 : (c: number) => c >= 0;
  const ok = (x: Val, y: Val) => { const c = scalarCmp(x, y); return c !== undefined && test(c); };
  return (d) => {
    const a = l(d), b = r(d);
    if (isNull(a) || isNull(b)) return null;
    return anyPair(a, b, ok);
  };
}

/** Whether some element pair of two possibly multi-valued values passes. */
function anyPair(a: Val, b: Val, ok: (x: Val, y: Val) => boolean): boolean {
  if (!Array.isArray(a)) {
    if (!Array.isArray(b)) return ok(a, b);
    for (let j = 0; j < b.length; j++) if (ok(a, b[j])) return true;
    return false;
  }
  for (let i = 0; i < a.length; i++) {
    if (!Array.isArray(b)) { if (ok(a[i], b)) return true; continue; }
    for (let j = 0; j < b.length; j++) if (ok(a[i], b[j])) return true;
  }
  return false;
}

function compileMatch(e: Extract<Expr, { type: 'match' }>, ctx: ExprCtx): Eval {
  const a = compileExpr(e.arg, ctx);
  let matchesNull = false;
  const strs: { text: string; at: number }[] = [];
  const scalars: Lit[] = [];
  const dyn: Eval[] = [];
  for (const p of e.patterns) {
    if (p.type === 'literal') {
      if (typeof p.value === 'string') { strs.push({ text: p.value, at: p.location.min }); continue; }
      if (e.op !== ':') throw new QueryError(`${e.op} needs string patterns`, ctx.src, p.location.min, 'type');
      if (p.value === null) matchesNull = true;
      else scalars.push(p.value);
      continue;
    }
    if (e.op !== ':') throw new QueryError(`${e.op} needs constant string patterns`, ctx.src, p.location.min, 'type');
    dyn.push(compileExpr(p, ctx));
  }
  // Regexes compile here (a bad one is a compile error); pattern and literal sets, which cannot
  // fail, are built on the first event that reaches them: most rules never see one.
  let strTest: ((s: string) => boolean) | null = null;
  if (strs.length > 0 && e.op === 'regex') strTest = regexSet(strs.map((p) => luceneRegex(p.text, e.ci, ctx.src, p.at)));
  else if (strs.length > 0) {
    const texts = strs.map((p) => p.text), ci = e.op === ':' || e.ci;
    strTest = (s) => (strTest = wildcardSet(texts, ci))(s);
  }
  // non-string constants (`field : 5`) compare as `in~` does
  let scalarHit: ((x: Val) => boolean) | null = scalars.length ? (x) => (scalarHit = literalSet(scalars, true))(x) : null;
  const one = (x: Val, d: Record<string, unknown>): boolean => {
    if (strTest) {
      const str = typeof x === 'string' ? x : toStr(x);
      if (str !== null && strTest(str)) return true;
    }
    if (scalarHit && scalarHit(x)) return true;
    for (let i = 0; i < dyn.length; i++) {
      const y = dyn[i](d);
      if (isNull(y)) continue;
      if (!Array.isArray(y)) { if (scalarEq(x, y, true)) return true; continue; }
      for (let j = 0; j < y.length; j++) if (!isNull(y[j]) && scalarEq(x, y[j], true)) return true;
    }
    return false;
  };
  return (d) => {
    const v = a(d);
    if (v === null || v === undefined) {
      if (matchesNull) return true;
      for (let i = 0; i < dyn.length; i++) if (isNull(dyn[i](d))) return true;
      return null;
    }
    if (!Array.isArray(v)) return one(v, d);
    for (let i = 0; i < v.length; i++) if (one(v[i], d)) return true;
    return false;
  };
}

function compileCall(e: Extract<Expr, { type: 'call' }>, ctx: ExprCtx): Eval {
  const lname = e.name.toLowerCase();
  if (lname === 'match' || lname === 'matchlite') {
    // legacy: match(field, regex...) — full-match any of the (constant) Java-style patterns
    if (e.args.length < 2) throw new QueryError(`function ${e.name} takes at least 2 arguments`, ctx.src, e.location.min, 'type');
    return compileMatch({ type: 'match', op: 'regex', arg: e.args[0], patterns: e.args.slice(1), ci: e.ci, location: e.location }, ctx);
  }
  const found = lookupFunction(e.name);
  if (!found) {
    if (ENDGAME_ONLY.has(e.name.toLowerCase())) {
      throw new QueryError(`function ${e.name} is not supported by Elasticsearch EQL`, ctx.src, e.location.min, 'unsupported');
    }
    throw new QueryError(`unknown function ${e.name}`, ctx.src, e.location.min, 'type');
  }
  const [name, def] = found;
  if (e.ci && !def.ciVariant) throw new QueryError(`function ${name} has no case-insensitive (~) variant`, ctx.src, e.location.min, 'type');
  const min = def.min ?? def.params.length;
  if (e.args.length < min || (!def.variadic && e.args.length > def.params.length)) {
    throw new QueryError(`function ${name} takes ${min === def.params.length ? min : `${min} to ${def.params.length}`} arguments but got ${e.args.length}`, ctx.src, e.location.min, 'type');
  }
  e.args.forEach((a, i) => checkType(ctx, a, def.params[Math.min(i, def.params.length - 1)], `argument ${i + 1} of ${name}`));
  if (name === 'cidrMatch') {
    for (const a of e.args.slice(1)) {
      if (a.type !== 'literal' || typeof a.value !== 'string') throw new QueryError('cidrMatch needs constant CIDR strings', ctx.src, a.location.min, 'type');
    }
  }
  const args = e.args.map((a) => compileExpr(a, ctx));
  const ci = e.ci;
  let fn = (name === 'divide' || name === 'modulo') && e.args.some(isFloatExpr) ? (v: Val[]) => arith(name === 'divide' ? '/' : '%', v[0], v[1], true) : def.fn;
  if (name === 'cidrMatch') {
    const cidrs = e.args.slice(1).map((a) => (a as { value: string }).value);
    // built on the first event that reaches it (it cannot fail)
    let inRange = (ip: string): boolean => (inRange = cidrMatcher(cidrs))(ip);
    fn = (v) => { const ip = toStr(v[0]); return ip === null ? null : inRange(ip); };
  }
  // One argument buffer per call site, refilled per event: the functions never keep it.
  const buf: Val[] = new Array<Val>(args.length);
  const n = args.length;
  if (def.ret === 'boolean' && n > 0) {
    // multi-valued first argument: any element
    return (d) => {
      const v0 = args[0](d);
      for (let i = 1; i < n; i++) buf[i] = first(args[i](d));
      if (!Array.isArray(v0)) {
        buf[0] = v0;
        const r = fn(buf, ci);
        return r === true ? true : r === null || r === undefined ? null : false;
      }
      let sawNull = false;
      for (let i = 0; i < v0.length; i++) {
        buf[0] = v0[i];
        const r = fn(buf, ci);
        if (r === true) return true;
        if (r === null || r === undefined) sawNull = true;
      }
      return sawNull && v0.length <= 1 ? null : false;
    };
  }
  return (d) => {
    for (let i = 0; i < n; i++) buf[i] = first(args[i](d));
    return fn(buf, ci);
  };
}
