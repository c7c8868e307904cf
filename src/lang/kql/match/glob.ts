/**
 * Anchored `*` glob over pre-split segments. Greedy-free: the first segment must be a prefix,
 * the last a suffix, and the middle ones are found left to right with indexOf, so matching is
 * linear-ish and cannot backtrack catastrophically.
 */
export type StringTest = (s: string) => boolean;

export function globMatcher(segments: string[]): StringTest {
  if (segments.length === 1) {
    const only = segments[0];
    return (s) => s === only;
  }
  const head = segments[0];
  const tail = segments[segments.length - 1];
  const middle = segments.slice(1, -1).filter((m) => m !== '');
  const minLen = head.length + tail.length;
  if (middle.length === 0) {
    if (head === '' && tail === '') return () => true;
    if (tail === '') return (s) => s.startsWith(head);
    if (head === '') return (s) => s.endsWith(tail);
    return (s) => s.length >= minLen && s.startsWith(head) && s.endsWith(tail);
  }
  return (s) => {
    if (s.length < minLen || !s.startsWith(head) || !s.endsWith(tail)) return false;
    let at = head.length;
    const stop = s.length - tail.length;
    for (const m of middle) {
      const found = s.indexOf(m, at);
      if (found < 0 || found + m.length > stop) return false;
      at = found + m.length;
    }
    return true;
  };
}

type PatternItem = { kind: 'star' } | { kind: 'any' } | { kind: 'char'; ch: string };

/**
 * Elasticsearch `wildcard` query pattern (`*` any run, `?` one character, backslash escapes).
 * Classic two-pointer matching that only ever backtracks to the last star: O(pattern × text)
 * in the worst case, never exponential.
 */
export function esWildcardMatcher(pattern: string, caseInsensitive: boolean): StringTest {
  const items: PatternItem[] = [];
  const chars = Array.from(caseInsensitive ? pattern.toLowerCase() : pattern);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === '\\' && i + 1 < chars.length) items.push({ kind: 'char', ch: chars[++i] });
    else if (ch === '*') {
      if (items.at(-1)?.kind !== 'star') items.push({ kind: 'star' });
    } else if (ch === '?') items.push({ kind: 'any' });
    else items.push({ kind: 'char', ch });
  }
  return (input) => {
    const text = Array.from(caseInsensitive ? input.toLowerCase() : input);
    let p = 0;
    let t = 0;
    let starP = -1;
    let starT = 0;
    while (t < text.length) {
      const it = items[p];
      if (it && (it.kind === 'any' || (it.kind === 'char' && it.ch === text[t]))) {
        p++;
        t++;
      } else if (it && it.kind === 'star') {
        starP = p++;
        starT = t;
      } else if (starP >= 0) {
        p = starP + 1;
        t = ++starT;
      } else {
        return false;
      }
    }
    while (items[p]?.kind === 'star') p++;
    return p === items.length;
  };
}
