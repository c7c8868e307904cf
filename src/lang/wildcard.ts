/**
 * `*` / `?` wildcard matching without a regex engine. A translated regex (`[\s\S]*` per star)
 * backtracks polynomially on hostile input — many stars against a long near-miss string can
 * stall a hunt — while this two-pointer matcher is O(pattern × input) at worst and linear in
 * the usual case. Shared by ES|QL LIKE and EQL `:` / `like`.
 */
export interface Matcher {
  test(s: string): boolean;
}

const STAR = 0;
const ANY = 1;
type Token = string | typeof STAR | typeof ANY;

export function compileWildcard(pattern: string, opts: { caseInsensitive: boolean; escapes: boolean }): Matcher {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (opts.escapes && c === '\\' && i + 1 < pattern.length) tokens.push(fold(pattern[++i], opts.caseInsensitive));
    else if (c === '*') {
      if (tokens[tokens.length - 1] !== STAR) tokens.push(STAR);
    } else if (c === '?') tokens.push(ANY);
    else tokens.push(fold(c, opts.caseInsensitive));
  }
  const ci = opts.caseInsensitive;
  return { test: (s) => matchTokens(tokens, ci ? s.toLowerCase() : s) };
}

function fold(c: string, ci: boolean): string {
  return ci ? c.toLowerCase() : c;
}

function matchTokens(tok: readonly Token[], s: string): boolean {
  let p = 0;
  let i = 0;
  let star = -1;
  let mark = 0;
  while (i < s.length) {
    const t = tok[p];
    if (p < tok.length && (t === ANY || t === s[i])) {
      p++;
      i++;
    } else if (p < tok.length && t === STAR) {
      star = p++;
      mark = i;
    } else if (star !== -1) {
      p = star + 1;
      i = ++mark;
    } else {
      return false;
    }
  }
  while (p < tok.length && tok[p] === STAR) p++;
  return p === tok.length;
}
