import { parseTimestamp } from '../../fields/timestamp.js';
import { normalizeIp, parseExactInteger, type XType } from './types.js';

/** A document value (already normalised: scalars, multi-value arrays, null) as a column of type `t`. */
export function convertDocValue(v: unknown, t: XType): unknown {
  if (v === null) return null;
  if (t === 'date' || t === 'date_nanos') {
    if (Array.isArray(v)) {
      const out = v.map((x) => parseTimestamp(x)).filter((x): x is number => x !== undefined);
      return out.length === 0 ? null : out.length === 1 ? out[0] : out;
    }
    return parseTimestamp(v) ?? null;
  }
  if (t === 'ip') {
    const one = (x: unknown) => (typeof x === 'string' ? normalizeIp(x) : undefined);
    if (Array.isArray(v)) {
      const out = v.map(one).filter((x): x is string => x !== undefined);
      return out.length === 0 ? null : out.length === 1 ? out[0] : out;
    }
    return one(v) ?? null;
  }
  if (t === 'integer' || t === 'long' || t === 'double' || t === 'unsigned_long') {
    // integers beyond 2^53 arrive as their exact text (the reader keeps them so): exact bigints
    const one = (x: unknown) => (typeof x === 'string' && x.trim() !== '' ? (t !== 'double' ? parseExactInteger(x) : undefined) ?? Number(x) : x);
    return Array.isArray(v) ? v.map(one) : one(v);
  }
  if (t === 'boolean') {
    const one = (x: unknown) => (typeof x === 'string' ? x === 'true' : x);
    return Array.isArray(v) ? v.map(one) : one(v);
  }
  if (t === 'keyword' || t === 'text' || t === 'version') {
    const one = (x: unknown) => (typeof x === 'string' ? x : typeof x === 'object' ? JSON.stringify(x) : String(x));
    return Array.isArray(v) ? v.map(one) : one(v);
  }
  return v;
}
