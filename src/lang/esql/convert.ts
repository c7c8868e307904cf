import type { Location } from './ast.js';
import type { CExpr, CompileCtx } from './expr.js';
import { parseIsoDate } from './dates.js';
import { formatDate, formatIp, LONG_MAX, LONG_MIN, normalizeIp, normInt, parseExactInteger, parseIp, UL_MAX, type XType } from './types.js';
import { warn, warnSite } from './warnings.js';

const CAST_NAMES: Record<string, XType> = {
  keyword: 'keyword', string: 'keyword', text: 'keyword',
  long: 'long', integer: 'integer', int: 'integer', double: 'double', float: 'double',
  boolean: 'boolean', bool: 'boolean', datetime: 'date', date: 'date', date_nanos: 'date_nanos',
  ip: 'ip', version: 'version', unsigned_long: 'unsigned_long', ul: 'unsigned_long', geo_point: 'geo_point',
  date_period: 'date_period', time_duration: 'time_duration',
};

export function castTargetType(name: string): XType | undefined {
  return CAST_NAMES[name.toLowerCase()];
}

export class ConvError extends Error {}

const INVALID = 'org.elasticsearch.xpack.esql.core.InvalidArgumentException';

function parseNumber(s: string): number {
  const t = s.trim();
  if (t === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) throw new ConvError(`java.lang.NumberFormatException: For input string: "${s}"`);
  return Number(t);
}

/** Convert one single value of runtime type to `to`; throws ConvError with ES's exception text. */
export function convertValue(v: unknown, to: XType, from: XType): unknown {
  switch (to) {
    case 'keyword':
    case 'text':
      return toStringValue(v, from);
    case 'integer':
    case 'long':
    case 'unsigned_long': {
      let n: number;
      // exact integers (beyond 2^53 too) are range-checked exactly
      let exact: number | bigint | undefined;
      if (typeof v === 'boolean') n = v ? 1 : 0;
      else if (typeof v === 'number') n = v;
      else if (typeof v === 'bigint') {
        exact = v;
        n = Number(v);
      } else if (typeof v === 'string') {
        if (from === 'date') n = Date.parse(v);
        else {
          exact = parseExactInteger(v);
          n = exact === undefined ? parseNumber(v) : Number(exact);
        }
      } else throw new ConvError(`${INVALID}: Cannot parse number [${String(v)}]`);
      const outOfRange = () => new ConvError(`${INVALID}: [${typeof v === 'number' && from === 'double' ? javaDouble(v) : String(v)}] out of [${to}] range`);
      if (exact === undefined && Number.isInteger(n) && !Number.isSafeInteger(n) && from !== 'double') exact = BigInt(n);
      if (exact !== undefined && typeof exact === 'bigint') {
        const lo = to === 'integer' ? -2147483648n : to === 'long' ? LONG_MIN : 0n;
        const hi = to === 'integer' ? 2147483647n : to === 'long' ? LONG_MAX : UL_MAX;
        if (exact < lo || exact > hi) throw outOfRange();
        return normInt(exact);
      }
      const r = to === 'unsigned_long' ? Math.trunc(n) : Math.round(n);
      const lo = to === 'integer' ? -2147483648 : to === 'long' ? -9223372036854775808 : 0;
      const hi = to === 'integer' ? 2147483647 : to === 'long' ? 9223372036854775807 : 18446744073709551615;
      if (!Number.isFinite(n) || r < lo || r > hi) throw outOfRange();
      // Elasticsearch rounds doubles to the nearest integral value (Math.round), halves up
      return Number.isSafeInteger(r) ? r : normInt(BigInt(r));
    }
    case 'double': {
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (typeof v === 'number') return v;
      if (typeof v === 'bigint') return Number(v);
      if (typeof v === 'string') return parseNumber(v);
      throw new ConvError(`${INVALID}: Cannot parse number [${String(v)}]`);
    }
    case 'boolean': {
      if (typeof v === 'boolean') return v;
      if (typeof v === 'number') return v !== 0;
      if (typeof v === 'bigint') return v !== 0n;
      if (typeof v === 'string') return v.toLowerCase() === 'true';
      return false;
    }
    case 'date':
    case 'date_nanos': {
      if (typeof v === 'number') return from === 'double' ? Math.trunc(v) : v;
      if (typeof v === 'bigint') {
        if (v > LONG_MAX || v < LONG_MIN) throw new ConvError(`${INVALID}: [${v}] out of [long] range`);
        return Number(v);
      }
      if (typeof v === 'string') {
        const t = parseIsoDate(v);
        if (t === undefined) throw new ConvError(`java.lang.IllegalArgumentException: failed to parse date field [${v}] with format [strict_date_optional_time]`);
        return t;
      }
      throw new ConvError(`java.lang.IllegalArgumentException: cannot convert [${String(v)}] to date`);
    }
    case 'ip': {
      if (typeof v === 'string') {
        const n = normalizeIp(v);
        if (n === undefined) throw new ConvError(`java.lang.IllegalArgumentException: '${v}' is not an IP string literal.`);
        return n;
      }
      throw new ConvError(`java.lang.IllegalArgumentException: '${String(v)}' is not an IP string literal.`);
    }
    case 'version':
      return String(v);
    case 'geo_point': {
      const s = String(v);
      const m = /^\s*POINT\s*\(\s*(-?[\d.eE+-]+)\s+(-?[\d.eE+-]+)\s*\)\s*$/i.exec(s);
      if (!m) throw new ConvError(`java.lang.IllegalArgumentException: Failed to parse WKT: ${s}`);
      return `POINT (${javaDouble(Number(m[1]))} ${javaDouble(Number(m[2]))})`;
    }
    default:
      return v;
  }
}

/** Text of a value as ES prints it (TO_STRING). */
export function toStringValue(v: unknown, from: XType): string {
  if (typeof v === 'string') {
    if (from === 'ip') {
      const b = parseIp(v);
      return b ? formatIp(b) : v;
    }
    return v;
  }
  if (typeof v === 'number') {
    if (from === 'date') return formatDate(v);
    if (from === 'double') return javaDouble(v);
    return String(v);
  }
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'bigint') return v.toString();
  if (v && typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Java's Double.toString. */
export function javaDouble(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(d);
    return s.includes('.') ? s : `${s}.0`;
  }
  // scientific: shortest repr mantissa
  const [mant, exp] = d.toExponential().split('e');
  const m = mant.includes('.') ? mant : `${mant}.0`;
  return `${m}E${Number(exp)}`;
}

/** `expr::type` and the TO_* functions. Multi-values are converted element by element. */
export function castTo(a: CExpr, to: XType, ctx: CompileCtx, loc: Location): CExpr {
  const from = a.type;
  if (from === to || (to === 'keyword' && from === 'text')) return { ...a, type: to === 'keyword' ? 'keyword' : to };
  if (a.span && (to === 'date_period' || to === 'time_duration')) return a;
  if (to === 'date_period' || to === 'time_duration') {
    // string literal to span: "1 day"
    const v = a.ev({ v: [] });
    const m = /^\s*(-?\d+)\s*([A-Za-z]+)\s*$/.exec(String(v));
    if (!m) throw new Error('bad span');
    return a;
  }
  const site = warnSite(ctx.src, loc);
  const one = (v: unknown): unknown => {
    try {
      return convertValue(v, to, from === 'unknown' ? 'keyword' : from);
    } catch (e) {
      if (e instanceof ConvError) return warn(site, e.message);
      throw e;
    }
  };
  return {
    type: to === 'text' ? 'keyword' : to,
    constant: a.constant,
    ev: (r) => {
      const v = a.ev(r);
      if (v === null) return null;
      if (Array.isArray(v)) {
        const out: unknown[] = [];
        for (const x of v) {
          const c = one(x);
          if (c !== null) out.push(c);
        }
        return out.length === 0 ? null : out.length === 1 ? out[0] : out;
      }
      return one(v);
    },
  };
}
