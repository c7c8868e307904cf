/**
 * Leaf predicates specialised by what the value test needs. Most leaves of detection rules
 * compare a keyword field with one or a few plain strings; for those the predicate compares
 * strings inline instead of calling a generic per-value test, and allocates nothing.
 *
 * Getters here are raw (compileFieldRaw): an array may hold nulls (never equal to a string)
 * and nested arrays, which are searched recursively.
 */
import type { FieldGetter } from '../../../fields/index.js';
import { anyValue, type ScalarTest, type ValueTest } from '../match/scalar.js';
import type { DocPredicate } from './context.js';

/** Up to this many strings, a chain of comparisons beats hashing the document string. */
const SMALL_SET = 4;

function hasOne(v: unknown, want: string): boolean {
  if (v === want) return true;
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) {
    const e = v[i];
    if (e === want || (Array.isArray(e) && hasOne(e, want))) return true;
  }
  return false;
}

function hasTwo(v: unknown, a: string, b: string): boolean {
  if (v === a || v === b) return true;
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) {
    const e = v[i];
    if (e === a || e === b || (Array.isArray(e) && hasTwo(e, a, b))) return true;
  }
  return false;
}

function hasString(v: unknown, test: (s: string) => boolean): boolean {
  if (typeof v === 'string') return test(v);
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (hasString(v[i], test)) return true;
  return false;
}

/** `field` has one of `values` (exact strings) or a value passing `extra`. */
export function leafPredicate(get: FieldGetter, values: readonly string[], extra: ScalarTest | undefined): DocPredicate {
  if (extra) {
    if (values.length === 0) return (doc) => anyValue(get(doc), extra);
    const has = stringTest(values);
    const test: ScalarTest = (d) => (typeof d === 'string' && has(d)) || extra(d);
    return (doc) => anyValue(get(doc), test);
  }
  switch (values.length) {
    case 0:
      return () => false;
    case 1: {
      const want = values[0];
      return (doc) => hasOne(get(doc), want);
    }
    case 2: {
      const [a, b] = values;
      return (doc) => hasTwo(get(doc), a, b);
    }
    default: {
      const has = stringTest(values);
      return (doc) => hasString(get(doc), has);
    }
  }
}

function stringTest(values: readonly string[]): (s: string) => boolean {
  if (values.length <= SMALL_SET) {
    const list = [...values];
    return (s) => {
      for (let i = 0; i < list.length; i++) if (list[i] === s) return true;
      return false;
    };
  }
  const set = new Set(values);
  return (s) => set.has(s);
}

/** The predicate for a field read and one ValueTest. */
export function valuePredicate(get: FieldGetter, t: ValueTest): DocPredicate {
  return leafPredicate(get, t.exact === undefined ? [] : [t.exact], t.extra);
}

/** The predicate for a field read and several OR-ed ValueTests (one read, one string test). */
export function unionPredicate(get: FieldGetter, tests: readonly ValueTest[]): DocPredicate {
  const values = new Set<string>();
  const extras: ScalarTest[] = [];
  for (const t of tests) {
    if (t.exact !== undefined) values.add(t.exact);
    if (t.extra) extras.push(t.extra);
  }
  const extra =
    extras.length === 0
      ? undefined
      : extras.length === 1
        ? extras[0]
        : (d: unknown) => {
            for (let i = 0; i < extras.length; i++) if (extras[i](d)) return true;
            return false;
          };
  return leafPredicate(get, [...values], extra);
}
