import { parseIPv4 as parseDottedQuad } from '../ipv4.js';
import { toStr, type Val } from './values.js';

export type Ty = 'string' | 'number' | 'boolean' | 'any' | 'null';

export interface FnDef {
  params: Ty[];
  /** Minimum argument count (defaults to params.length). */
  min?: number;
  /** Repeat the last param type for any number of extra arguments. */
  variadic?: boolean;
  ret: Ty;
  /** Accepts the `~` case-insensitive form. */
  ciVariant: boolean;
  /** Evaluate with scalar args (arrays reach only functions that opt in). */
  fn: (args: Val[], ci: boolean) => Val;
  /** The function handles multi-valued args itself (otherwise: any-element for booleans). */
  raw?: boolean;
}

const isNull = (v: Val) => v === null || v === undefined;
const num = (v: Val): number | null => {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !isNaN(Number(v))) return Number(v);
  return null;
};
const s = (v: Val) => toStr(v);
const fold = (v: string, ci: boolean) => (ci ? v.toLowerCase() : v);

function arith(op: (a: number, b: number) => number, intDiv = false) {
  return (args: Val[]): Val => {
    const a = num(args[0]), b = num(args[1]);
    if (a === null || b === null) return null;
    if (intDiv) {
      if (b === 0) return null;
      if (Number.isInteger(a) && Number.isInteger(b)) return op === div ? Math.trunc(a / b) : a % b;
    }
    return op(a, b);
  };
}
const div = (a: number, b: number) => a / b;

/** A dotted IPv4 address as an unsigned 32-bit number, or null (leading zeros allowed). */
export function parseIPv4(ip: string): number | null {
  return parseDottedQuad(ip, true) ?? null;
}

function parseIPv6(ip: string): bigint | null {
  let str = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(str);
  if (v4) {
    const n = parseIPv4(v4[1]);
    if (n === null) return null;
    str = str.slice(0, -v4[1].length) + ((n >>> 16) & 0xffff).toString(16) + ':' + (n & 0xffff).toString(16);
  }
  const halves = str.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? fill !== 0 : fill < 0) return null;
  const parts = [...head, ...Array(halves.length === 2 ? fill : 0).fill('0'), ...tail];
  let out = 0n;
  for (const p of parts) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return null;
    out = (out << 16n) | BigInt(parseInt(p, 16));
  }
  return out;
}

export function cidrContains(ip: string, cidr: string): boolean {
  const [net, bitsStr] = cidr.split('/');
  const a4 = parseIPv4(ip), n4 = parseIPv4(net);
  if (a4 !== null && n4 !== null) {
    const bits = bitsStr === undefined ? 32 : Number(bitsStr);
    if (!(bits >= 0 && bits <= 32)) return false;
    if (bits === 0) return true;
    const mask = (~0 << (32 - bits)) >>> 0;
    return ((a4 & mask) >>> 0) === ((n4 & mask) >>> 0);
  }
  const a6 = parseIPv6(ip), n6 = parseIPv6(net);
  if (a6 === null || n6 === null) return false;
  const bits = BigInt(bitsStr === undefined ? 128 : Number(bitsStr));
  if (bits === 0n) return true;
  const shift = 128n - bits;
  return a6 >> shift === n6 >> shift;
}

/**
 * cidrContains over a constant CIDR list, with the CIDRs parsed once and the address once per
 * value (rules list up to ~30 private ranges). A dotted IPv4 address only ever matches IPv4
 * CIDRs and anything else only IPv6 ones, as in cidrContains.
 */
export function cidrMatcher(cidrs: readonly string[]): (ip: string) => boolean {
  const v4: { net: number; mask: number; all: boolean }[] = [];
  const v6: { net: bigint; shift: bigint; all: boolean }[] = [];
  for (const cidr of cidrs) {
    const [net, bitsStr] = cidr.split('/');
    const n4 = parseIPv4(net);
    if (n4 !== null) {
      const bits = bitsStr === undefined ? 32 : Number(bitsStr);
      if (!(bits >= 0 && bits <= 32)) continue;
      const mask = (~0 << (32 - bits)) >>> 0;
      v4.push({ net: (n4 & mask) >>> 0, mask, all: bits === 0 });
      continue;
    }
    const n6 = parseIPv6(net);
    const bits = bitsStr === undefined ? 128 : Number(bitsStr);
    // a non-integer prefix length can't be a BigInt: such a CIDR matches nothing
    if (n6 === null || !Number.isInteger(bits)) continue;
    const shift = 128n - BigInt(bits);
    v6.push({ net: n6 >> shift, shift, all: bits === 0 });
  }
  return (ip) => {
    const a4 = parseIPv4(ip);
    if (a4 !== null) {
      for (const c of v4) if (c.all || ((a4 & c.mask) >>> 0) === c.net) return true;
      return false;
    }
    if (v6.length === 0) return false;
    const a6 = parseIPv6(ip);
    if (a6 === null) return false;
    for (const c of v6) if (c.all || a6 >> c.shift === c.net) return true;
    return false;
  };
}

export const FUNCTIONS: Record<string, FnDef> = {
  add: { params: ['number', 'number'], ret: 'number', ciVariant: false, fn: arith((a, b) => a + b) },
  subtract: { params: ['number', 'number'], ret: 'number', ciVariant: false, fn: arith((a, b) => a - b) },
  multiply: { params: ['number', 'number'], ret: 'number', ciVariant: false, fn: arith((a, b) => a * b) },
  divide: { params: ['number', 'number'], ret: 'number', ciVariant: false, fn: arith(div, true) },
  modulo: { params: ['number', 'number'], ret: 'number', ciVariant: false, fn: arith((a, b) => a % b, true) },
  between: {
    params: ['string', 'string', 'string', 'boolean'], min: 3, ret: 'string', ciVariant: true,
    fn: ([src, l, r, greedy], ci) => {
      const a = s(src), b = s(l), c = s(r);
      if (a === null || b === null || c === null) return null;
      const fa = fold(a, ci), fb = fold(b, ci), fc = fold(c, ci);
      const i = fa.indexOf(fb);
      if (i < 0) return '';
      const from = i + fb.length;
      const j = greedy === true ? fa.lastIndexOf(fc) : fa.indexOf(fc, from);
      if (j < from) return '';
      return a.slice(from, j);
    },
  },
  cidrMatch: {
    params: ['string', 'string'], variadic: true, ret: 'boolean', ciVariant: false,
    fn: (args) => {
      const ip = s(args[0]);
      if (ip === null) return null;
      return args.slice(1).some((c) => typeof c === 'string' && cidrContains(ip, c));
    },
  },
  concat: {
    params: ['any'], variadic: true, min: 1, ret: 'string', ciVariant: false,
    fn: (args) => {
      let out = '';
      for (const a of args) { const v = s(a); if (v === null) return null; out += v; }
      return out;
    },
  },
  endsWith: { params: ['string', 'string'], ret: 'boolean', ciVariant: true, fn: ([a, b], ci) => (isNull(a) || isNull(b) ? null : fold(s(a)!, ci).endsWith(fold(s(b)!, ci))) },
  startsWith: { params: ['string', 'string'], ret: 'boolean', ciVariant: true, fn: ([a, b], ci) => (isNull(a) || isNull(b) ? null : fold(s(a)!, ci).startsWith(fold(s(b)!, ci))) },
  stringContains: { params: ['string', 'string'], ret: 'boolean', ciVariant: true, fn: ([a, b], ci) => (isNull(a) || isNull(b) ? null : fold(s(a)!, ci).includes(fold(s(b)!, ci))) },
  indexOf: {
    params: ['string', 'string', 'number'], min: 2, ret: 'number', ciVariant: true,
    fn: ([a, b, st], ci) => {
      if (isNull(a) || isNull(b)) return null;
      const start = isNull(st) ? 0 : num(st);
      if (start === null) return null;
      const i = fold(s(a)!, ci).indexOf(fold(s(b)!, ci), Math.max(0, start));
      return i < 0 ? null : i;
    },
  },
  length: { params: ['string'], ret: 'number', ciVariant: false, fn: ([a]) => (isNull(a) ? null : s(a)!.length) },
  number: {
    params: ['string', 'number'], min: 1, ret: 'number', ciVariant: false,
    fn: ([a, base]) => {
      if (isNull(a)) return null;
      if (typeof a === 'number') return a;
      let str = s(a)!.trim();
      let b = isNull(base) ? 10 : num(base)!;
      let neg = false;
      if (str.startsWith('-')) { neg = true; str = str.slice(1); } else if (str.startsWith('+')) str = str.slice(1);
      if ((b === 16 || isNull(base)) && /^0x/i.test(str)) { b = 16; str = str.slice(2); }
      let v: number;
      if (b === 10) { if (!/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(str)) return null; v = Number(str); }
      else {
        const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, b);
        if (!str || [...str.toLowerCase()].some((c) => !digits.includes(c))) return null;
        v = parseInt(str, b);
      }
      return neg ? -v : v;
    },
  },
  string: { params: ['any'], ret: 'string', ciVariant: false, fn: ([a]) => s(a) },
  substring: {
    params: ['string', 'number', 'number'], min: 2, ret: 'string', ciVariant: false,
    fn: ([a, st, en]) => {
      if (isNull(a)) return null;
      const str = s(a)!;
      const len = str.length;
      let b = num(st) ?? 0;
      let e = isNull(en) ? len : (num(en) ?? len);
      if (b < 0) b = Math.max(0, len + b);
      if (e < 0) e = Math.max(0, len + e);
      return str.slice(Math.min(b, len), Math.min(e, len));
    },
  },
};

const BY_LOWER = new Map(Object.entries(FUNCTIONS).map(([k, v]) => [k.toLowerCase(), [k, v] as const]));

/** Endgame functions that Elasticsearch EQL lacks. */
export const ENDGAME_ONLY = new Set(['arraycontains', 'arraysearch', 'arraycount', 'safe', 'wildcard', 'echo', 'reverse', 'descendant', 'child']);

export function lookupFunction(name: string): readonly [string, FnDef] | undefined {
  return BY_LOWER.get(name.toLowerCase());
}
