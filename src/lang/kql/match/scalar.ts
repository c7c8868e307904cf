/**
 * Tests of one document scalar against one query value, with Kibana/Elasticsearch-like
 * coercion decided by the query text and the document value's JSON type.
 *
 * A test is split into `exact` (the string a document string must equal — the fast path, and
 * what value-list Sets are built from) and `extra` (every other way the value can match:
 * numbers, booleans, IP notations, CIDR, dates, wildcards). Either may be absent.
 */
import { parseTimestamp } from '../../../fields/index.js';
import { globMatcher } from './glob.js';
import { inCidr, mayBeIp, parseCidr, parseIp } from './ip.js';

export type ScalarTest = (v: unknown) => boolean;

export interface ValueTest {
  exact?: string;
  extra?: ScalarTest;
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function toNumber(s: string): number | undefined {
  // Most document strings are names and paths: reject them on the first character before the
  // regex (a number starts with a digit, a sign or a dot).
  const c = s.charCodeAt(0);
  if (!((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)) return undefined;
  if (!NUMERIC.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

function docIp(s: string): bigint | undefined {
  return mayBeIp(s) ? parseIp(s) : undefined;
}

/**
 * Tests of string literals, shared: the compiler and the discriminators both ask for each
 * value of a rule, and rules repeat values. A ValueTest is never changed after it is made.
 */
const literalTests = new Map<string, ValueTest>();

/** A literal query value: `foo`, `"foo"`, `42`, `true`, `null`, `10.0.0.0/8`. */
export function literalTest(value: string | boolean | null): ValueTest {
  if (typeof value !== 'string') return scalarLiteralTest(value);
  let t = literalTests.get(value);
  if (!t) {
    t = stringLiteralTest(value);
    literalTests.set(value, t);
  }
  return t;
}

function scalarLiteralTest(value: boolean | null): ValueTest {
  if (value === null) return { exact: 'null' };
  return { exact: String(value), extra: (d) => d === value };
}

function stringLiteralTest(q: string): ValueTest {
  const num = toNumber(q);
  const bool = q === 'true' ? true : q === 'false' ? false : undefined;
  const cidr = parseCidr(q);
  const ip = cidr ? undefined : parseIp(q);
  const date = /^\d{4}-\d{2}-\d{2}T/.test(q) ? parseTimestamp(q) : undefined;
  const extras: ScalarTest[] = [];
  const big = num !== undefined && !Number.isSafeInteger(num) && /^[+-]?\d+$/.test(q) ? BigInt(q) : undefined;
  if (big !== undefined) {
    // Beyond 2^53 doubles collide (…993 == …992): compare integers exactly.
    extras.push((d) => {
      if (typeof d === 'number') return Number.isInteger(d) && BigInt(d) === big;
      return typeof d === 'string' && /^[+-]?\d+$/.test(d) && BigInt(d) === big;
    });
  } else if (num !== undefined) {
    extras.push((d) => {
      if (typeof d === 'number') return d === num;
      if (typeof d === 'string') {
        const dn = toNumber(d);
        return dn !== undefined && dn === num;
      }
      return false;
    });
  }
  if (bool !== undefined) extras.push((d) => d === bool);
  if (cidr) {
    extras.push((d) => {
      if (typeof d !== 'string') return false;
      const a = docIp(d);
      return a !== undefined && inCidr(a, cidr);
    });
  }
  if (ip !== undefined) extras.push((d) => typeof d === 'string' && docIp(d) === ip);
  if (date !== undefined) {
    extras.push((d) => (typeof d === 'string' && /^\d{4}-/.test(d)) || typeof d === 'number' ? parseTimestamp(d) === date : false);
  }
  const day = /^\d{4}-\d{2}-\d{2}$/.test(q) ? parseTimestamp(`${q}T00:00:00Z`) : undefined;
  if (day !== undefined) {
    // Equality on a date field is a range covering the whole day (Kibana's `gte`/`lte` rounding).
    extras.push((d) => {
      if (!(typeof d === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(d))) return false;
      const t = parseTimestamp(d);
      return t !== undefined && t >= day && t < day + 86_400_000;
    });
  }
  return { exact: q, extra: anyOf(extras) };
}

/** An unquoted value with `*`: matched against the string form of strings, numbers, booleans. */
export function wildcardTest(segments: string[], lower = false): ValueTest {
  const glob = globMatcher(lower ? segments.map((s) => s.toLowerCase()) : segments);
  return {
    extra: (d) => {
      if (typeof d === 'string') return glob(lower ? d.toLowerCase() : d);
      if (typeof d === 'number' || typeof d === 'boolean') return glob(String(d));
      return false;
    },
  };
}

export function anyOf(tests: ScalarTest[]): ScalarTest | undefined {
  if (tests.length === 0) return undefined;
  if (tests.length === 1) return tests[0];
  return (d) => {
    for (const t of tests) if (t(d)) return true;
    return false;
  };
}

/** One scalar test from a ValueTest. */
export function toScalar(t: ValueTest): ScalarTest {
  const { exact, extra } = t;
  if (exact !== undefined && extra) return (d) => d === exact || extra(d);
  if (exact !== undefined) return (d) => d === exact;
  return extra ?? (() => false);
}

/** Several values OR-ed: one Set lookup for the exact strings, then the remaining coercions. */
export function unionTests(tests: ValueTest[]): ScalarTest {
  const exacts = new Set<string>();
  const extras: ScalarTest[] = [];
  for (const t of tests) {
    if (t.exact !== undefined) exacts.add(t.exact);
    if (t.extra) extras.push(t.extra);
  }
  const extra = anyOf(extras);
  if (exacts.size === 0) return extra ?? (() => false);
  if (!extra) return (d) => typeof d === 'string' && exacts.has(d);
  return (d) => (typeof d === 'string' && exacts.has(d)) || extra(d);
}

/**
 * True when any of the values returned by a field getter passes `test`. Nulls are skipped and
 * nested arrays searched, so raw getters (compileFieldRaw) need no flattening pass first.
 */
export function anyValue(v: unknown, test: ScalarTest): boolean {
  if (v === undefined || v === null) return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const e = v[i];
      if (e === null || e === undefined) continue;
      if (Array.isArray(e) ? anyValue(e, test) : test(e)) return true;
    }
    return false;
  }
  return test(v);
}
