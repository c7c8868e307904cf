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
