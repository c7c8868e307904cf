import { compileWildcard, type Matcher } from '../wildcard.js';

/**
 * Constant `*`/`?` patterns (EQL `:`, `like`, `like~`) as one test per string. Rules list dozens of
 * patterns per field; testing each through its own matcher folded the value once per pattern.
 * Here the value is folded once, and most patterns never reach a matcher: plain strings go to a
 * Set, `abc*`, `*abc` and `*abc*` to startsWith / endsWith / includes.
 */
export function wildcardSet(patterns: readonly string[], ci: boolean): (s: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [], suffixes: string[] = [], infixes: string[] = [];
  const folded: Matcher[] = [];
  const raw: Matcher[] = [];
  for (const p of patterns) {
    // Matchers fold the pattern char by char, the fast paths fold whole strings: outside ASCII
    // the two can disagree (dotted I, final sigma), so such patterns keep their own matcher.
    if (ci && !/^[\x00-\x7f]*$/.test(p)) { raw.push(compileWildcard(p, { caseInsensitive: true, escapes: false })); continue; }
    const q = ci ? p.toLowerCase() : p;
    const body = q.replace(/^\*|\*$/g, '');
    const plain = !/[*?]/.test(body);
    const lead = q.startsWith('*'), trail = q.length > 1 && q.endsWith('*');
    if (q === '*') prefixes.push('');
    else if (plain && !lead && !trail) exact.add(q);
    else if (plain && !lead) prefixes.push(body);
    else if (plain && !trail) suffixes.push(body);
    else if (plain) infixes.push(body);
    else folded.push(compileWildcard(q, { caseInsensitive: false, escapes: false }));
  }
  const needFold = ci && exact.size + prefixes.length + suffixes.length + infixes.length + folded.length > 0;
  return (s) => {
    const v = needFold ? s.toLowerCase() : s;
    if (exact.has(v)) return true;
    for (let i = 0; i < prefixes.length; i++) if (v.startsWith(prefixes[i])) return true;
    for (let i = 0; i < suffixes.length; i++) if (v.endsWith(suffixes[i])) return true;
    for (let i = 0; i < infixes.length; i++) if (v.includes(infixes[i])) return true;
    for (let i = 0; i < folded.length; i++) if (folded[i].test(v)) return true;
    for (let i = 0; i < raw.length; i++) if (raw[i].test(s)) return true;
    return false;
  };
}

/** Several anchored regexes as one test. */
export function regexSet(res: readonly { test(s: string): boolean }[]): (s: string) => boolean {
  if (res.length === 1) { const r = res[0]; return (s) => r.test(s); }
  return (s) => {
    for (let i = 0; i < res.length; i++) if (res[i].test(s)) return true;
    return false;
  };
}
