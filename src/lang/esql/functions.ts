import { createHash } from 'node:crypto';
import { QueryError } from '../query-error.js';
import { isRegexError } from '../regex/index.js';
import type { Expr } from './ast.js';
import { castTo, ConvError, convertValue, javaDouble, toStringValue } from './convert.js';
import { dateDiff, dayName, diffUnit, extractField, formatJavaDate, monthName, parseJavaDate, truncDate } from './dates.js';
import { compareDynamic, compileExpr, constantValue, likeToRegex, literalOffsets, luceneToRegex, text, typeError, type CExpr, type CompileCtx } from './expr.js';
import { kqlPredicate } from './kql-bridge.js';
import { matchFn } from './match.js';
import { inLocalTime } from './time-zone.js';
import { compareValues, ipBytes, isNumeric, isString, LONG_MAX, LONG_MIN, normalizeIp, normInt, toBig, UL_MAX, widenNumeric, type XType } from './types.js';
import { MV_WARNING, warn, warnSite } from './warnings.js';

type Cat = 'str' | 'num' | 'int' | 'date' | 'bool' | 'ip' | 'any' | 'span' | 'strOrIp';

interface Def {
  min: number;
  max: number;
  args: Cat[];
  ret: XType | ((t: XType[]) => XType);
  /** Handles nulls and multi-values itself (MV_ functions, COALESCE, CASE, ...). */
  mv?: boolean;
  impl: (a: unknown[], t: XType[]) => unknown;
  /** Arguments that must be constant (foldable). */
  constArgs?: number[];
}

const CAT_OK: Record<Cat, (t: XType) => boolean> = {
  str: (t) => isString(t),
  num: (t) => isNumeric(t),
  int: (t) => t === 'integer' || t === 'long' || t === 'unsigned_long',
  date: (t) => t === 'date' || t === 'date_nanos',
  bool: (t) => t === 'boolean',
  ip: (t) => t === 'ip',
  strOrIp: (t) => isString(t) || t === 'ip',
  any: () => true,
  span: (t) => t === 'date_period' || t === 'time_duration',
};

const CAT_NAME: Record<Cat, string> = {
  str: 'string', num: 'numeric', int: 'integer', date: 'datetime', bool: 'boolean', ip: 'ip', any: 'any', span: 'time span', strOrIp: 'string or ip',
};

export class EvalError extends Error {}

const REGISTRY = new Map<string, Def>();
function def(names: string | string[], d: Def): void {
  for (const n of Array.isArray(names) ? names : [names]) REGISTRY.set(n, d);
}

const str = (v: unknown, t: XType) => (typeof v === 'string' && t !== 'ip' ? v : toStringValue(v, t));
const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'boolean' ? (v ? 1 : 0) : Number(v));
const asList = (v: unknown): unknown[] => (v === null || v === undefined ? [] : Array.isArray(v) ? v : [v]);
const fromList = (l: unknown[]): unknown => (l.length === 0 ? null : l.length === 1 ? l[0] : l);
const same = (i: number) => (t: XType[]) => (t[i] === 'text' ? 'keyword' : t[i] ?? 'null');
const dateVal = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN);

// ---------- strings ----------
def('concat', { min: 1, max: 100, args: ['any'], ret: 'keyword', impl: (a, t) => a.map((x, i) => str(x, t[i])).join('') });
def('length', { min: 1, max: 1, args: ['str'], ret: 'integer', impl: (a) => [...String(a[0])].length });
def('bit_length', { min: 1, max: 1, args: ['str'], ret: 'integer', impl: (a) => Buffer.byteLength(String(a[0])) * 8 });
def('byte_length', { min: 1, max: 1, args: ['str'], ret: 'integer', impl: (a) => Buffer.byteLength(String(a[0])) });
/** Functions Elasticsearch applies to each value of a multi-value. */
const eachValue = (f: (s: string) => unknown) => (a: unknown[]) => (a[0] === null ? null : Array.isArray(a[0]) ? fromList(a[0].map((x) => f(String(x)))) : f(String(a[0])));
def('to_lower', { min: 1, max: 1, args: ['str'], mv: true, ret: same(0), impl: eachValue((s) => s.toLowerCase()) });
def('to_upper', { min: 1, max: 1, args: ['str'], mv: true, ret: same(0), impl: eachValue((s) => s.toUpperCase()) });
def('trim', { min: 1, max: 1, args: ['str'], ret: same(0), impl: (a) => String(a[0]).replace(/^[\s\u0000-\u0020]+|[\s\u0000-\u0020]+$/g, '') });
def('ltrim', { min: 1, max: 1, args: ['str'], ret: same(0), impl: (a) => String(a[0]).replace(/^[\s\u0000-\u0020]+/, '') });
def('rtrim', { min: 1, max: 1, args: ['str'], ret: same(0), impl: (a) => String(a[0]).replace(/[\s\u0000-\u0020]+$/, '') });
def('starts_with', { min: 2, max: 2, args: ['str', 'str'], ret: 'boolean', impl: (a) => String(a[0]).startsWith(String(a[1])) });
def('ends_with', { min: 2, max: 2, args: ['str', 'str'], ret: 'boolean', impl: (a) => String(a[0]).endsWith(String(a[1])) });
def('contains', { min: 2, max: 2, args: ['str', 'str'], ret: 'boolean', impl: (a) => String(a[0]).includes(String(a[1])) });
def('reverse', { min: 1, max: 1, args: ['str'], ret: same(0), impl: (a) => reverseGraphemes(String(a[0])) });
def('repeat', { min: 2, max: 2, args: ['str', 'int'], ret: 'keyword', impl: (a) => {
  const n = num(a[1]);
  if (n < 0) throw new EvalError(`java.lang.IllegalArgumentException: Number parameter cannot be negative, found [${n}]`);
  if (Buffer.byteLength(String(a[0])) * n > 1048576) throw new EvalError('java.lang.IllegalArgumentException: Creating repeated strings with more than [1048576] bytes is not supported');
  return String(a[0]).repeat(n);
} });
def('space', { min: 1, max: 1, args: ['int'], ret: 'keyword', impl: (a) => {
  const n = num(a[0]);
  if (n < 0) throw new EvalError(`java.lang.IllegalArgumentException: Number parameter cannot be negative, found [${n}]`);
  return ' '.repeat(n);
} });
def('substring', { min: 2, max: 3, args: ['str', 'int', 'int'], ret: 'keyword', impl: (a) => {
  const cps = [...String(a[0])];
  let start = num(a[1]);
  if (start === 0) start = 1;
  if (start < 0) start = Math.max(cps.length + start + 1, 1);
  const len = a.length > 2 ? num(a[2]) : cps.length;
  if (len < 0) throw new EvalError(`java.lang.IllegalArgumentException: Length parameter cannot be negative, found [${len}]`);
  return cps.slice(start - 1, start - 1 + len).join('');
} });
def('left', { min: 2, max: 2, args: ['str', 'int'], ret: 'keyword', impl: (a) => {
  const n = num(a[1]);
  if (n < 0) throw new EvalError(`java.lang.IllegalArgumentException: Length parameter cannot be negative, found [${n}]`);
  return [...String(a[0])].slice(0, n).join('');
} });
def('right', { min: 2, max: 2, args: ['str', 'int'], ret: 'keyword', impl: (a) => {
  const n = num(a[1]);
  if (n < 0) throw new EvalError(`java.lang.IllegalArgumentException: Length parameter cannot be negative, found [${n}]`);
  const c = [...String(a[0])];
  return n === 0 ? '' : c.slice(Math.max(0, c.length - n)).join('');
} });
def('locate', { min: 2, max: 3, args: ['str', 'str', 'int'], ret: 'integer', impl: (a) => {
  // Positions count code points; walking the UTF-16 units spares splitting a long command line
  // into an array of characters on every row.
  const s = String(a[0]);
  let start = a.length > 2 ? num(a[2]) : 1;
  if (start <= 0) start = 1;
  const idx = s.indexOf(String(a[1]), unitOffset(s, start - 1));
  return idx < 0 ? 0 : codePointsBefore(s, idx) + 1;
} });
/** The UTF-16 index of code point `n` of `s` (its length past the end). */
function unitOffset(s: string, n: number): number {
  let i = 0;
  for (let k = 0; k < n && i < s.length; k++) i += isPair(s, i) ? 2 : 1;
  return Math.min(i, s.length);
}
/** How many code points the first `end` UTF-16 units of `s` hold (a split pair counts one). */
function codePointsBefore(s: string, end: number): number {
  let n = 0;
  for (let i = 0; i < end; n++) i += isPair(s, i) && i + 1 < end ? 2 : 1;
  return n;
}
function isPair(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff) return false;
  const d = s.charCodeAt(i + 1);
  return d >= 0xdc00 && d <= 0xdfff;
}
const regexCache = new Map<string, RegExp>();
/** Java regex → JS source and flags: inline flag groups (not in Node 20) become global flags. */
export function translateJavaRegex(p: string, flags = ''): { source: string; flags: string } {
  let f = flags;
  const add = (fl: string) => {
    for (const c of fl) if ('ims'.includes(c) && !f.includes(c)) f += c;
  };
  let src = p.replace(/\\Q([\s\S]*?)(\\E|$)/g, (_m, lit: string) => lit.replace(/[.*+?^${}()|[\]\\\/]/g, '\\$&'));
  src = src.replace(/\(\?([imsxu]+)\)/g, (_m, fl: string) => {
    add(fl);
    return '';
  });
  src = src.replace(/\(\?([imsxu]+)(-[imsxu]+)?:/g, (_m, fl: string) => {
    add(fl);
    return '(?:';
  });
  src = src.replace(/([*+?}])\+/g, '$1'); // possessive quantifiers
  src = src.replace(/\(\?>/g, '(?:'); // atomic groups
  src = src.replace(/\\A/g, '^').replace(/\\[Zz]/g, '$');
  return { source: src, flags: f };
}
export function javaRegex(p: string, flags = ''): RegExp {
  const key = `${flags}/${p}`;
  let re = regexCache.get(key);
  if (!re) {
    const t = translateJavaRegex(p, flags);
    re = new RegExp(t.source, t.flags);
    if (regexCache.size > 500) regexCache.clear();
    regexCache.set(key, re);
  }
  return re;
}
def('replace', { min: 3, max: 3, args: ['str', 'str', 'str'], ret: 'keyword', impl: (a) => {
  let re: RegExp;
  try {
    re = javaRegex(String(a[1]), 'g');
  } catch (e) {
    throw new EvalError(`java.util.regex.PatternSyntaxException: ${(e as Error).message}`);
  }
  const rep = String(a[2]).replace(/\$\{([A-Za-z][A-Za-z0-9]*)\}/g, '$<$1>').replace(/\\\$/g, '$$$$');
  return String(a[0]).replace(re, rep);
} });
def('split', { min: 2, max: 2, args: ['str', 'str'], ret: 'keyword', impl: (a) => {
  const s = String(a[0]);
  const d = String(a[1]);
  if (d.length === 0) return fromList([...s]);
  return fromList(s.split(d));
} });
def('url_decode', { min: 1, max: 1, args: ['str'], mv: true, ret: 'keyword', impl: eachValue(urlDecode) });
def('url_encode', { min: 1, max: 1, args: ['str'], mv: true, ret: 'keyword', impl: eachValue((s) => encodeURIComponent(s).replace(/[!'()~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()).replace(/%20/g, '+').replace(/\*/g, '%2A').replace(/%7E/g, '~')) });
def('url_encode_component', { min: 1, max: 1, args: ['str'], mv: true, ret: 'keyword', impl: eachValue((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())) });
def('to_base64', { min: 1, max: 1, args: ['str'], ret: 'keyword', impl: (a) => Buffer.from(String(a[0]), 'utf8').toString('base64') });
def('from_base64', { min: 1, max: 1, args: ['str'], ret: 'keyword', impl: (a) => fromBase64(String(a[0])) });

/** java.net.URLDecoder: '+' is a space, %XX escapes must be complete and hexadecimal. */
function urlDecode(s: string): string {
  const bytes: number[] = [];
  let out = '';
  const flush = () => {
    if (bytes.length) out += Buffer.from(bytes).toString('utf8');
    bytes.length = 0;
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '%') {
      if (i + 2 >= s.length) throw new EvalError('java.lang.IllegalArgumentException: URLDecoder: Incomplete trailing escape (%) pattern');
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(h)) throw new EvalError('java.lang.IllegalArgumentException: URLDecoder: Illegal hex characters in escape (%) pattern - Error at index 0 in: "' + h + '"');
      bytes.push(parseInt(h, 16));
      i += 2;
      continue;
    }
    flush();
    out += c === '+' ? ' ' : c;
  }
  flush();
  return out;
}

const B64 = new Map([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].map((c, i) => [c, i]));

/** java.util.Base64's basic decoder (its errors included), then strict UTF-8. */
function fromBase64(s: string): string {
  const out: number[] = [];
  let bits = 0;
  let k = 0; // characters into the current 4-character unit
  let i = 0;
  const wrongEnding = () => new EvalError('java.lang.IllegalArgumentException: Input byte array has wrong 4-byte ending unit');
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === '=') {
      if (k === 0 || (k === 2 && s[++i] !== '=')) throw wrongEnding();
      i++;
      break;
    }
    const v = B64.get(c);
    if (v === undefined) throw new EvalError(`java.lang.IllegalArgumentException: Illegal base64 character ${c.charCodeAt(0).toString(16)}`);
    bits = (bits << 6) | v;
    if (++k === 4) {
      out.push((bits >> 16) & 0xff, (bits >> 8) & 0xff, bits & 0xff);
      bits = 0;
      k = 0;
    }
  }
  if (k === 1) throw new EvalError('java.lang.IllegalArgumentException: Last unit does not have enough valid bits');
  if (k === 2) out.push((bits >> 4) & 0xff);
  if (k === 3) out.push((bits >> 10) & 0xff, (bits >> 2) & 0xff);
  if (i < s.length) throw new EvalError(`java.lang.IllegalArgumentException: Input byte array has incorrect ending byte at ${i}`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(out));
  } catch {
    throw new EvalError('java.lang.IllegalArgumentException: decoded value is not valid UTF-8, which is not supported yet');
  }
}
for (const h of ['md5', 'sha1', 'sha256']) def(h, { min: 1, max: 1, args: ['str'], ret: 'keyword', impl: (a) => createHash(h).update(String(a[0])).digest('hex') });
def('hash', { min: 2, max: 2, args: ['str', 'str'], ret: 'keyword', impl: (a) => {
  const alg = String(a[0]).toLowerCase().replace('-', '');
  try {
    return createHash(alg).update(String(a[1])).digest('hex');
  } catch {
    throw new EvalError(`java.security.NoSuchAlgorithmException: ${a[0]} MessageDigest not available`);
  }
} });
def('json_extract', { min: 2, max: 2, args: ['any', 'str'], ret: 'keyword', impl: (a) => {
  let obj: unknown = a[0];
  if (typeof obj === 'string') {
    try {
      obj = JSON.parse(obj);
    } catch {
      throw new EvalError('java.lang.IllegalArgumentException: invalid JSON input');
    }
  }
  let path = String(a[1]).trim();
  if (path.startsWith('$')) path = path.slice(1);
  if (path.startsWith('.')) path = path.slice(1);
  const segs: string[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]/g)) segs.push(m[1] ?? m[2] ?? m[3]);
  // nested lookups also accept flattened dotted keys
  const walk = (node: unknown, i: number): unknown => {
    if (i === segs.length) return node;
    if (node === null || typeof node !== 'object') return undefined;
    if (Array.isArray(node) && /^\d+$/.test(segs[i])) return walk(node[Number(segs[i])], i + 1);
    const o = node as Record<string, unknown>;
    for (let j = segs.length; j > i; j--) {
      const k = segs.slice(i, j).join('.');
      if (Object.prototype.hasOwnProperty.call(o, k)) {
        const r = walk(o[k], j);
        if (r !== undefined) return r;
      }
    }
    return undefined;
  };
  const r = walk(obj, 0);
  if (r === undefined || r === null) return null;
  return typeof r === 'string' ? r : JSON.stringify(r);
} });

// ---------- conversions ----------
const CONV: [string[], XType][] = [
  [['to_string', 'to_str'], 'keyword'],
  [['to_text'], 'text'],
  [['to_integer', 'to_int'], 'integer'],
  [['to_long'], 'long'],
  [['to_double', 'to_dbl'], 'double'],
  [['to_boolean', 'to_bool'], 'boolean'],
  [['to_datetime', 'to_dt'], 'date'],
  [['to_date_nanos'], 'date_nanos'],
  [['to_ip'], 'ip'],
  [['to_version', 'to_ver'], 'version'],
  [['to_unsigned_long', 'to_ul', 'to_ulong'], 'unsigned_long'],
  [['to_geopoint'], 'geo_point'],
];
const CONV_TARGET = new Map<string, XType>();
for (const [names, t] of CONV) for (const n of names) CONV_TARGET.set(n, t);

// ---------- math ----------
function mathDef(name: string | string[], f: (x: number) => number, ret: XType | ((t: XType[]) => XType) = 'double', check?: (x: number) => string | undefined, big?: (x: bigint) => unknown) {
  def(name, { min: 1, max: 1, args: ['num'], ret, impl: (a) => {
    // a long / unsigned_long beyond 2^53
    if (big && typeof a[0] === 'bigint') return big(a[0]);
    const x = num(a[0]);
    const err = check?.(x);
    if (err) throw new EvalError(err);
    const r = f(x);
    return r;
  } });
}
const numRet = (t: XType[]) => (t[0] === 'unknown' ? 'unknown' : t[0] ?? 'double');
mathDef('abs', Math.abs, numRet, undefined, (x) => {
  if (x === LONG_MIN) throw new EvalError('java.lang.ArithmeticException: long overflow');
  return x < 0n ? normInt(-x) : x;
});
mathDef('ceil', Math.ceil, numRet, undefined, (x) => x);
mathDef('floor', Math.floor, numRet, undefined, (x) => x);
mathDef('sqrt', Math.sqrt, 'double', (x) => (x < 0 ? 'java.lang.ArithmeticException: Square root of negative' : undefined));
mathDef('cbrt', Math.cbrt);
mathDef('exp', Math.exp);
mathDef('log10', Math.log10, 'double', (x) => (x <= 0 ? `java.lang.ArithmeticException: Log of non-positive number` : undefined));
mathDef('signum', Math.sign);
for (const f of ['sin', 'cos', 'tan', 'atan', 'sinh', 'cosh', 'tanh'] as const) mathDef(f, Math[f]);
mathDef('asin', Math.asin, 'double', (x) => (Math.abs(x) > 1 ? 'java.lang.ArithmeticException: Asin input out of range' : undefined));
mathDef('acos', Math.acos, 'double', (x) => (Math.abs(x) > 1 ? 'java.lang.ArithmeticException: Acos input out of range' : undefined));
// a multi-value folded into one pre-aggregated value
def('to_aggregate_metric_double', { min: 1, max: 1, args: ['num'], mv: true, ret: 'aggregate_metric_double', impl: (a) => {
  if (a[0] === null) return null;
  const xs = asList(a[0]).map(num);
  return { min: Math.min(...xs), max: Math.max(...xs), sum: xs.reduce((x, y) => x + y, 0), value_count: xs.length };
} });

// conversions: applied to every value of a multi-value
for (const [name, k] of [['to_degrees', 180 / Math.PI], ['to_radians', Math.PI / 180]] as const) {
  def(name, { min: 1, max: 1, args: ['num'], mv: true, ret: 'double', impl: (a) => (a[0] === null ? null : fromList(asList(a[0]).map((x) => num(x) * k))) });
}
def('atan2', { min: 2, max: 2, args: ['num', 'num'], ret: 'double', impl: (a) => Math.atan2(num(a[0]), num(a[1])) });
def('hypot', { min: 2, max: 2, args: ['num', 'num'], ret: 'double', impl: (a) => Math.hypot(num(a[0]), num(a[1])) });
def('log', { min: 1, max: 2, args: ['num', 'num'], ret: 'double', impl: (a) => {
  if (a.length === 1) {
    if (num(a[0]) <= 0) throw new EvalError('java.lang.ArithmeticException: Log of non-positive number');
    return Math.log(num(a[0]));
  }
  const b = num(a[0]);
  const x = num(a[1]);
  if (b <= 0 || x <= 0) throw new EvalError('java.lang.ArithmeticException: Log of non-positive number');
  if (b === 1) throw new EvalError('java.lang.ArithmeticException: Log of base 1');
  return Math.log(x) / Math.log(b);
} });
def('pow', { min: 2, max: 2, args: ['num', 'num'], ret: 'double', impl: (a) => {
  const r = Math.pow(num(a[0]), num(a[1]));
  if (!Number.isFinite(r)) throw new EvalError('java.lang.ArithmeticException: not a finite double number: ' + javaDouble(r));
  return r;
} });
def('pi', { min: 0, max: 0, args: [], ret: 'double', impl: () => Math.PI });
def('e', { min: 0, max: 0, args: [], ret: 'double', impl: () => Math.E });
def('tau', { min: 0, max: 0, args: [], ret: 'double', impl: () => 2 * Math.PI });
def('round', { min: 1, max: 2, args: ['num', 'int'], ret: numRet, impl: (a, t) => {
  const d = a.length > 1 ? num(a[1]) : 0;
  // long / unsigned_long: exact, half up (away from zero), overflow checked
  if ((t[0] === 'long' || t[0] === 'unsigned_long' || typeof a[0] === 'bigint') && d < 0) return roundExact(a[0] as number | bigint, -d, t[0] === 'unsigned_long');
  if (typeof a[0] === 'bigint') return a[0];
  const x = num(a[0]);
  const isInt = t[0] !== 'double' && !(t[0] === 'unknown' && !Number.isInteger(x));
  if (isInt && d >= 0) return x;
  const f = Math.pow(10, d);
  if (isInt) return Math.round(x * f) / f;
  // half away from zero, using the decimal text to avoid binary drift
  const r = Number((Math.sign(x) * Math.round(Number(`${Math.abs(x)}e${d}`))).toString() + `e${-d}`);
  return Number.isFinite(r) ? r : x;
} });
const allIntegral = (v: unknown) => asList(v).every((x) => typeof x === 'bigint' || Number.isInteger(x));

function roundExact(v: number | bigint, digits: number, unsigned: boolean): unknown {
  const n = toBig(typeof v === 'number' ? Math.trunc(v) : v);
  if (digits > 40) return 0;
  const m = 10n ** BigInt(digits);
  const neg = n < 0n;
  const abs = neg ? -n : n;
  let q = abs / m;
  if ((abs % m) * 2n >= m) q += 1n;
  const r = (neg ? -q : q) * m;
  if (unsigned ? r > UL_MAX : r > LONG_MAX || r < LONG_MIN) throw new EvalError(`java.lang.ArithmeticException: ${unsigned ? 'unsigned_long' : 'long'} overflow`);
  return normInt(r);
}

def('round_to', { min: 2, max: 100, args: ['any'], ret: same(0), impl: (a) => {
  const x = num(a[0]);
  const pts = a.slice(1).map(num).sort((p, q) => p - q);
  let best = pts[0];
  for (const p of pts) if (p <= x) best = p;
  return best;
} });
for (const [name, pick] of [['greatest', 1], ['least', -1]] as const) {
  def(name, { min: 1, max: 100, args: ['any'], mv: true, ret: (t) => t.reduce<XType>((acc, x) => (acc === 'null' ? (x === 'text' ? 'keyword' : x) : isNumeric(acc) && isNumeric(x) ? widenNumeric(acc, x) : acc), 'null'), impl: (a, t) => {
    let best: unknown = null;
    for (let i = 0; i < a.length; i++) {
      if (a[i] === null) return null;
      for (const v of asList(a[i])) {
        if (best === null || (compareDynamic(v, best, t[i]) ?? 0) * pick > 0) best = v;
      }
    }
    return best;
  } });
}

// CLAMP(v, min, max) = LEAST(GREATEST(v, min), max), on any comparable type
const clampRet = (t: XType[]) => {
  const x = t[0] === 'text' ? 'keyword' : t[0];
  return isNumeric(x) && t.every((y) => isNumeric(y)) ? t.reduce<XType>((a, b) => widenNumeric(a, b), x) : x;
};
function clampOne(v: unknown, lo: unknown, hi: unknown, t: XType[]): unknown {
  let r = v;
  if (lo !== undefined && (compareDynamic(r, lo, t[0]) ?? 0) < 0) r = lo;
  if (hi !== undefined && (compareDynamic(r, hi, t[0]) ?? 0) > 0) r = hi;
  return r;
}
def('clamp', { min: 3, max: 3, args: ['any'], ret: clampRet, impl: (a, t) => clampOne(a[0], a[1], a[2], t) });
def('clamp_min', { min: 2, max: 2, args: ['any'], ret: clampRet, impl: (a, t) => clampOne(a[0], a[1], undefined, t) });
def('clamp_max', { min: 2, max: 2, args: ['any'], ret: clampRet, impl: (a, t) => clampOne(a[0], undefined, a[1], t) });

// ---------- conditionals ----------
def('coalesce', { min: 1, max: 100, args: ['any'], mv: true, ret: (t) => {
  const x = t.find((y) => y !== 'null') ?? 'null';
  return x === 'text' ? 'keyword' : x;
}, impl: (a) => {
  for (const v of a) if (v !== null) return v;
  return null;
} });

// ---------- dates ----------
def('date_extract', { min: 2, max: 2, args: ['str', 'date'], ret: 'long', impl: (a) => {
  const f = extractField(String(a[0]));
  if (!f) throw new EvalError(`java.lang.IllegalArgumentException: No enum constant java.time.temporal.ChronoField.${String(a[0]).toUpperCase()}`);
  return f(new Date(dateVal(a[1])));
} });
def('date_format', { min: 1, max: 2, args: ['any', 'date'], ret: 'keyword', impl: (a) => {
  if (a.length === 1) return new Date(dateVal(a[0])).toISOString();
  return formatJavaDate(dateVal(a[1]), String(a[0]));
} });
def('date_parse', { min: 1, max: 2, args: ['str', 'str'], ret: 'date', impl: (a) => {
  if (a.length === 1) {
    const r = convertValue(a[0], 'date', 'keyword');
    return r;
  }
  const r = parseJavaDate(String(a[1]), String(a[0]));
  if (r === undefined) throw new EvalError(`java.lang.IllegalArgumentException: failed to parse date field [${a[1]}] with format [${a[0]}]`);
  return r;
} });
def('date_diff', { min: 3, max: 3, args: ['str', 'date', 'date'], ret: 'integer', impl: (a) => {
  const u = diffUnit(String(a[0]));
  if (!u) throw new EvalError(`java.lang.IllegalArgumentException: A value of [YEAR, QUARTER, MONTH, DAYOFYEAR, DAY, WEEK, WEEKDAY, HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND, NANOSECOND] or their aliases is required; received [${a[0]}]`);
  const r = dateDiff(u, dateVal(a[1]), dateVal(a[2]));
  if (r > 2147483647 || r < -2147483648) throw new EvalError(`org.elasticsearch.xpack.esql.core.InvalidArgumentException: [${r}] out of [integer] range`);
  return r;
} });
def('day_name', { min: 1, max: 1, args: ['date'], ret: 'keyword', impl: (a) => dayName(dateVal(a[0])) });
def('month_name', { min: 1, max: 1, args: ['date'], ret: 'keyword', impl: (a) => monthName(dateVal(a[0])) });

// ---------- ip ----------
def('cidr_match', { min: 2, max: 100000, args: ['ip', 'str'], ret: 'boolean', mv: true, impl: (a) => {
  if (a[0] === null) return null;
  const ips = asList(a[0]);
  if (ips.length > 1) return WARN_MV;
  const ip = ipBytes(String(ips[0]));
  if (!ip) return false;
  for (const c of a.slice(1)) for (const cidr of asList(c)) if (cidrContains(String(cidr), ip)) return true;
  return false;
} });
def('ip_prefix', { min: 3, max: 3, args: ['ip', 'int', 'int'], ret: 'ip', impl: (a) => {
  const b = ipBytes(String(a[0]));
  if (!b) return null;
  const isV4 = String(a[0]).includes('.') && !String(a[0]).includes(':');
  const len = isV4 ? num(a[1]) + 96 : num(a[2]);
  // both lengths are checked, whichever family the address is
  if (num(a[1]) < 0 || num(a[1]) > 32) throw new EvalError(`java.lang.IllegalArgumentException: Prefix length v4 must be in range [0, 32], found ${a[1]}`);
  if (num(a[2]) < 0 || num(a[2]) > 128) throw new EvalError(`java.lang.IllegalArgumentException: Prefix length v6 must be in range [0, 128], found ${a[2]}`);
  const out = new Uint8Array(b);
  for (let i = 0; i < 128; i++) if (i >= len) out[i >> 3] &= ~(0x80 >> (i & 7));
  if (isV4) return `${out[12]}.${out[13]}.${out[14]}.${out[15]}`;
  return normalizeIp(formatBytes(out)) ?? null;
} });

function formatBytes(b: Uint8Array): string {
  const g: string[] = [];
  for (let i = 0; i < 8; i++) g.push(((b[i * 2] << 8) | b[i * 2 + 1]).toString(16));
  return g.join(':');
}

const cidrCache = new Map<string, { bytes: Uint8Array; bits: number } | null>();
function cidrContains(cidr: string, ip: Uint8Array): boolean {
  let c = cidrCache.get(cidr);
  if (c === undefined) {
    const slash = cidr.indexOf('/');
    const addr = slash >= 0 ? cidr.slice(0, slash) : cidr;
    const bytes = ipBytes(addr);
    let bits = slash >= 0 ? Number(cidr.slice(slash + 1)) : addr.includes(':') ? 128 : 32;
    if (!addr.includes(':')) bits += 96;
    c = bytes && Number.isInteger(bits) ? { bytes, bits } : null;
    cidrCache.set(cidr, c);
  }
  if (!c) return false;
  for (let i = 0; i < c.bits; i++) {
    const m = 0x80 >> (i & 7);
    if ((ip[i >> 3] & m) !== (c.bytes[i >> 3] & m)) return false;
  }
  return true;
}

// ---------- multi-value ----------
const WARN_MV = Symbol('mv');
const mvSorted = (l: unknown[], t: XType) => [...l].sort((x, y) => compareDynamic(x, y, t) ?? 0);
def('mv_first', { min: 1, max: 1, args: ['any'], mv: true, ret: same(0), impl: (a) => asList(a[0])[0] ?? null });
def('mv_last', { min: 1, max: 1, args: ['any'], mv: true, ret: same(0), impl: (a) => {
  const l = asList(a[0]);
  return l.length ? l[l.length - 1] : null;
} });
def('mv_count', { min: 1, max: 1, args: ['any'], mv: true, ret: 'integer', impl: (a) => (a[0] === null ? null : asList(a[0]).length) });
def('mv_min', { min: 1, max: 1, args: ['any'], mv: true, ret: same(0), impl: (a, t) => (a[0] === null ? null : mvSorted(asList(a[0]), t[0])[0]) });
def('mv_max', { min: 1, max: 1, args: ['any'], mv: true, ret: same(0), impl: (a, t) => {
  if (a[0] === null) return null;
  const s = mvSorted(asList(a[0]), t[0]);
  return s[s.length - 1];
} });
def('mv_dedupe', { min: 1, max: 1, args: ['any'], mv: true, ret: same(0), impl: (a) => (a[0] === null ? null : fromList([...new Set(asList(a[0]))])) });
def('mv_sort', { min: 1, max: 2, args: ['any', 'str'], mv: true, ret: same(0), impl: (a, t) => {
  if (a[0] === null) return null;
  const order = a.length > 1 && a[1] !== null ? String(a[1]).toUpperCase() : 'ASC';
  if (order !== 'ASC' && order !== 'DESC') throw new EvalError(`org.elasticsearch.xpack.esql.core.InvalidArgumentException: Invalid order value in [${a[1]}], expected one of [ASC, DESC] but got [${a[1]}]`);
  const s = mvSorted(asList(a[0]), t[0]);
  return fromList(order === 'DESC' ? s.reverse() : s);
} });
def('mv_concat', { min: 2, max: 2, args: ['str', 'str'], mv: true, ret: 'keyword', impl: (a, t) => {
  if (a[0] === null || a[1] === null) return null;
  return asList(a[0]).map((x) => str(x, t[0])).join(String(a[1]));
} });
def('mv_slice', { min: 2, max: 3, args: ['any', 'int', 'int'], mv: true, ret: same(0), impl: (a) => {
  if (a[0] === null || a[1] === null) return null;
  const l = asList(a[0]);
  let s = num(a[1]);
  let e = a.length > 2 && a[2] !== null ? num(a[2]) : s;
  if (s < 0) s += l.length;
  if (e < 0) e += l.length;
  if (s > e) throw new EvalError(`org.elasticsearch.xpack.esql.core.InvalidArgumentException: Start offset is greater than end offset`);
  if (s < 0 && e < 0) return null;
  return fromList(l.slice(Math.max(0, s), e + 1));
} });
def('mv_append', { min: 2, max: 2, args: ['any', 'any'], mv: true, ret: (t) => (t[0] === 'null' ? same(1)(t) : same(0)(t)), impl: (a) => {
  if (a[0] === null || a[1] === null) return null;
  return fromList([...asList(a[0]), ...asList(a[1])]);
} });
def('mv_intersection', { min: 2, max: 2, args: ['any', 'any'], mv: true, ret: same(0), impl: (a) => {
  if (a[0] === null || a[1] === null) return null;
  const b = new Set(asList(a[1]));
  return fromList([...new Set(asList(a[0]).filter((x) => b.has(x)))]);
} });
def('mv_contains', { min: 2, max: 2, args: ['any', 'any'], mv: true, ret: 'boolean', impl: (a) => {
  if (a[1] === null) return true;
  if (a[0] === null) return false;
  const s = new Set(asList(a[0]));
  return asList(a[1]).every((x) => s.has(x));
} });
def('mv_sum', { min: 1, max: 1, args: ['num'], mv: true, ret: same(0), impl: (a, t) => {
  if (a[0] === null) return null;
  if ((t[0] === 'long' || t[0] === 'unsigned_long') && allIntegral(a[0])) {
    // exact: Java's long / unsigned 64-bit sums, overflow checked
    let s = 0n;
    for (const x of asList(a[0])) s += toBig(x as number | bigint);
    if (t[0] === 'long' ? s > LONG_MAX || s < LONG_MIN : s > UL_MAX) throw new EvalError(`java.lang.ArithmeticException: ${t[0]} overflow`);
    return normInt(s);
  }
  const sum = asList(a[0]).reduce<number>((s, x) => s + num(x), 0);
  if (t[0] === 'integer' && (sum > 2147483647 || sum < -2147483648)) throw new EvalError('java.lang.ArithmeticException: integer overflow');
  return sum;
} });
def('mv_avg', { min: 1, max: 1, args: ['num'], mv: true, ret: 'double', impl: (a) => {
  if (a[0] === null) return null;
  const l = asList(a[0]).map(num);
  return l.reduce((s, x) => s + x, 0) / l.length;
} });
def('mv_median', { min: 1, max: 1, args: ['num'], mv: true, ret: same(0), impl: (a, t) => {
  if (a[0] === null) return null;
  if ((t[0] === 'long' || t[0] === 'unsigned_long') && allIntegral(a[0])) {
    const l = asList(a[0]).map((x) => toBig(x as number | bigint)).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    const m = l.length >> 1;
    if (l.length % 2) return normInt(l[m]);
    const s = l[m - 1] + l[m];
    // the floor of the mean
    return normInt(s / 2n - (s < 0n && s % 2n !== 0n ? 1n : 0n));
  }
  const l = asList(a[0]).map(num).sort((x, y) => x - y);
  const m = l.length >> 1;
  if (l.length % 2) return l[m];
  const v = (l[m - 1] + l[m]) / 2;
  return t[0] === 'double' ? v : Math.floor(v);
} });
def('mv_zip', { min: 2, max: 3, args: ['str', 'str', 'str'], mv: true, ret: 'keyword', impl: (a) => {
  if (a[0] === null && a[1] === null) return null;
  const x = asList(a[0]);
  const y = asList(a[1]);
  if (a.length > 2 && a[2] === null) return null;
  const d = a.length > 2 ? String(a[2]) : ',';
  const out: string[] = [];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (i < x.length && i < y.length) out.push(`${x[i]}${d}${y[i]}`);
    else out.push(String(i < x.length ? x[i] : y[i]));
  }
  return fromList(out);
} });

/** MV_LIKE / MV_RLIKE: whether any value matches; a null field matches nothing (false, not null). */
function mvLikeFn(e: Expr & { type: 'function' }, ctx: CompileCtx): CExpr {
  if (e.args.length !== 2) typeError(ctx, `error building [${e.name}]: expects exactly 2 arguments, found ${e.args.length}`, e.location);
  const a = compileExpr(e.args[0], ctx);
  const p = compileExpr(e.args[1], ctx);
  if (!isString(a.type) && a.type !== 'unknown' && a.type !== 'null') {
    typeError(ctx, `first argument of [${text(ctx, e)}] must be [string], found value [${text(ctx, e.args[0])}] type [${a.type}]`, e.args[0].location);
  }
  const pat = constantValue(p);
  if (typeof pat !== 'string') typeError(ctx, `second argument of [${text(ctx, e)}] must be a constant string`, e.args[1].location);
  let test: (s: string) => boolean;
  try {
    if (e.name === 'mv_like') {
      const m = likeToRegex(pat);
      test = (s) => m.test(s);
    } else {
      const re = luceneToRegex(pat);
      test = (s) => re.test(s);
    }
  } catch (err) {
    if (isRegexError(err)) throw err.toQueryError(ctx.src, literalOffsets(ctx.src, e.args[1].location, pat));
    throw new QueryError(`invalid ${e.name.toUpperCase()} pattern: ${(err as Error).message}`, ctx.src, e.args[1].location.min, 'syntax');
  }
  return { type: 'boolean', constant: a.constant, ev: (r) => {
    const v = a.ev(r);
    if (v === null) return false;
    if (!Array.isArray(v)) return test(String(v));
    for (const x of v) if (test(String(x))) return true;
    return false;
  } };
}

// ---------- geo ----------
function point(v: unknown): [number, number] | undefined {
  const m = /^\s*POINT\s*\(\s*(-?[\d.eE+-]+)\s+(-?[\d.eE+-]+)\s*\)\s*$/i.exec(String(v));
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}
def('st_x', { min: 1, max: 1, args: ['any'], ret: 'double', impl: (a) => point(a[0])?.[0] ?? null });
def('st_y', { min: 1, max: 1, args: ['any'], ret: 'double', impl: (a) => point(a[0])?.[1] ?? null });
def('st_distance', { min: 2, max: 2, args: ['any', 'any'], ret: 'double', impl: (a) => {
  const p = point(a[0]);
  const q = point(a[1]);
  if (!p || !q) return null;
  const R = 6371008.7714;
  const rad = Math.PI / 180;
  const dLat = (q[1] - p[1]) * rad;
  const dLon = (q[0] - p[0]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(p[1] * rad) * Math.cos(q[1] * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
} });

function reverseGraphemes(s: string): string {
  const seg = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return [...seg.segment(s)].map((x) => x.segment).reverse().join('');
}

// ---------- dispatch ----------
const AGG_NAMES = new Set(['count', 'count_distinct', 'sum', 'avg', 'min', 'max', 'values', 'median', 'median_absolute_deviation', 'percentile', 'top', 'first', 'last', 'std_dev', 'variance', 'weighted_avg', 'sample', 'bucket_agg', 'std_var', 'present', 'absent']);

export function isAggregateName(n: string): boolean {
  return AGG_NAMES.has(n);
}

/** Parameter categories whose string literal arguments Elasticsearch converts at planning time. */
const AUTO_CAST: Partial<Record<Cat, XType>> = { date: 'date', int: 'integer', num: 'double' };

/** A string literal where a date or number is expected: converted once, or a positioned error. */
function autoCast(c: CExpr, node: Expr, to: XType | undefined, ctx: CompileCtx): CExpr {
  if (!to || node.type !== 'literal' || typeof node.value !== 'string') return c;
  let v: unknown;
  try {
    v = convertValue(node.value, to, 'keyword');
  } catch (err) {
    const target = to === 'date' ? 'DATETIME' : to.toUpperCase();
    return typeError(ctx, `Cannot convert string [${node.value}] to [${target}], error [${(err as Error).message.replace(/^[\w.]+: /, '')}]`, node.location);
  }
  return { type: to, constant: true, ev: () => v };
}

export function callFunction(e: Expr & { type: 'function' }, ctx: CompileCtx): CExpr {
  const name = e.name;
  const args = e.args;
  const site = warnSite(ctx.src, e.location);
  if (AGG_NAMES.has(name)) typeError(ctx, `aggregate function [${text(ctx, e)}] is only allowed in STATS`, e.location);
  switch (name) {
    case 'now':
      if (args.length) typeError(ctx, 'NOW takes no arguments', e.location);
      return { type: 'date', constant: true, ev: () => ctx.now };
    case 'case':
      return caseFn(e, ctx);
    case 'kql':
    case 'qstr':
      return kqlFn(e, ctx);
    case 'match':
    case 'match_phrase':
      return matchFn(e, ctx);
    case 'date_trunc':
    case 'bucket':
    case 'tbucket':
      return truncFn(e, ctx);
    case 'mv_like':
    case 'mv_rlike':
      return mvLikeFn(e, ctx);
  }
  if (name === 'to_ip' && args.length === 2) return toIpWithOptions(e, ctx);
  if (name === 'abs' && args.length === 1) {
    // Elasticsearch folds ABS of an unsigned_long to its argument (multi-values included)
    const c = compileExpr(args[0], ctx);
    if (c.type === 'unsigned_long') return c;
  }
  const conv = CONV_TARGET.get(name);
  if (conv) {
    if (args.length !== 1) typeError(ctx, `[${name.toUpperCase()}] takes exactly one argument`, e.location);
    return castTo(compileExpr(args[0], ctx), conv, ctx, e.location);
  }
  const d = REGISTRY.get(name);
  if (!d) throw new QueryError(`Unknown function [${name}]`, ctx.src, e.location.min, 'type');
  if (args.length < d.min || args.length > d.max) {
    typeError(ctx, `error building [${name}]: expects ${d.min === d.max ? `exactly ${d.min}` : `between ${d.min} and ${d.max}`} argument${d.max === 1 ? '' : 's'}, found ${args.length}`, e.location);
  }
  const cs = args.map((a, i) => autoCast(compileExpr(a, ctx), a, AUTO_CAST[d.args[Math.min(i, d.args.length - 1)]], ctx));
  cs.forEach((c, i) => {
    const cat = d.args[Math.min(i, d.args.length - 1)];
    if (c.type === 'unknown' || c.type === 'null' || cat === 'any') return;
    if (!CAT_OK[cat](c.type)) {
      const ord = ['first', 'second', 'third', 'fourth', 'fifth'][i] ?? `${i + 1}th`;
      typeError(ctx, `${ord} argument of [${text(ctx, e)}] must be [${CAT_NAME[cat]}], found value [${text(ctx, args[i])}] type [${c.type}]`, args[i].location);
    }
  });
  const types = cs.map((c) => c.type);
  const ret = typeof d.ret === 'function' ? d.ret(types) : d.ret;
  const evs = cs.map((c) => c.ev);
  const n = evs.length;
  const impl = d.impl;
  // runs for every row (and in the streaming prefilter): no closure per call
  const apply = (vals: unknown[]): unknown => {
    let r: unknown;
    try {
      r = impl(vals, types);
    } catch (err) {
      if (err instanceof EvalError || err instanceof ConvError) return warn(site, err.message);
      throw err;
    }
    if (r === WARN_MV) return warn(site, MV_WARNING);
    if (typeof r === 'number' && Number.isNaN(r)) return null;
    return r === undefined ? null : r;
  };
  const evf = d.mv
    ? (r: import('./expr.js').Row) => {
        const vals = new Array(n);
        for (let i = 0; i < n; i++) vals[i] = evs[i](r);
        return apply(vals);
      }
    : (r: import('./expr.js').Row) => {
        const vals = new Array(n);
        for (let i = 0; i < n; i++) {
          const v = evs[i](r);
          if (v === null) return null;
          if (Array.isArray(v)) return warn(site, MV_WARNING);
          vals[i] = v;
        }
        return apply(vals);
      };
  return { type: ret === 'text' ? 'keyword' : ret, constant: cs.every((c) => c.constant) && name !== 'rand', ev: evf };
}

/** TO_IP(s, {"leading_zeros": "reject" | "decimal" | "octal"}): how to read 010 in an IPv4 address. */
function toIpWithOptions(e: Expr & { type: 'function' }, ctx: CompileCtx): CExpr {
  const a = compileExpr(e.args[0], ctx);
  const opt = e.args[1];
  const map = opt.type === 'literal' && opt.value && typeof opt.value === 'object' ? (opt.value as { map?: Record<string, unknown> }).map : undefined;
  if (!map) typeError(ctx, `second argument of [${text(ctx, e)}] must be a map of options`, opt.location);
  for (const k of Object.keys(map)) if (k !== 'leading_zeros') typeError(ctx, `Invalid option [${k}] in [${text(ctx, e)}], expected one of [leading_zeros]`, opt.location);
  const mode = String(map.leading_zeros ?? 'reject');
  if (!['reject', 'decimal', 'octal'].includes(mode)) typeError(ctx, `Illegal leading_zeros [${mode}]`, opt.location);
  const read = (v: string): string | undefined => {
    if (mode !== 'reject' && /^\d+(\.\d+){3}$/.test(v)) {
      const parts = v.split('.').map((p) => (mode === 'octal' && p.length > 1 && p[0] === '0' ? (/^[0-7]+$/.test(p) ? parseInt(p, 8) : NaN) : parseInt(p, 10)));
      if (parts.every((n) => n >= 0 && n <= 255)) return parts.join('.');
      return undefined;
    }
    return normalizeIp(v);
  };
  const site = warnSite(ctx.src, e.location);
  return {
    type: 'ip',
    constant: a.constant,
    ev: (r) => {
      const v = a.ev(r);
      if (v === null) return null;
      const one = (x: unknown) => read(String(x)) ?? warn(site, `java.lang.IllegalArgumentException: '${String(x)}' is not an IP string literal.`);
      return Array.isArray(v) ? fromList(v.map(one).filter((x) => x !== null)) : one(v);
    },
  };
}

function caseFn(e: Expr & { type: 'function' }, ctx: CompileCtx): CExpr {
  const cs = e.args.map((a) => compileExpr(a, ctx));
  if (cs.length < 2) typeError(ctx, `error building [case]: expects at least two arguments`, e.location);
  const conds: CExpr[] = [];
  const vals: CExpr[] = [];
  for (let i = 0; i + 1 < cs.length; i += 2) {
    if (cs[i].type !== 'boolean' && cs[i].type !== 'null' && cs[i].type !== 'unknown') {
      typeError(ctx, `${ordinal(i)} argument of [${text(ctx, e)}] must be [boolean], found value [${text(ctx, e.args[i])}] type [${cs[i].type}]`, e.args[i].location);
    }
    conds.push(cs[i]);
    vals.push(cs[i + 1]);
  }
  const dflt = cs.length % 2 === 1 ? cs[cs.length - 1] : undefined;
  const all = dflt ? [...vals, dflt] : vals;
  let t: XType = 'null';
  for (const v of all) if (v.type !== 'null') {
    t = v.type === 'text' ? 'keyword' : v.type;
    break;
  }
  // a multi-valued condition counts as false (the next branch is tried), and says so
  const site = warnSite(ctx.src, e.location, 'false');
  return {
    type: t,
    constant: cs.every((c) => c.constant),
    ev: (r) => {
      for (let i = 0; i < conds.length; i++) {
        const c = conds[i].ev(r);
        if (Array.isArray(c)) {
          warn(site, MV_WARNING);
          continue;
        }
        if (c === true) return vals[i].ev(r);
      }
      return dflt ? dflt.ev(r) : null;
    },
  };
}

function ordinal(i: number): string {
  return ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'][i] ?? `${i + 1}th`;
}

function kqlFn(e: Expr & { type: 'function' }, ctx: CompileCtx): CExpr {
  const a = e.args[0];
  if (e.args.length < 1 || a.type !== 'literal' || typeof a.value !== 'string') typeError(ctx, `${e.name.toUpperCase()} expects a constant string query`, e.location);
  if (!ctx.docAvailable) typeError(ctx, `[${e.name.toUpperCase()}] function is only supported in WHERE commands that read the source documents`, e.location);
  if (e.name === 'qstr') throw new QueryError('QSTR (Lucene query string) is not supported offline', ctx.src, e.location.min, 'unsupported');
  const pred = kqlPredicate(a.value as string, ctx.now, (msg) => new QueryError(`KQL: ${msg}`, ctx.src, a.location.min, 'syntax'));
  return { type: 'boolean', constant: false, ev: (r) => (r.doc ? pred(r.doc) : null) };
}

/** DATE_TRUNC(interval, date) and the scalar form of BUCKET(date, span). */
function truncFn(e: Expr & { type: 'function' }, ctx: CompileCtx): CExpr {
  const site = warnSite(ctx.src, e.location);
  const tz = ctx.timeZone;
  if (e.name === 'date_trunc') {
    if (e.args.length !== 2) typeError(ctx, 'DATE_TRUNC expects an interval and a date', e.location);
    const iv = compileExpr(e.args[0], ctx);
    const d = autoCast(compileExpr(e.args[1], ctx), e.args[1], 'date', ctx);
    if (d.type !== 'date' && d.type !== 'date_nanos' && d.type !== 'unknown' && d.type !== 'null') {
      typeError(ctx, `second argument of [${text(ctx, e)}] must be [date_nanos or datetime], found value [${text(ctx, e.args[1])}] type [${d.type}]`, e.args[1].location);
    }
    const span = spanOf(iv, ctx, e.args[0]);
    return { type: 'date', constant: d.constant, ev: (r) => {
      const v = d.ev(r);
      if (v === null) return null;
      if (Array.isArray(v)) return warn(site, MV_WARNING);
      const ms = dateVal(v);
      return Number.isNaN(ms) ? null : inLocalTime(ms, tz, (l) => truncDate(l, span));
    } };
  }
  // BUCKET(field, span) or BUCKET(field, buckets, from, to)
  const f = compileExpr(e.args[0], ctx);
  if (e.args.length === 2) {
    const iv = compileExpr(e.args[1], ctx);
    if (f.type === 'date' || f.type === 'date_nanos' || iv.span) {
      const span = spanOf(iv, ctx, e.args[1]);
      return { type: 'date', constant: f.constant, ev: (r) => {
        const v = f.ev(r);
        if (v === null) return null;
        if (Array.isArray(v)) return warn(site, MV_WARNING);
        return inLocalTime(dateVal(v), tz, (l) => truncDate(l, span));
      } };
    }
    const w = num(iv.ev({ v: [] }));
    return { type: 'double', constant: f.constant, ev: (r) => {
      const v = f.ev(r);
      if (v === null) return null;
      if (Array.isArray(v)) return warn(site, MV_WARNING);
      return Math.floor(num(v) / w) * w;
    } };
  }
  if (e.args.length === 4) {
    const n = num(compileExpr(e.args[1], ctx).ev({ v: [] }));
    const fromC = compileExpr(e.args[2], ctx);
    const toC = compileExpr(e.args[3], ctx);
    const isDate = f.type === 'date' || f.type === 'date_nanos';
    if (isDate) {
      const from = dateVal(convertValue(fromC.ev({ v: [] }), 'date', fromC.type));
      const to = dateVal(convertValue(toC.ev({ v: [] }), 'date', toC.type));
      const span = pickDateSpan(n, from, to);
      return { type: 'date', constant: f.constant, ev: (r) => {
        const v = f.ev(r);
        if (v === null) return null;
        if (Array.isArray(v)) return warn(site, MV_WARNING);
        return inLocalTime(dateVal(v), tz, (l) => truncDate(l, span));
      } };
    }
    const from = num(fromC.ev({ v: [] }));
    const to = num(toC.ev({ v: [] }));
    const w = niceWidth((to - from) / n);
    return { type: 'double', constant: f.constant, ev: (r) => {
      const v = f.ev(r);
      if (v === null) return null;
      if (Array.isArray(v)) return warn(site, MV_WARNING);
      return Math.floor(num(v) / w) * w;
    } };
  }
  return typeError(ctx, 'BUCKET expects (field, span) or (field, buckets, from, to)', e.location);
}

function niceWidth(raw: number): number {
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

function pickDateSpan(n: number, from: number, to: number): { ms?: number; period?: string; n?: number } {
  const cands: { ms?: number; period?: string; n?: number; len: number }[] = [
    { ms: 1000, len: 1000 }, { ms: 60_000, len: 60_000 }, { ms: 600_000, len: 600_000 }, { ms: 3_600_000, len: 3_600_000 },
    { ms: 3 * 3_600_000, len: 3 * 3_600_000 }, { ms: 12 * 3_600_000, len: 12 * 3_600_000 },
    { period: 'day', n: 1, len: 86_400_000 }, { period: 'week', n: 1, len: 7 * 86_400_000 },
    { period: 'month', n: 1, len: 30 * 86_400_000 }, { period: 'quarter', n: 1, len: 91 * 86_400_000 }, { period: 'year', n: 1, len: 365 * 86_400_000 },
  ];
  for (const c of cands) if ((to - from) / c.len <= n) return c;
  return { period: 'year', n: 1 };
}

function spanOf(iv: CExpr, ctx: CompileCtx, node: Expr): { ms?: number; period?: string; n?: number } {
  if (!iv.constant) typeError(ctx, 'interval must be a constant', node.location);
  const v = iv.ev({ v: [] });
  if (iv.span) return v as { ms?: number; period?: string; n?: number };
  if (typeof v === 'string') {
    const m = /^\s*(\d+)\s*([A-Za-z]+)\s*$/.exec(v);
    const units: Record<string, string> = { millisecond: 'millisecond', milliseconds: 'millisecond', ms: 'millisecond', second: 'second', seconds: 'second', s: 'second', sec: 'second', minute: 'minute', minutes: 'minute', min: 'minute', hour: 'hour', hours: 'hour', h: 'hour', day: 'day', days: 'day', d: 'day', week: 'week', weeks: 'week', w: 'week', month: 'month', months: 'month', mo: 'month', quarter: 'quarter', quarters: 'quarter', q: 'quarter', year: 'year', years: 'year', y: 'year', yr: 'year' };
    const u = m && units[m[2].toLowerCase()];
    if (m && u) {
      const n = Number(m[1]);
      if (['day', 'week', 'month', 'quarter', 'year'].includes(u)) return { period: u, n };
      const ms: Record<string, number> = { millisecond: 1, second: 1000, minute: 60_000, hour: 3_600_000 };
      return { ms: n * ms[u] };
    }
  }
  return typeError(ctx, `Cannot convert string [${String(v)}] to [DATE_PERIOD or TIME_DURATION]`, node.location);
}

export { compareValues };
