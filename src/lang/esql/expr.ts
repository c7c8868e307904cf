import { compileWildcard, type Matcher } from '../wildcard.js';
import { compileLucene, compileSearch, isRegexError } from '../regex/index.js';
import type { Node as RegexNode } from '../regex/ast.js';
import { parseLucene } from '../regex/parse-lucene.js';
import type { TimeZone } from './time-zone.js';
import { QueryError } from '../query-error.js';
import type { BinaryOp, Expr, Location } from './ast.js';
import { callFunction } from './functions.js';
import { castTo, castTargetType } from './convert.js';
import { addSpan, durationMs, periodParts, spanError, type SpanValue } from './dates.js';
import {
  compareValues,
  LONG_MAX,
  LONG_MIN,
  normInt,
  parseExactInteger,
  toBig,
  UL_MAX,
  isNumeric,
  isString,
  normalizeIp,
  widenNumeric,
  type XType,
} from './types.js';
import { combineDisjunctions, type DisjunctionTyping } from './disjunctions.js';
import { MV_WARNING, warn, warnSite, withWarningSink, type WarnSite } from './warnings.js';

/** A row flowing through the pipeline. `doc` is the input document while the row still has one. */
export interface Row {
  v: unknown[];
  doc?: Record<string, unknown>;
  src?: unknown;
}

export type Ev = (row: Row) => unknown;

export interface CExpr {
  type: XType;
  ev: Ev;
  /** Foldable: does not read the row. */
  constant: boolean;
  /** For time spans: the unit, value kept in `ev` as { ms } or { months }. */
  span?: { kind: 'duration' | 'period' };
  /**
   * A column an EVAL or ROW set to a constant: the value is known while planning (LIKE patterns may
   * use it), though the expression is not folded (evaluation warnings stay per row).
   */
  known?: { value: unknown };
}

export interface Column {
  name: string;
  type: XType;
  /** Same value on every row, set by EVAL/ROW from a constant expression. */
  known?: { value: unknown };
  /**
   * The column this one is a plain copy of (EVAL z = y, RENAME), followed to its origin: the same
   * value on every row. STATS treats grouping by a copy of a grouping column as the same key.
   */
  copyOf?: Column;
}

export interface CompileCtx {
  src: string;
  now: number;
  /** Resolve a column name to its index and type (throws for unknown). */
  resolve(name: string, loc: Location): { index: number; type: XType; known?: { value: unknown } };
  /** When set, KQL()/MATCH() may read the document. */
  docAvailable: boolean;
  /** In a STATS expression: an aggregate function call as a read of its slot; undefined for any other function. */
  aggregate?: (node: Expr & { type: 'function' }) => CExpr | undefined;
  /** Session time zone for calendar arithmetic (SET time_zone); UTC when absent. */
  timeZone?: TimeZone;
  /** Reads a resolved column; default `row.v[index]` (the prefilter reads documents lazily). */
  column?: (index: number) => Ev;
}

export function typeError(ctx: CompileCtx, msg: string, loc: Location): never {
  throw new QueryError(msg, ctx.src, loc.min, 'type');
}

export function text(ctx: CompileCtx, e: { location: Location }): string {
  return ctx.src.slice(e.location.min, e.location.max + 1);
}

function constant(type: XType, value: unknown): CExpr {
  return { type, ev: () => value, constant: true };
}

/** The value of a constant or known-constant expression, else undefined. */
export function constantValue(c: CExpr): unknown {
  if (c.known) return c.known.value;
  return c.constant ? c.ev({ v: [] }) : undefined;
}

/** Fold a constant expression once (errors still warn at run time). */
export function fold(c: CExpr): CExpr {
  if (!c.constant) return c;
  let value: unknown;
  const warned = new Map<string, number>();
  try {
    value = withWarningSink(warned, () => c.ev({ v: [] }));
  } catch {
    return c;
  }
  // an expression that warns is left to warn on every evaluation, as Elasticsearch reports it
  if (warned.size) return c;
  return { ...c, ev: () => value };
}

export function compileExpr(e: Expr, ctx: CompileCtx): CExpr {
  switch (e.type) {
    case 'literal': {
      if (e.valueType === 'null') return constant('null', null);
      return constant(e.valueType, e.value);
    }
    case 'timespan': {
      const period = ['day', 'week', 'month', 'quarter', 'year'].includes(e.unit);
      const val = period ? { period: e.unit, n: e.value } : { ms: durationMs(e.value, e.unit) };
      return { type: period ? 'date_period' : 'time_duration', ev: () => val, constant: true, span: { kind: period ? 'period' : 'duration' } };
    }
    case 'column': {
      const { index, type, known } = ctx.resolve(e.name, e.location);
      // an unmapped field under SET unmapped_fields="nullify"
      if (index < 0) return constant('null', null);
      return { type, ev: ctx.column ? ctx.column(index) : (r) => r.v[index], constant: false, known };
    }
    case 'star':
      return typeError(ctx, '* is only allowed in COUNT(*)', e.location);
    case 'list': {
      const items = e.values.map((x) => compileExpr(x, ctx));
      // numeric literals of a list share the widest type: [1, -2147483649] is long
      let t: XType = 'null';
      for (const x of items) if (x.type !== 'null') t = t === 'null' ? x.type : isNumeric(t) && isNumeric(x.type) ? widenNumeric(t, x.type) : t;
      const vals = items.map((x) => x.ev({ v: [] }));
      const flat = vals.flatMap((v) => (v === null ? [] : Array.isArray(v) ? v : [v]));
      const value = flat.length === 0 ? null : flat.length === 1 ? flat[0] : flat;
      return constant(t, value);
    }
    case 'function': {
      if (ctx.aggregate) {
        const a = ctx.aggregate(e);
        if (a) return a;
      }
      return fold(callFunction(e, ctx));
    }
    case 'unary': {
      if (e.op === 'not') {
        // Elasticsearch plans NOT(a < b) as a >= b: same result, and warnings name the NOT
        const inner = e.arg;
        const inv = inner.type === 'binary' ? NEGATED_CMP[inner.op] : undefined;
        if (inner.type === 'binary' && inv) return fold(compileBinary({ ...inner, op: inv, location: withClosingParens(ctx.src, e.location) }, ctx));
      }
      const a = compileExpr(e.arg, ctx);
      if (e.op === 'not') {
        checkBool(ctx, a, e.arg);
        const site = warnSite(ctx.src, e.location);
        return fold({ type: 'boolean', constant: a.constant, ev: (r) => {
          const v = a.ev(r);
          if (v === null) return null;
          if (Array.isArray(v)) return warn(site, MV_WARNING);
          return !v;
        } });
      }
      if (e.op === '+') return a;
      if (isSpanType(a)) {
        return { ...a, ev: (r) => {
          const v = a.ev(r) as SpanValue | null;
          if (v === null) return null;
          if (v.ms !== undefined) return { ms: -v.ms };
          const p = periodParts(v);
          return { months: -p.months, days: -p.days };
        } };
      }
      if (!isNumeric(a.type) && a.type !== 'unknown' && a.type !== 'null') {
        typeError(ctx, `argument of [${text(ctx, e)}] must be [numeric, date_period or time_duration], found value [${text(ctx, e.arg)}] type [${a.type}]`, e.location);
      }
      const site = warnSite(ctx.src, e.location);
      const t = a.type;
      return fold({ type: t, constant: a.constant, ev: (r) => {
        const v = a.ev(r);
        if (v === null) return null;
        if (Array.isArray(v)) return warn(site, MV_WARNING);
        if (typeof v === 'bigint') return v === LONG_MIN && t !== 'unsigned_long' ? warn(site, LONG_OVERFLOW) : normInt(-v);
        if (typeof v !== 'number') return null;
        if (t === 'integer' && v === -2147483648) return warn(site, 'java.lang.ArithmeticException: integer overflow');
        return -v;
      } });
    }
    case 'binary':
      if (e.op === 'or' && !ctx.aggregate && !combined.has(e)) {
        const r = combineDisjunctions(e, disjunctionTyping(ctx));
        markOrChain(r);
        if (r !== e) return compileExpr(r, ctx);
      }
      return fold(compileBinary(e, ctx));
    case 'isnull': {
      const a = compileExpr(e.arg, ctx);
      return fold({ type: 'boolean', constant: a.constant, ev: e.negated ? (r) => a.ev(r) !== null : (r) => a.ev(r) === null });
    }
    case 'in':
      return fold(compileIn(e, ctx));
    case 'like':
      return fold(compileLike(e, ctx));
    case 'cast': {
      const a = compileExpr(e.arg, ctx);
      const to = castTargetType(e.to);
      if (!to) typeError(ctx, `Unknown data type [${e.to}]`, e.location);
      return fold(castTo(a, to, ctx, e.location));
    }
    case 'match':
      return fold(callFunction({ type: 'function', name: 'match', args: [e.field, e.query], location: e.location }, ctx));
  }
}

/** OR nodes already through CombineDisjunctions (their sub-chains need no second pass). */
const combined = new WeakSet<Expr>();
function markOrChain(e: Expr): void {
  if (e.type === 'binary' && e.op === 'or') {
    combined.add(e);
    markOrChain(e.left);
    markOrChain(e.right);
  }
}

function disjunctionTyping(ctx: CompileCtx): DisjunctionTyping {
  const memo = new Map<Expr, CExpr>();
  const c = (e: Expr) => {
    let x = memo.get(e);
    if (!x) memo.set(e, (x = compileExpr(e, ctx)));
    return x;
  };
  return {
    constant: (e) => c(e).constant,
    isIp: (e) => c(e).type === 'ip',
    ipText: (e) => {
      const x = c(e);
      const v = x.constant ? constantValue(x) : undefined;
      return typeof v === 'string' ? normalizeIp(v) : undefined;
    },
  };
}

export function checkBool(ctx: CompileCtx, a: CExpr, e: Expr): void {
  if (a.type !== 'boolean' && a.type !== 'null' && a.type !== 'unknown') {
    typeError(ctx, `argument of [${text(ctx, e)}] must be [boolean], found value [${text(ctx, e)}] type [${a.type}]`, e.location);
  }
}

/** A span that opens parentheses it does not close, extended over the closing ones that follow. */
function withClosingParens(src: string, loc: Location): Location {
  let open = 0;
  for (let i = loc.min; i <= loc.max; i++) open += src[i] === '(' ? 1 : src[i] === ')' ? -1 : 0;
  let max = loc.max;
  for (let i = max + 1; open > 0 && i < src.length; i++) {
    if (src[i] === ')') {
      open--;
      max = i;
    } else if (!/\s/.test(src[i])) break;
  }
  return { min: loc.min, max };
}

const CMP = new Set(['==', '!=', '<', '<=', '>', '>=']);
const NEGATED_CMP: Partial<Record<BinaryOp, BinaryOp>> = { '==': '!=', '!=': '==', '<': '>=', '<=': '>', '>': '<=', '>=': '<' };

/** Comparable type family, for compile-time checks. */
function family(t: XType): string {
  if (isNumeric(t)) return 'numeric';
  if (isString(t)) return 'string';
  if (t === 'date' || t === 'date_nanos') return 'date';
  return t;
}

/** Implicit conversion of a string literal to the other side's type (dates, ips, versions). */
function coerceLiteral(ctx: CompileCtx, lit: CExpr, to: XType, loc: Location): CExpr {
  if (!lit.constant || !isString(lit.type)) return lit;
  if (to === 'date' || to === 'ip' || to === 'version' || to === 'boolean' || isNumeric(to)) {
    return fold(castTo(lit, to, ctx, loc));
  }
  return lit;
}

function compileBinary(e: Expr & { type: 'binary' }, ctx: CompileCtx): CExpr {
  let a = compileExpr(e.left, ctx);
  let b = compileExpr(e.right, ctx);
  const site = warnSite(ctx.src, e.location);
  const op = e.op;
  if (op === 'and' || op === 'or') {
    checkBool(ctx, a, e.left);
    checkBool(ctx, b, e.right);
    const and = op === 'and';
    return {
      type: 'boolean',
      constant: a.constant && b.constant,
      ev: (r) => {
        let x = a.ev(r);
        if (Array.isArray(x)) x = warn(site, MV_WARNING);
        if (and && x === false) return false;
        if (!and && x === true) return true;
        let y = b.ev(r);
        if (Array.isArray(y)) y = warn(site, MV_WARNING);
        if (and) return y === false ? false : x === null || y === null ? null : true;
        return y === true ? true : x === null || y === null ? null : false;
      },
    };
  }
  if (CMP.has(op) || op === '=~') {
    a = coerceLiteral(ctx, a, b.type, e.left.location);
    b = coerceLiteral(ctx, b, a.type, e.right.location);
    const fa = family(a.type);
    const fb = family(b.type);
    if (fa !== fb && a.type !== 'unknown' && b.type !== 'unknown' && a.type !== 'null' && b.type !== 'null') {
      typeError(ctx, `first argument of [${text(ctx, e)}] is [${a.type}] so second argument must also be [${a.type}] but was [${b.type}]`, e.location);
    }
    const t: XType = a.type === 'unknown' ? b.type : a.type;
    if (op === '=~') {
      return { type: 'boolean', constant: a.constant && b.constant, ev: (r) => {
        const x = a.ev(r);
        const y = b.ev(r);
        if (x === null || y === null) return null;
        if (Array.isArray(x) || Array.isArray(y)) return warn(site, MV_WARNING);
        return String(x).toLowerCase() === String(y).toLowerCase();
      } };
    }
    const test = cmpTest(op);
    // equality of two strings needs no ordering (ip and version text compares by value)
    const eq = (op === '==' || op === '!=') && t !== 'ip' && t !== 'version' ? op : undefined;
    return {
      type: 'boolean',
      constant: a.constant && b.constant,
      ev: (r) => {
        const x = a.ev(r);
        const y = b.ev(r);
        if (x === null || y === null) return null;
        if (eq !== undefined && typeof x === 'string' && typeof y === 'string') return (x === y) === (eq === '==');
        if (Array.isArray(x) || Array.isArray(y)) return warn(site, MV_WARNING);
        const c = compareDynamic(x, y, t);
        if (c === undefined) return null;
        return test(c);
      },
    };
  }
  // arithmetic
  if (isSpanType(a) || isSpanType(b) || isDateType(a.type) || isDateType(b.type)) {
    return dateArith(ctx, e, a, b, site);
  }
  for (const [x, n] of [[a, e.left], [b, e.right]] as const) {
    if (!isNumeric(x.type) && x.type !== 'unknown' && x.type !== 'null') {
      typeError(ctx, `${x === a ? 'first' : 'second'} argument of [${text(ctx, e)}] must be [numeric], found value [${text(ctx, n)}] type [${x.type}]`, n.location);
    }
  }
  const t = a.type === 'null' ? b.type : b.type === 'null' ? a.type : widenNumeric(a.type, b.type);
  const rt: XType = t === 'null' ? 'integer' : t;
  const f = arith(op, rt, site);
  return {
    type: a.type === 'null' && b.type === 'null' ? 'null' : rt,
    constant: a.constant && b.constant,
    ev: (r) => {
      const x = a.ev(r);
      const y = b.ev(r);
      if (x === null || y === null) return null;
      if (Array.isArray(x) || Array.isArray(y)) return warn(site, MV_WARNING);
      return f(x, y);
    },
  };
}

function toNum(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') return Number(v);
  if (typeof v === 'bigint') return Number(v);
  return NaN;
}

/** An integral value (number, bigint, integer text) as an exact integer, else undefined. */
function toExact(v: unknown): number | bigint | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? v : undefined;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'string') return parseExactInteger(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

const I32_MIN = -2147483648;
const I32_MAX = 2147483647;
const I64 = 9223372036854775808;
const U64 = 18446744073709551616;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const LONG_OVERFLOW = 'java.lang.ArithmeticException: long overflow';
const UL_OVERFLOW = 'java.lang.ArithmeticException: unsigned_long overflow';
const DIV_ZERO = 'java.lang.ArithmeticException: / by zero';

/**
 * Arithmetic of two non-null single values. integer and double compute on numbers; long and
 * unsigned_long are exact (Java's long / unsigned 64-bit arithmetic): on numbers while the result
 * stays a safe integer, in BigInt beyond, with Elasticsearch's overflow warnings.
 */
function arith(op: string, t: XType, site: WarnSite): (x: unknown, y: unknown) => unknown {
  const check = (v: number, tt: XType): unknown => {
    if (tt === 'integer') return v < I32_MIN || v > I32_MAX ? warn(site, 'java.lang.ArithmeticException: integer overflow') : v;
    if (!Number.isFinite(v)) return warn(site, DIV_ZERO);
    return v;
  };
  const dbl = numberOp(op, site, check, 'double');
  const int = numberOp(op, site, check, 'integer');
  const long = exactOp(op, site, false);
  const ul = exactOp(op, site, true);
  switch (t) {
    case 'double':
      return (x, y) => dbl(toNum(x), toNum(y));
    case 'integer':
      return (x, y) => int(toNum(x), toNum(y));
    case 'long':
      return long;
    case 'unsigned_long':
      return ul;
  }
  // unknown (document values typed at run time): integral operands are longs
  return (x, y) => (toExact(x) !== undefined && toExact(y) !== undefined ? long(x, y) : dbl(toNum(x), toNum(y)));
}

function numberOp(op: string, site: WarnSite, check: (v: number, tt: XType) => unknown, tt: XType): (x: number, y: number) => unknown {
  switch (op) {
    case '+':
      return (x, y) => check(x + y, tt);
    case '-':
      return (x, y) => check(x - y, tt);
    case '*':
      return (x, y) => check(x * y, tt);
    case '/':
      return (x, y) => {
        if (y === 0 && tt !== 'double') return warn(site, DIV_ZERO);
        if (tt === 'double') return y === 0 ? warn(site, DIV_ZERO) : check(x / y, tt);
        return check(Math.trunc(x / y), tt);
      };
    case '%':
      return (x, y) => (y === 0 ? warn(site, DIV_ZERO) : check(x % y, tt));
  }
  throw new Error(`bad op ${op}`);
}

/** long (or unsigned_long) arithmetic: number fast path, exact BigInt beyond 2^53. */
function exactOp(op: string, site: WarnSite, unsigned: boolean): (x: unknown, y: unknown) => unknown {
  const lo = unsigned ? 0n : LONG_MIN;
  const hi = unsigned ? UL_MAX : LONG_MAX;
  const overflow = unsigned ? UL_OVERFLOW : LONG_OVERFLOW;
  // a fractional value in a long column (a document's JSON): computed as a double, truncated
  const inexact = numberOp(op, site, (v) => (Number.isFinite(v) ? v : warn(site, DIV_ZERO)), 'long');
  const slow = (x: unknown, y: unknown): unknown => {
    const a = toExact(x);
    const b = toExact(y);
    if (a === undefined || b === undefined) return inexact(toNum(x), toNum(y));
    const p = toBig(a);
    const q = toBig(b);
    let r: bigint;
    switch (op) {
      case '+':
        r = p + q;
        break;
      case '-':
        r = p - q;
        break;
      case '*':
        r = p * q;
        break;
      case '/':
        if (q === 0n) return warn(site, DIV_ZERO);
        r = p / q; // truncates toward zero, as Java's long division
        break;
      default:
        if (q === 0n) return warn(site, DIV_ZERO);
        r = p % q; // the sign of the dividend, as Java's %
    }
    return r < lo || r > hi ? warn(site, overflow) : normInt(r);
  };
  switch (op) {
    case '+':
      return (x, y) => {
        if (typeof x === 'number' && typeof y === 'number') {
          const r = x + y;
          if (r <= MAX_SAFE && r >= (unsigned ? 0 : -MAX_SAFE)) return r;
        }
        return slow(x, y);
      };
    case '-':
      return (x, y) => {
        if (typeof x === 'number' && typeof y === 'number') {
          const r = x - y;
          if (r <= MAX_SAFE && r >= (unsigned ? 0 : -MAX_SAFE)) return r;
        }
        return slow(x, y);
      };
    case '*':
      return (x, y) => {
        if (typeof x === 'number' && typeof y === 'number') {
          const r = x * y;
          if (r <= MAX_SAFE && r >= (unsigned ? 0 : -MAX_SAFE)) return r === 0 ? 0 : r;
        }
        return slow(x, y);
      };
    case '/':
      return (x, y) => {
        if (typeof x === 'number' && typeof y === 'number' && y !== 0 && Number.isInteger(x) && Number.isInteger(y)) {
          // exact for safe integers: x - x % y is a multiple of y
          const r = (x - (x % y)) / y;
          return r === 0 ? 0 : r;
        }
        return slow(x, y);
      };
    case '%':
      return (x, y) => {
        if (typeof x === 'number' && typeof y === 'number' && y !== 0 && Number.isInteger(x) && Number.isInteger(y)) {
          const r = x % y;
          return r === 0 ? 0 : r;
        }
        return slow(x, y);
      };
  }
  throw new Error(`bad op ${op}`);
}

const isSpanType = (c: CExpr) => c.span !== undefined || c.type === 'date_period' || c.type === 'time_duration';
const isDateType = (t: XType) => t === 'date' || t === 'date_nanos';

function dateArith(ctx: CompileCtx, e: Expr & { type: 'binary' }, a: CExpr, b: CExpr, site: WarnSite): CExpr {
  const op = e.op;
  const sa = isSpanType(a);
  const sb = isSpanType(b);
  if (op !== '+' && op !== '-') typeError(ctx, `[${op}] has arguments with incompatible types [${a.type}] and [${b.type}]`, e.location);
  const constant = a.constant && b.constant;
  // a null operand makes the result null, typed by the other operand
  if (!sa && !sb) {
    if (a.type === 'null' || b.type === 'null') return { type: a.type === 'null' ? b.type : a.type, constant: true, ev: () => null };
    typeError(ctx, `[${text(ctx, e)}] has arguments with incompatible types [${a.type}] and [${b.type}]`, e.location);
  }
  if ((sa || a.type === 'null') && (sb || b.type === 'null')) {
    const kinds = new Set([a, b].filter(isSpanType).map((c) => (c.type === 'time_duration' || c.span?.kind === 'duration' ? 'duration' : 'period')));
    if (kinds.size > 1) typeError(ctx, `[${text(ctx, e)}] has arguments with incompatible types [${a.type}] and [${b.type}]`, e.location);
    const kind = [...kinds][0] as 'duration' | 'period';
    const sign = op === '-' ? -1 : 1;
    return {
      type: kind === 'duration' ? 'time_duration' : 'date_period',
      constant,
      span: { kind },
      ev: (r) => {
        const x = a.ev(r) as SpanValue | null;
        const y = b.ev(r) as SpanValue | null;
        if (x === null || y === null) return null;
        if (kind === 'duration') return { ms: (x.ms ?? 0) + sign * (y.ms ?? 0) };
        const p = periodParts(x);
        const q = periodParts(y);
        return { months: p.months + sign * q.months, days: p.days + sign * q.days };
      },
    };
  }
  const date = sa ? b : a;
  const span = sa ? a : b;
  if (op === '-' && sa) typeError(ctx, `[-] arguments are in unsupported order: cannot subtract a [${a.type}] value [${text(ctx, e.left)}] from a [${b.type}] amount [${text(ctx, e.right)}]`, e.location);
  if (!isDateType(date.type) && date.type !== 'unknown' && date.type !== 'null' && !isString(date.type)) {
    typeError(ctx, `[${text(ctx, e)}] has arguments with incompatible types [${a.type}] and [${b.type}]`, e.location);
  }
  const sign = op === '-' ? -1 : 1;
  return {
    type: 'date',
    constant,
    ev: (r) => {
      let d = date.ev(r);
      const sp = span.ev(r) as SpanValue | null;
      if (d === null || sp === null) return null;
      if (Array.isArray(d)) return warn(site, MV_WARNING);
      if (typeof d === 'string') d = Date.parse(d);
      if (typeof d !== 'number' || Number.isNaN(d)) return null;
      const res = addSpan(d, sp, sign);
      // in JS Date's range (±275,000 years) every result is a valid Java instant too
      if (res >= -8.64e15 && res <= 8.64e15) return res;
      const err = spanError(d, sp, sign, res);
      return err === undefined ? res : warn(site, err);
    },
  };
}

function cmpTest(op: string): (c: number) => boolean {
  switch (op) {
    case '==':
      return (c) => c === 0;
    case '!=':
      return (c) => c !== 0;
    case '<':
      return (c) => c < 0;
    case '<=':
      return (c) => c <= 0;
    case '>':
      return (c) => c > 0;
    default:
      return (c) => c >= 0;
  }
}

/** Compare two single values whose runtime types may differ (unknown document fields). */
export function compareDynamic(x: unknown, y: unknown, t: XType): number | undefined {
  if (typeof x === typeof y) return compareValues(x, y, t);
  if (typeof x === 'bigint' || typeof y === 'bigint') {
    if (typeof x === 'number' || typeof y === 'number') return compareValues(x, y, t);
    if (typeof x === 'string') return compareDynamic(parseExactInteger(x) ?? Number(x), y, t);
    if (typeof y === 'string') return compareDynamic(x, parseExactInteger(y) ?? Number(y), t);
  }
  if (typeof x === 'number' && typeof y === 'string') {
    const n = Number(y);
    return y.trim() !== '' && !Number.isNaN(n) ? compareValues(x, n, 'double') : compareValues(String(x), y, 'keyword');
  }
  if (typeof x === 'string' && typeof y === 'number') {
    const n = Number(x);
    return x.trim() !== '' && !Number.isNaN(n) ? compareValues(n, y, 'double') : compareValues(x, String(y), 'keyword');
  }
  if (typeof x === 'boolean' || typeof y === 'boolean') return compareValues(String(x), String(y), 'keyword');
  return compareValues(String(x), String(y), 'keyword');
}

function compileIn(e: Expr & { type: 'in' }, ctx: CompileCtx): CExpr {
  const a = compileExpr(e.arg, ctx);
  const items = e.values.map((v) => coerceLiteral(ctx, compileExpr(v, ctx), a.type, v.location));
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    if (a.type !== 'unknown' && it.type !== 'unknown' && it.type !== 'null' && a.type !== 'null' && family(it.type) !== family(a.type)) {
      typeError(ctx, `[${text(ctx, e)}] cannot compare [${a.type}] with [${it.type}] value [${text(ctx, e.values[i])}]`, e.values[i].location);
    }
  }
  const site = warnSite(ctx.src, e.location);
  const t = a.type;
  const allConst = items.every((i) => i.constant);
  const constVals = allConst ? items.map((i) => i.ev({ v: [] })) : undefined;
  const strSet = constVals && constVals.every((v) => typeof v === 'string') && (isString(t) || t === 'unknown') ? new Set(constVals as string[]) : undefined;
  const neg = e.negated;
  return {
    type: 'boolean',
    constant: a.constant && allConst,
    ev: (r) => {
      const x = a.ev(r);
      if (x === null) return null;
      if (Array.isArray(x)) return warn(site, MV_WARNING);
      if (strSet && typeof x === 'string') return strSet.has(x) ? !neg : !neg ? false : true;
      let sawNull = false;
      for (let i = 0; i < items.length; i++) {
        const y = constVals ? constVals[i] : items[i].ev(r);
        if (y === null) {
          sawNull = true;
          continue;
        }
        if (Array.isArray(y)) {
          sawNull = true;
          continue;
        }
        if (compareDynamic(x, y, t) === 0) return !neg;
      }
      return sawNull ? null : neg;
    },
  };
}

/**
 * Matchers by pattern, shared: a query is planned twice (see compileInternal's discovery pass) and
 * rules repeat patterns, and compiling LIKE and RLIKE patterns was a tenth of compiling the
 * corpus's ES|QL rules cold. A matcher holds no per-use state; the lazy DFA it may build answers
 * the same for every user. The map lives as long as the thread: one per distinct pattern of the
 * queries it compiled (about a thousand for Elastic's corpus).
 */
const matchers = new Map<string, { test(s: string): boolean }>();

function memoMatcher<M extends { test(s: string): boolean }>(key: string, build: () => M): M {
  let m = matchers.get(key) as M | undefined;
  if (!m) matchers.set(key, (m = build()));
  return m;
}

/** An ES|QL LIKE pattern (`*`, `?`, `\` escapes), matched without backtracking. */
export function likeToRegex(p: string): Matcher {
  return memoMatcher(`like\0${p}`, () => compileWildcard(p, { caseInsensitive: false, escapes: true }));
}

/**
 * A Lucene regular expression (RLIKE), whole-string, on the linear-time engine. Throws RegexError.
 *
 * Lucene rejects some patterns JS RegExp took, and trawl used to run RLIKE through JS: shipped
 * rules rely on that (e.g. `[A-Za-z0-9_\\-]`, where Lucene reads `\\-]` as a range up to `]`
 * and then misses the class's end). For those, the old JS reading is kept, still run by the
 * linear-time engine; the Lucene error stands when that reading is invalid too.
 */
export function luceneToRegex(p: string): { test(s: string): boolean } {
  return memoMatcher(`rlike\0${p}`, () => compileRlike(p));
}

function compileRlike(p: string): { test(s: string): boolean } {
  try {
    return compileLucene(p);
  } catch (e) {
    if (!isRegexError(e) || e.kind !== 'syntax') throw e;
    try {
      return compileSearch(legacyLuceneSource(p), { dotAll: true });
    } catch {
      throw e;
    }
  }
}

/** The JS RegExp source trawl used to build for a Lucene pattern (anchored, for dotAll). */
function legacyLuceneSource(p: string): string {
  let re = '';
  let inClass = false;
  let atomBefore = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\' && i + 1 < p.length) {
      const n = p[++i];
      re += /[dDwWsS]/.test(n) ? `\\${n}` : /[A-Za-z0-9]/.test(n) ? n : `\\${n}`;
      atomBefore = true;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      re += c === '[' ? '\\[' : c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      re += c;
      if (p[i + 1] === '^') re += p[++i];
      if (p[i + 1] === ']') re += `\\${p[++i]}`;
      atomBefore = true;
      continue;
    }
    if ((c === '*' || c === '+' || c === '?' || c === '{') && !atomBefore) {
      re += `\\${c}`;
      atomBefore = true;
      continue;
    }
    if (c === '/') re += '\\/';
    else re += c;
    atomBefore = c !== '(' && c !== '|';
  }
  return `^(?:${re})$`;
}


/** Whether a Lucene regexp is `.*`-like: its automaton loops on every character from the start. */
function luceneMatchesAll(p: string): boolean {
  let node: RegexNode;
  try {
    node = parseLucene(p);
  } catch {
    return false;
  }
  const total = (n: RegexNode): boolean => {
    switch (n.type) {
      case 'group':
        return total(n.child);
      case 'concat':
        return n.items.length > 0 && n.items.every(total);
      case 'alt':
        return n.items.every(total);
      case 'repeat':
        return n.min === 0 && n.max === -1 && (total(n.child) || anyChar(n.child));
      default:
        return false;
    }
  };
  const anyChar = (n: RegexNode): boolean =>
    n.type === 'set' ? n.set.length === 2 && n.set[0] === 0 && n.set[1] === 0x10ffff : n.type === 'group' ? anyChar(n.child) : n.type === 'alt' ? n.items.some(anyChar) : false;
  return total(node);
}

/** Maps offsets in a string literal's value to the query when the literal spells it verbatim; else its start. */
export function literalOffsets(src: string, loc: { min: number }, value: string): (o: number) => number {
  const at = loc.min;
  for (const q of ['"""', '"']) {
    if (src.startsWith(q, at) && src.startsWith(value + q, at + q.length)) return (o) => at + q.length + o;
  }
  return () => at;
}

function compileLike(e: Expr & { type: 'like' }, ctx: CompileCtx): CExpr {
  const a = compileExpr(e.arg, ctx);
  if (!isString(a.type) && a.type !== 'unknown' && a.type !== 'null' && a.type !== 'ip' && a.type !== 'version') {
    typeError(ctx, `first argument of [${text(ctx, e)}] must be [string], found value [${text(ctx, e.arg)}] type [${a.type}]`, e.arg.location);
  }
  const pats = e.patterns.map((p) => {
    const c = compileExpr(p, ctx);
    const v = constantValue(c);
    if (typeof v !== 'string') typeError(ctx, `pattern of [${text(ctx, e)}] must be a constant string`, p.location);
    return v;
  });
  // ES rewrites a pattern (list) that matches every string, `x LIKE "*"` or `x RLIKE ".*"`, to
  // `x IS NOT NULL`: NOT LIKE "*" keeps the null rows. "Every string" is Lucene's structural test
  // on the determinized automaton (one accepting state looping on every character), so a list
  // mixing "*" with other patterns is not rewritten.
  if (pats.length > 0 && pats.every((p) => (e.op === 'like' ? /^\*+$/.test(p) : luceneMatchesAll(p)))) {
    return { type: 'boolean', constant: a.constant, ev: e.negated ? (r) => a.ev(r) === null : (r) => a.ev(r) !== null };
  }
  const regexes: Matcher[] = pats.map((p, i) => {
    try {
      return e.op === 'like' ? likeToRegex(p) : luceneToRegex(p);
    } catch (err) {
      if (isRegexError(err)) throw err.toQueryError(ctx.src, literalOffsets(ctx.src, e.patterns[i].location, p));
      throw new QueryError(`invalid ${e.op.toUpperCase()} pattern: ${(err as Error).message}`, ctx.src, e.patterns[i].location.min, 'syntax');
    }
  });
  // fast paths for plain prefix/suffix/contains LIKE patterns
  const tests: ((s: string) => boolean)[] = pats.map((p, i) => {
    if (e.op === 'like' && !/[\\?]/.test(p)) {
      const stars = p.split('*');
      if (stars.length === 1) return (s) => s === p;
      if (stars.length === 2 && stars[0] === '') return (s) => s.endsWith(stars[1]);
      if (stars.length === 2 && stars[1] === '') return (s) => s.startsWith(stars[0]);
      if (stars.length === 3 && stars[0] === '' && stars[2] === '') return (s) => s.includes(stars[1]);
    }
    const re = regexes[i];
    return (s) => re.test(s);
  });
  const site = warnSite(ctx.src, e.location);
  const neg = e.negated;
  return {
    type: 'boolean',
    constant: a.constant,
    ev: (r) => {
      const x = a.ev(r);
      if (x === null) return null;
      if (Array.isArray(x)) return warn(site, MV_WARNING);
      const s = String(x);
      for (const t of tests) if (t(s)) return !neg;
      return neg;
    },
  };
}

export { normalizeIp };
