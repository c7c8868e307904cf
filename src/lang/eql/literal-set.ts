import type { Lit } from './ast.js';
import { asDate, type Val } from './values.js';

/**
 * `scalarEq(x, lit, ci)` against every literal of a constant list, for one scalar event value x,
 * answered with one Set lookup in the common case (a string event value). The coercions of
 * scalarEq are folded into the sets ahead of time, so they cost nothing per event:
 *  - number x: equal to a number literal, or to a string literal read as a number or date;
 *  - boolean x: equal to a boolean literal, or to "true"/"false" in any case;
 *  - string x: the string sets, then (only if such literals exist) number and boolean literals.
 */
export function literalSet(values: readonly Lit[], ci: boolean): (x: Val) => boolean {
  const strs = new Set<string>();
  const nums = new Set<number>();
  const numLits: number[] = [];
  let boolTrue = false, boolFalse = false;
  let litTrue = false, litFalse = false;
  for (const v of values) {
    if (typeof v === 'string') {
      strs.add(ci ? v.toLowerCase() : v);
      const n = asDate(v);
      if (n !== undefined && !Number.isNaN(n)) nums.add(n);
      const l = v.toLowerCase();
      if (l === 'true') boolTrue = true;
      else if (l === 'false') boolFalse = true;
    } else if (typeof v === 'number') {
      nums.add(v);
      numLits.push(v);
    } else if (v === true) { boolTrue = litTrue = true; }
    else if (v === false) { boolFalse = litFalse = true; }
  }
  const strOnly = numLits.length === 0 && !litTrue && !litFalse;
  const single = strs.size === 1 ? [...strs][0] : undefined;
  const strHit = single !== undefined
    ? (ci ? (x: string) => x.toLowerCase() === single : (x: string) => x === single)
    : (ci ? (x: string) => strs.has(x.toLowerCase()) : (x: string) => strs.has(x));
  return (x) => {
    if (typeof x === 'string') {
      if (strHit(x)) return true;
      if (strOnly) return false;
      if (numLits.length) { const n = asDate(x); if (n !== undefined && numLits.includes(n)) return true; }
      if (litTrue || litFalse) { const l = x.toLowerCase(); if ((litTrue && l === 'true') || (litFalse && l === 'false')) return true; }
      return false;
    }
    if (typeof x === 'number') return nums.has(x);
    if (typeof x === 'boolean') return x ? boolTrue : boolFalse;
    return false;
  };
}
