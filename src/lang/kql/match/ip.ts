import { parseIPv4 } from '../../ipv4.js';

/**
 * IP addresses as 128-bit integers (IPv4 mapped into ::ffff:0:0/96, as Elasticsearch stores
 * them), so `10.0.0.1`, `::ffff:10.0.0.1` and differently compressed IPv6 forms compare equal.
 */
const V4_MAPPED = 0xffffn << 32n;

function parseV4(s: string): bigint | undefined {
  const n = parseIPv4(s, true);
  return n === undefined ? undefined : BigInt(n);
}

function parseV6(s: string): bigint | undefined {
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  let tailV4: bigint | undefined;
  const lastColon = s.lastIndexOf(':');
  if (lastColon >= 0 && s.indexOf('.', lastColon) > 0) {
    tailV4 = parseV4(s.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    s = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  let out = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    out = (out << 16n) | BigInt(parseInt(g, 16));
  }
  if (tailV4 !== undefined) out = (out & ~0xffffffffn) | tailV4;
  return out;
}

/** The address as a 128-bit integer, or undefined when `s` is not an IP. */
export function parseIp(s: string): bigint | undefined {
  if (s.length < 2 || s.length > 45) return undefined;
  if (s.includes(':')) return parseV6(s);
  const v4 = parseV4(s);
  return v4 === undefined ? undefined : V4_MAPPED | v4;
}

export interface Cidr {
  base: bigint;
  mask: bigint;
}

/** `10.0.0.0/8`, `fe80::/10` → network and mask in the 128-bit space; undefined otherwise. */
export function parseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const addr = s.slice(0, slash);
  const bitsText = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText)) return undefined;
  const ip = parseIp(addr);
  if (ip === undefined) return undefined;
  let bits = Number(bitsText);
  if (!addr.includes(':')) {
    if (bits > 32) return undefined;
    bits += 96;
  }
  if (bits > 128) return undefined;
  const mask = bits === 0 ? 0n : ((1n << BigInt(bits)) - 1n) << BigInt(128 - bits);
  return { base: ip & mask, mask };
}

export function inCidr(ip: bigint, cidr: Cidr): boolean {
  return (ip & cidr.mask) === cidr.base;
}

/** Cheap pre-check before parsing a document string as an IP. */
export function mayBeIp(s: string): boolean {
  if (s.length < 2 || s.length > 45) return false;
  const c = s.charCodeAt(0);
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === 58;
}
