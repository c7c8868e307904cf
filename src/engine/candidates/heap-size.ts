/**
 * Approximate V8 heap bytes held by a parsed JSON value. Events carry no raw line length, so
 * candidates are weighed by walking the document: calibrated on Defend events and tiny
 * documents, it lands within ~20% of measured heap growth, erring high (spilling a little early
 * is cheap; under-counting could run out of memory). Keys are interned strings, so only the
 * property slot counts.
 */
export function approxHeapBytes(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return 16 + value.length;
    case 'number':
      return 8;
    case 'object': {
      if (value === null) return 0;
      if (Array.isArray(value)) {
        let n = 16 + 8 * value.length;
        for (const v of value) n += approxHeapBytes(v);
        return n;
      }
      let n = 24;
      for (const k in value) n += 8 + approxHeapBytes((value as Record<string, unknown>)[k]);
      return n;
    }
    default:
      return 0;
  }
}

/** The candidate wrapper itself (provenance, time, object header) on top of its document. */
export const CANDIDATE_OVERHEAD = 64;

/** Documents weighed exactly before the mean of the sample stands in for the rest. */
const WEIGH_FIRST = 64;
/** Past the first ones, one document in this many is weighed. */
const WEIGH_EVERY = 32;

/**
 * Approximate heap bytes of a stream of candidates' documents: for a scanner's budget, or the
 * state-budget warning of a rule's window. Walking every document costs more than keeping it
 * (measured: most of a threshold rule's time; ~2 % of a corpus hunt in the scanner), so past the
 * first few only a sample is weighed and the others count as the sample's mean.
 */
export function sampledWeigher(): (doc: Record<string, unknown>) => number {
  let seen = 0;
  let weighed = 0;
  let total = 0;
  return (doc) => {
    if (seen++ < WEIGH_FIRST || seen % WEIGH_EVERY === 0) {
      const bytes = approxHeapBytes(doc) + CANDIDATE_OVERHEAD;
      weighed++;
      total += bytes;
      return bytes;
    }
    return total / weighed;
  };
}
