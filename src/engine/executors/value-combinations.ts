import { toValues, type FieldGetter } from '../../fields/index.js';

/**
 * Every combination of the fields' scalar values (arrays contribute each distinct element), in
 * field order; empty when any field is missing — new_terms and threshold group this way.
 */
export function valueCombinations(getters: readonly FieldGetter[], doc: Record<string, unknown>): unknown[][] {
  if (getters.length === 1) {
    // One field holding one scalar, the usual case (threshold rules fold every kept event).
    const v = getters[0](doc);
    if (v === undefined || v === null) return [];
    if (typeof v !== 'object') return [[v]];
  }
  let out: unknown[][] = [[]];
  for (const get of getters) {
    const values = [...new Set(toValues(get(doc)).filter((v) => typeof v !== 'object'))];
    if (values.length === 0) return [];
    out = out.flatMap((prefix) => values.map((v) => [...prefix, v]));
  }
  return out;
}
