import { compileField } from '../../fields/index.js';
import { QueryError } from '../query-error.js';
import type { Expr } from './ast.js';
import { ENDGAME_ONLY, lookupFunction, type Ty } from './functions.js';
import { luceneRegex, scalarCmp, scalarEq, toStr, wildcardToRegExp, type Val } from './values.js';

export type Eval = (doc: Record<string, unknown>) => Val;

export interface ExprCtx { src: string; fields: Set<string> }

const isNull = (v: Val) => v === null || v === undefined;
const each = (v: Val): Val[] => (Array.isArray(v) ? v : [v]);

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
      const g = compileField(e.path);
      return (d) => g(d);
    }
    case 'not': {
      checkType(ctx, e.arg, 'boolean', 'not');
      const a = compileExpr(e.arg, ctx);
      return (d) => { const v = truthy(a(d)); return v === null ? null : !v; };
    }
    case 'neg': {
      checkType(ctx, e.arg, 'number', 'negation');
      const a = compileExpr(e.arg, ctx);
      return (d) => { const v = a(d); return typeof v === 'number' ? -v : null; };
    }
    case 'logic': {
      checkType(ctx, e.left, 'boolean', e.op); checkType(ctx, e.right, 'boolean', e.op);
      const l = compileExpr(e.left, ctx), r = compileExpr(e.right, ctx);
      if (e.op === 'and') return (d) => {
        const a = truthy(l(d));
        if (a === false) return false;
        const b = truthy(r(d));
        if (b === false) return false;
        return a === null || b === null ? null : true;
      };
      return (d) => {
        const a = truthy(l(d));
        if (a === true) return true;
        const b = truthy(r(d));
        if (b === true) return true;
        return a === null || b === null ? null : false;
      };
    }
    case 'compare': return compileCompare(e, ctx);
    case 'arith': {
      checkType(ctx, e.left, 'number', `operator ${e.op}`); checkType(ctx, e.right, 'number', `operator ${e.op}`);
      const l = compileExpr(e.left, ctx), r = compileExpr(e.right, ctx);
      const op = e.op;
      const fl = isFloatExpr(e);
      return (d) => arith(op, first(l(d)), first(r(d)), fl);
    }
    case 'in': {
      const a = compileExpr(e.arg, ctx);
      const list = e.list.map((x) => compileExpr(x, ctx));
      const ci = e.ci, neg = e.negated;
      return (d) => {
        const v = a(d);
        if (isNull(v)) return null;
        const vals = list.map((f) => f(d));
        const hit = each(v).some((x) => vals.some((y) => each(y).some((z) => scalarEq(x, z, ci))));
        return neg ? !hit : hit;
      };
    }
    case 'match': return compileMatch(e, ctx);
    case 'call': return compileCall(e, ctx);
  }
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
  const l = compileExpr(e.left, ctx), r = compileExpr(e.right, ctx);
  const lt = staticType(e.left), rt = staticType(e.right);
  if (lt !== 'any' && rt !== 'any' && lt !== 'null' && rt !== 'null' && lt !== rt) {
    throw new QueryError(`cannot compare ${lt} with ${rt}`, ctx.src, e.location.min, 'type');
  }
  const op = e.op;
  if (op === '==' || op === '!=') {
    const eq = op === '==';
    return (d) => {
      const a = l(d), b = r(d);
      if (isNull(a) || isNull(b)) return eq ? isNull(a) && isNull(b) : !(isNull(a) && isNull(b));
      const hit = each(a).some((x) => each(b).some((y) => scalarEq(x, y, false)));
      return eq ? hit : !hit;
    };
  }
  const test = op === '<' ? (c: number) => c < 0 : op === '<=' ? (c: number) => c <= 0 : op === '>' ? (c: number) => c > 0 : (c: number) => c >= 0;
  return (d) => {
    const a = l(d), b = r(d);
    if (isNull(a) || isNull(b)) return null;
    return each(a).some((x) => each(b).some((y) => { const c = scalarCmp(x, y); return c !== undefined && test(c); }));
  };
}

function compileMatch(e: Extract<Expr, { type: 'match' }>, ctx: ExprCtx): Eval {
  const a = compileExpr(e.arg, ctx);
  type Test = (x: Val) => boolean;
  const mk = (p: string, at: number): { test(s: string): boolean } =>
    e.op === 'regex' ? luceneRegex(p, e.ci, ctx.src, at) : e.op === ':' ? wildcardToRegExp(p, true) : wildcardToRegExp(p, e.ci);
  const reTest = (re: { test(s: string): boolean }): Test => (x) => { const str = toStr(x); return str !== null && re.test(str); };
  let matchesNull = false;
  const dyn: Eval[] = [];
  const pats: ((d: Record<string, unknown>) => Test[])[] = e.patterns.map((p) => {
    if (p.type === 'literal') {
      if (typeof p.value !== 'string') {
        if (e.op !== ':') throw new QueryError(`${e.op} needs string patterns`, ctx.src, p.location.min, 'type');
        if (p.value === null) { matchesNull = true; return () => []; }
        const lit = p.value;
        return () => [(x: Val) => scalarEq(x, lit, true)];
      }
      const t = reTest(mk(p.value, p.location.min));
      return () => [t];
    }
    if (e.op !== ':') throw new QueryError(`${e.op} needs constant string patterns`, ctx.src, p.location.min, 'type');
    const f = compileExpr(p, ctx);
    dyn.push(f);
    return (d) => each(f(d)).filter((x) => !isNull(x)).map((y) => (x: Val) => scalarEq(x, y, true));
  });
  return (d) => {
    const v = a(d);
    if (isNull(v)) return matchesNull || dyn.some((f) => isNull(f(d))) ? true : null;
    const tests = pats.flatMap((p) => p(d));
    return each(v).some((x) => tests.some((t) => t(x)));
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
  const fn = (name === 'divide' || name === 'modulo') && e.args.some(isFloatExpr) ? (v: Val[]) => arith(name === 'divide' ? '/' : '%', v[0], v[1], true) : def.fn;
  if (def.ret === 'boolean' && args.length > 0) {
    // multi-valued first argument: any element
    return (d) => {
      const vals = args.map((f) => f(d));
      const firstVals = each(vals[0]);
      let sawNull = false;
      for (const x of firstVals) {
        const r = fn([x, ...vals.slice(1).map(first)], ci);
        if (r === true) return true;
        if (r === null || r === undefined) sawNull = true;
      }
      return sawNull && firstVals.length <= 1 ? null : false;
    };
  }
  return (d) => fn(args.map((f) => first(f(d))), ci);
}
