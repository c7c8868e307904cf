/** ES|QL data types and runtime value helpers. */
import { parseIPv4 } from '../ipv4.js';

export type EsqlType =
  | 'keyword'
  | 'text'
  | 'long'
  | 'integer'
  | 'double'
  | 'boolean'
  | 'date'
  | 'ip'
  | 'version'
  | 'unsigned_long'
  | 'date_nanos'
  | 'null'
  | 'geo_point'
  | 'date_period'
  | 'time_duration'
  | 'aggregate_metric_double'
  | 'unsupported';

/**
 * Compile-time type of an expression. `unknown` is a document field whose type is known only from
 * its JSON values (strings, integers, floats, booleans); operations on it dispatch at run time.
 */
export type XType = EsqlType | 'unknown';

export const NUMERIC = new Set<XType>(['integer', 'long', 'double', 'unsigned_long']);
export const STRINGY = new Set<XType>(['keyword', 'text']);

export function isNumeric(t: XType): boolean {
  return NUMERIC.has(t);
}
export function isString(t: XType): boolean {
  return t === 'keyword' || t === 'text';
}

/** Widest numeric type of two. */
export function widenNumeric(a: XType, b: XType): XType {
  if (a === 'unknown' || b === 'unknown') return 'unknown';
  if (a === 'double' || b === 'double') return 'double';
  if (a === 'unsigned_long' || b === 'unsigned_long') return 'unsigned_long';
  if (a === 'long' || b === 'long') return 'long';
  return 'integer';
}

/** Runtime type of a JS value coming from a document. */
export function runtimeType(v: unknown): EsqlType {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return v.length ? runtimeType(v[0]) : 'null';
  switch (typeof v) {
    case 'string':
      return 'keyword';
    case 'number':
      return Number.isInteger(v) ? 'long' : 'double';
    case 'boolean':
      return 'boolean';
    case 'bigint':
      return 'long';
    default:
      return 'keyword';
  }
}

// ---------- long / unsigned_long beyond 2^53 ----------
/*
 * long and unsigned_long values are JS numbers while they are safe integers (|v| <= 2^53 - 1) and
 * bigints only beyond: the common values stay on the fast number paths, and a bigint always means
 * "outside the safe range" (one canonical form, so === and Map keys still work).
 */
export const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);
export const LONG_MIN = -(2n ** 63n);
export const LONG_MAX = 2n ** 63n - 1n;
export const UL_MAX = 2n ** 64n - 1n;

/** The canonical form of an exact integer: a number when safe, else the bigint. */
export function normInt(b: bigint): number | bigint {
  return b <= MAX_SAFE_BIG && b >= -MAX_SAFE_BIG ? Number(b) : b;
}

/** An integral number or bigint as a bigint. */
export function toBig(v: number | bigint): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

/** Decimal integer text as an exact integer (canonical form), or undefined when it is not one. */
export function parseExactInteger(s: string): number | bigint | undefined {
  const t = s.trim();
  if (!/^[+-]?\d+$/.test(t)) return undefined;
  return t.length <= 15 ? Number(t) : normInt(BigInt(t));
}

// ---------- IP ----------
/** Parse an IPv4/IPv6 address to 16 bytes (IPv4 mapped), or undefined. */
export function parseIp(s: string): Uint8Array | undefined {
  if (s.includes(':')) return parseIp6(s);
  const v4 = parseIp4(s);
  if (!v4) return undefined;
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(v4, 12);
  return out;
}

/** A dotted IPv4 address as its 4 bytes, or undefined: no leading zeros (Elasticsearch rejects `01.2.3.4`). */
export function parseIp4(s: string): Uint8Array | undefined {
  const n = parseIPv4(s, false);
  if (n === undefined) return undefined;
  return Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

function parseIp6(s: string): Uint8Array | undefined {
  const pct = s.indexOf('%');
  if (pct >= 0) s = s.slice(0, pct);
  const out = new Uint8Array(16);
  let tail4: Uint8Array | undefined;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    tail4 = parseIp4(s.slice(lastColon + 1));
    if (!tail4) return undefined;
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = s.indexOf('::');
  let head: string[];
  let tail: string[];
  if (dbl >= 0) {
    if (s.indexOf('::', dbl + 1) >= 0) return undefined;
    head = s.slice(0, dbl) ? s.slice(0, dbl).split(':') : [];
    tail = s.slice(dbl + 2) ? s.slice(dbl + 2).split(':') : [];
    if (head.length + tail.length > 7) return undefined;
  } else {
    head = s.split(':');
    tail = [];
    if (head.length !== 8) return undefined;
  }
  const groups = [...head, ...new Array(8 - head.length - tail.length).fill('0'), ...tail];
  for (let i = 0; i < 8; i++) {
    const g = groups[i];
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    const n = parseInt(g, 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 255;
  }
  if (tail4) out.set(tail4, 12);
  return out;
}

export function formatIp(b: Uint8Array): string {
  let v4 = b[10] === 0xff && b[11] === 0xff;
  for (let i = 0; i < 10 && v4; i++) if (b[i] !== 0) v4 = false;
  if (v4) return `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[i * 2] << 8) | b[i * 2 + 1]);
  // longest run of zeros (length >= 2) compressed
  let bs = -1;
  let bl = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bl && j - i >= 2) {
      bs = i;
      bl = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bs < 0) return hex.join(':');
  return `${hex.slice(0, bs).join(':')}::${hex.slice(bs + bl).join(':')}`;
}

/** Canonical text of an IP, or undefined when not an IP. */
export function normalizeIp(s: string): string | undefined {
  const b = parseIp(s);
  return b ? formatIp(b) : undefined;
}

const ipCache = new Map<string, Uint8Array | undefined>();
export function ipBytes(s: string): Uint8Array | undefined {
  let b = ipCache.get(s);
  if (b === undefined && !ipCache.has(s)) {
    b = parseIp(s);
    if (ipCache.size > 10000) ipCache.clear();
    ipCache.set(s, b);
  }
  return b;
}

export function compareIp(a: string, b: string): number {
  const x = ipBytes(a);
  const y = ipBytes(b);
  if (!x || !y) return a < b ? -1 : a > b ? 1 : 0;
  for (let i = 0; i < 16; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

// ---------- version ----------
export function compareVersion(a: string, b: string): number {
  const pa = splitVersion(a);
  const pb = splitVersion(b);
  // valid semver-ish sort before invalid ones
  if (pa.valid !== pb.valid) return pa.valid ? -1 : 1;
  if (!pa.valid) return a < b ? -1 : a > b ? 1 : 0;
  const n = Math.max(pa.nums.length, pb.nums.length);
  for (let i = 0; i < n; i++) {
    const x = pa.nums[i];
    const y = pb.nums[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  if (pa.pre === pb.pre) return 0;
  if (pa.pre === undefined) return 1;
  if (pb.pre === undefined) return -1;
  const xs = pa.pre.split('.');
  const ys = pb.pre.split('.');
  for (let i = 0; i < Math.max(xs.length, ys.length); i++) {
    const x = xs[i];
    const y = ys[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    if (xn && yn) {
      const d = Number(x) - Number(y);
      if (d) return d < 0 ? -1 : 1;
    } else if (xn) return -1;
    else if (yn) return 1;
    else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function splitVersion(v: string): { valid: boolean; nums: number[]; pre?: string } {
  const m = /^(\d+(?:\.\d+)*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(v);
  if (!m) return { valid: false, nums: [] };
  return { valid: true, nums: m[1].split('.').map(Number), pre: m[2] };
}

// ---------- dates ----------
export function formatDate(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  const iso = d.toISOString();
  const y = d.getUTCFullYear();
  if (y >= 0 && y <= 9999) return iso;
  // Java prints years outside 0000–9999 with a sign and at least four digits; JS with six
  const rest = iso.slice(iso.indexOf('-', 1));
  return `${y < 0 ? '-' : '+'}${String(Math.abs(y)).padStart(4, '0')}${rest}`;
}

// ---------- generic comparison ----------
/** Compare two non-null single values of the same type. */
export function compareValues(a: unknown, b: unknown, t: XType): number {
  if (t === 'ip' && typeof a === 'string' && typeof b === 'string') return compareIp(a, b);
  if (t === 'version' && typeof a === 'string' && typeof b === 'string') return compareVersion(a, b);
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : Number.isNaN(b) ? -1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return compareUtf8(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  // exact integers beyond 2^53 against numbers: JS compares bigint and number exactly
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
    return a < b ? -1 : a > b ? 1 : a == b ? 0 : typeof a === 'number' && Number.isNaN(a) ? 1 : -1;
  }
  // mixed runtime types (unknown columns): order by type name then value
  const ta = typeof a;
  const tb = typeof b;
  if (ta !== tb) return ta < tb ? -1 : 1;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Elasticsearch orders keywords by their UTF-8 bytes, which is code point order. */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // surrogate pairs sort above the BMP private/other ranges
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

export function isMulti(v: unknown): v is unknown[] {
  return Array.isArray(v);
}

/** Normalise a document value: one-element arrays become scalars, empty arrays null. */
export function normalizeValue(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (Array.isArray(v)) {
    if (v.length === 0) return null;
    if (v.length === 1) return normalizeValue(v[0]);
    return v;
  }
  return v;
}
