/**
 * Multi-fields that detection rules query but documents never carry: `X.caseless` (keyword
 * with a lowercase normalizer) and `X.text` (standard-analysed text). Both are answered from X.
 */
import type { ValueTest } from './scalar.js';
import { globMatcher } from './glob.js';

export type FieldMode = 'keyword' | 'caseless' | 'text';

export function fieldMode(name: string): FieldMode {
  if (name.endsWith('.caseless')) return 'caseless';
  if (name.endsWith('.text')) return 'text';
  return 'keyword';
}

function scalarText(d: unknown): string | undefined {
  if (typeof d === 'string') return d;
  if (typeof d === 'number' || typeof d === 'boolean') return String(d);
  return undefined;
}

export function caselessLiteral(q: string): ValueTest {
  const lower = q.toLowerCase();
  return {
    extra: (d) => {
      const s = scalarText(d);
      return s !== undefined && s.toLowerCase() === lower;
    },
  };
}

/** Lowercased words: runs of letters and digits (a simplification of the standard tokenizer). */
export function words(s: string): string[] {
  return s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Quoted: the words must appear consecutively (match_phrase); unquoted: all must appear. */
export function textLiteral(q: string, phrase: boolean): ValueTest {
  const want = words(q);
  return {
    extra: (d) => {
      const s = scalarText(d);
      if (s === undefined) return false;
      const have = words(s);
      if (want.length === 0) return false;
      if (!phrase) return want.every((w) => have.includes(w));
      outer: for (let i = 0; i + want.length <= have.length; i++) {
        for (let j = 0; j < want.length; j++) if (have[i + j] !== want[j]) continue outer;
        return true;
      }
      return false;
    },
  };
}

/** A wildcard on a text field matches any single word, case-insensitively. */
export function textWildcard(segments: string[]): ValueTest {
  const glob = globMatcher(segments.map((s) => s.toLowerCase()));
  return {
    extra: (d) => {
      const s = scalarText(d);
      return s !== undefined && (glob(s.toLowerCase()) || words(s).some(glob));
    },
  };
}
