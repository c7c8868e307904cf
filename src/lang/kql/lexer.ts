/**
 * KQL lexer. KQL is whitespace-sensitive: an unquoted value may contain spaces and only
 * ` and `, ` or `, ` not ` (keywords with whitespace on both sides) or a special character end
 * it. The lexer therefore scans a whole unquoted run at once, decoding escapes and noting
 * unescaped `*` wildcards.
 */
import { QueryError } from '../query-error.js';

export type TokenKind =
  | 'lparen'
  | 'rparen'
  | 'lbrace'
  | 'rbrace'
  | 'colon'
  | 'range'
  | 'quoted'
  | 'unquoted'
  | 'or'
  | 'and'
  | 'not'
  /** A `"` with no closing quote: the parser reports it where a value was expected. */
  | 'unterminated'
  | 'eof';

export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  /** Whitespace directly before the token. */
  spaceBefore: boolean;
  /** Decoded text for quoted/unquoted tokens; the operator for range tokens. */
  text: string;
  /** Unquoted only: the text split on unescaped `*` (length 1 when there is none). */
  segments?: string[];
}

const UNICODE_SPACE = /\s/u;

/**
 * KQL's Space rule (space, tab, CR, LF, NBSP and the other Unicode spaces) for the UTF-16 unit
 * at `i` (false past the end).
 */
function spaceAt(src: string, i: number): boolean {
  const c = src.charCodeAt(i);
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return c === c && UNICODE_SPACE.test(src[i]);
}

/** Whether the unit at `i` is one of STOP's characters: ( ) : < > " { } */
function stopAt(c: number): boolean {
  return c === 40 || c === 41 || c === 58 || c === 60 || c === 62 || c === 34 || c === 123 || c === 125;
}

/** Characters that end an unquoted run unless escaped (`*` and `\` are handled separately). */
const STOP = new Set(['(', ')', ':', '<', '>', '"', '{', '}']);
/** Characters a backslash may escape in an unquoted value. */
const ESCAPABLE = new Set(['\\', '(', ')', ':', '<', '>', '"', '*', '{', '}']);
const ESCAPED_WS: Record<string, string> = { t: '\t', r: '\r', n: '\n' };

export function describeFound(src: string, at: number): string {
  // Kibana renders the offending character in plain double quotes (""" for a quote).
  return at >= src.length ? 'end of query' : `"${src[at]}"`;
}

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = src.length;
  while (true) {
    const wsStart = i;
    while (i < n && spaceAt(src, i)) i++;
    const spaceBefore = i > wsStart;
    if (i >= n) {
      out.push({ kind: 'eof', start: n, end: n, spaceBefore, text: '' });
      return out;
    }
    const ch = src[i];
    const single = singleCharKind(ch);
    if (single) {
      out.push({ kind: single, start: i, end: i + 1, spaceBefore, text: ch });
      i++;
      continue;
    }
    if (ch === '<' || ch === '>') {
      const op = src[i + 1] === '=' ? ch + '=' : ch;
      out.push({ kind: 'range', start: i, end: i + op.length, spaceBefore, text: op });
      i += op.length;
      continue;
    }
    if (ch === '"') {
      const tok = readQuoted(src, i, spaceBefore);
      out.push(tok);
      i = tok.end;
      continue;
    }
    const kw = keywordAt(src, i);
    // `or`/`and` need whitespace on both sides; `not` only after it (it may open the query or a group).
    if (kw && (kw === 'not' || spaceBefore)) {
      out.push({ kind: kw, start: i, end: i + kw.length, spaceBefore, text: src.slice(i, i + kw.length) });
      i += kw.length;
      continue;
    }
    const tok = readUnquoted(src, i, spaceBefore);
    out.push(tok);
    i = tok.end;
  }
}

function singleCharKind(ch: string): TokenKind | undefined {
  switch (ch) {
    case '(':
      return 'lparen';
    case ')':
      return 'rparen';
    case '{':
      return 'lbrace';
    case '}':
      return 'rbrace';
    case ':':
      return 'colon';
    default:
      return undefined;
  }
}

/** `or`/`and`/`not` (any case) at `i`, followed by whitespace. */
export function keywordAt(src: string, i: number): 'or' | 'and' | 'not' | undefined {
  // Only an o, a or n (any case) can start one: skip the slicing for every other character.
  const c = src.charCodeAt(i) | 0x20;
  if (c !== 0x6f && c !== 0x61 && c !== 0x6e) return undefined;
  for (const kw of ['or', 'and', 'not'] as const) {
    if (src.length >= i + kw.length + 1 && src.slice(i, i + kw.length).toLowerCase() === kw && spaceAt(src, i + kw.length)) {
      return kw;
    }
  }
  return undefined;
}

function readQuoted(src: string, start: number, spaceBefore: boolean): Token {
  let i = start + 1;
  let text = '';
  while (i < src.length) {
    // Up to the next quote or backslash in one slice.
    let j = i;
    for (;;) {
      const c = src.charCodeAt(j);
      if (c === 34 || c === 92 || j >= src.length) break;
      j++;
    }
    if (j > i) {
      text += src.slice(i, j);
      i = j;
      if (i >= src.length) break;
    }
    const ch = src[i];
    if (ch === '"') return { kind: 'quoted', start, end: i + 1, spaceBefore, text };
    if (ch === '\\') {
      const next = src[i + 1];
      if (next === '"' || next === '\\') {
        text += next;
        i += 2;
        continue;
      }
      if (next !== undefined && next in ESCAPED_WS) {
        text += ESCAPED_WS[next];
        i += 2;
        continue;
      }
      const uni = unicodeEscape(src, i);
      if (uni !== undefined) {
        text += uni;
        i += 6;
        continue;
      }
    }
    text += ch;
    i++;
  }
  return { kind: 'unterminated', start, end: src.length, spaceBefore, text };
}

function unicodeEscape(src: string, i: number): string | undefined {
  if (src[i + 1] !== 'u') return undefined;
  const hex = src.slice(i + 2, i + 6);
  return /^[0-9a-fA-F]{4}$/.test(hex) ? String.fromCharCode(parseInt(hex, 16)) : undefined;
}

function readUnquoted(src: string, start: number, spaceBefore: boolean): Token {
  const segments: string[] = [];
  let cur = '';
  let i = start;
  let end = start;
  const n = src.length;
  while (i < n) {
    // A run of plain characters (no space, stop character, `*` or `\\`) is taken as one slice.
    let j = i;
    for (;;) {
      const c = src.charCodeAt(j);
      if (j >= n || c === 42 || c === 92 || stopAt(c) || spaceAt(src, j)) break;
      j++;
    }
    if (j > i) {
      cur += src.slice(i, j);
      i = j;
      end = i;
      if (i >= n) break;
    }
    const ch = src[i];
    if (spaceAt(src, i)) {
      // Whitespace stays inside the value unless what follows ends it.
      let j = i;
      while (j < n && spaceAt(src, j)) j++;
      if (j >= n || STOP.has(src[j]) || keywordAt(src, j)) break;
      cur += src.slice(i, j);
      i = j;
      continue;
    }
    if (STOP.has(ch)) break;
    if (ch === '*') {
      segments.push(cur);
      cur = '';
      i++;
      end = i;
      continue;
    }
    if (ch === '\\') {
      const next = src[i + 1];
      if (next !== undefined && ESCAPABLE.has(next)) {
        cur += next;
        i += 2;
      } else if (next !== undefined && next in ESCAPED_WS) {
        cur += ESCAPED_WS[next];
        i += 2;
      } else if (unicodeEscape(src, i) !== undefined) {
        cur += unicodeEscape(src, i);
        i += 6;
      } else {
        const kw = /^(or|and|not)/i.exec(src.slice(i + 1, i + 4));
        if (!kw) {
          throw new QueryError(
            `Invalid escape ${JSON.stringify(src.slice(i, i + 2))}: only \\ ( ) : < > " * { }, keywords, \\t \\r \\n and \\uXXXX may be escaped`,
            src,
            i,
          );
        }
        cur += kw[0];
        i += 1 + kw[0].length;
      }
      end = i;
      continue;
    }
    cur += ch;
    i++;
    end = i;
  }
  segments.push(cur);
  return { kind: 'unquoted', start, end, spaceBefore, text: segments.join('*'), segments };
}
