import { QueryError } from '../query-error.js';

export type TokKind = 'ident' | 'string' | 'number' | 'op' | 'eof';
export interface Token {
  kind: TokKind;
  value: string;
  /** For strings: decoded text; for numbers: numeric value. */
  text?: string;
  num?: number;
  isFloat?: boolean;
  /** Identifier written with backquotes (never a keyword). */
  quoted?: boolean;
  min: number;
  max: number;
}

const ESC: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', "'": "'", '\\': '\\', '0': '\0', b: '\b', f: '\f' };
const NUMBER = /(\d*\.\d+|\d+\.?\d*)([eE][+-]?\d+)?/y;
const UNICODE_SPACE = /\s/;

/** `[A-Za-z0-9_@$]` */
function isIdentChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 64 || c === 36;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** `/\s/` for one UTF-16 unit. */
function isSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return UNICODE_SPACE.test(String.fromCharCode(c));
}

/**
 * One operator at `i` (two-character operators first), or undefined. The same answers as trying
 * `== != !: <= >= < > : + - * / % ( ) [ ] , | ~ ! ? =` in that order.
 */
function opAt(src: string, i: number, c: number): string | undefined {
  const d = src.charCodeAt(i + 1);
  switch (c) {
    case 61: return d === 61 ? '==' : '='; // =
    case 33: return d === 61 ? '!=' : d === 58 ? '!:' : '!'; // !
    case 60: return d === 61 ? '<=' : '<';
    case 62: return d === 61 ? '>=' : '>';
    case 58: return ':';
    case 43: return '+';
    case 45: return '-';
    case 42: return '*';
    case 47: return '/';
    case 37: return '%';
    case 40: return '(';
    case 41: return ')';
    case 91: return '[';
    case 93: return ']';
    case 44: return ',';
    case 124: return '|';
    case 126: return '~';
    case 63: return '?';
    default: return undefined;
  }
}

export function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const code = src.charCodeAt(i);
    if (isSpace(code)) { i++; continue; }
    if (code === 47 /* / */) {
      const next = src.charCodeAt(i + 1);
      if (next === 47) { const nl = src.indexOf('\n', i); i = nl < 0 ? n : nl; continue; }
      if (next === 42 /* * */) {
        const end = src.indexOf('*/', i + 2);
        if (end < 0) throw new QueryError('unterminated comment', src, i);
        i = end + 2; continue;
      }
    }
    const start = i;
    if (code === 34 /* " */) {
      if (src.charCodeAt(i + 1) === 34 && src.charCodeAt(i + 2) === 34) {
        const end = src.indexOf('"""', i + 3);
        if (end < 0) throw new QueryError('unterminated raw string', src, i);
        out.push({ kind: 'string', value: src.slice(i, end + 3), text: src.slice(i + 3, end), min: i, max: end + 3 });
        i = end + 3; continue;
      }
      i = readString(src, i + 1, start, out);
      continue;
    }
    if (code === 63 /* ? */ && src.charCodeAt(i + 1) === 34) {
      // legacy raw string ?"...": backslashes are literal; \" keeps a quote
      // (the text is the raw characters between the quotes)
      let j = i + 2;
      for (;;) {
        if (j >= n) throw new QueryError('unterminated string', src, start);
        const ch = src.charCodeAt(j);
        if (ch === 10) throw new QueryError('unterminated string', src, start);
        if (ch === 92 && src.charCodeAt(j + 1) === 34) { j += 2; continue; }
        if (ch === 34) break;
        j++;
      }
      out.push({ kind: 'string', value: src.slice(i, j + 1), text: src.slice(i + 2, j), min: i, max: j + 1 });
      i = j + 1; continue;
    }
    if (code === 39 /* ' */) {
      throw new QueryError('single-quoted strings are not supported, use double quotes', src, i);
    }
    if (code === 96 /* ` */) {
      const r = readPath(src, i);
      out.push({ kind: 'ident', value: r.name, quoted: true, min: i, max: r.end });
      i = r.end; continue;
    }
    if (isDigit(code) || (code === 46 /* . */ && isDigit(src.charCodeAt(i + 1)))) {
      NUMBER.lastIndex = i;
      const txt = NUMBER.exec(src)![0];
      let isFloat = false;
      for (let k = 0; k < txt.length; k++) {
        const t = txt.charCodeAt(k);
        if (t === 46 || t === 101 || t === 69) { isFloat = true; break; }
      }
      out.push({ kind: 'number', value: txt, num: Number(txt), isFloat, min: i, max: i + txt.length });
      i += txt.length; continue;
    }
    if (isIdentChar(code) && !isDigit(code)) {
      const r = readPath(src, i);
      out.push({ kind: 'ident', value: r.name, quoted: r.quoted, min: i, max: r.end });
      i = r.end; continue;
    }
    const op = opAt(src, i, code);
    if (!op) throw new QueryError(`unexpected character '${src[i]}'`, src, i);
    out.push({ kind: 'op', value: op, min: i, max: i + op.length });
    i += op.length;
  }
  out.push({ kind: 'eof', value: '', min: n, max: n });
  return out;
}

/** A double-quoted string from just after its opening quote; pushes the token, returns the end. */
function readString(src: string, i: number, start: number, out: Token[]): number {
  const n = src.length;
  let s = '';
  let from = i;
  for (;;) {
    if (i >= n) throw new QueryError('unterminated string', src, start);
    const ch = src.charCodeAt(i);
    if (ch === 10) throw new QueryError('unterminated string', src, start);
    if (ch === 34) { s += src.slice(from, i); i++; break; }
    if (ch === 92 /* \ */) {
      s += src.slice(from, i);
      const e = src[i + 1];
      if (e === 'u' && src[i + 2] === '{') {
        const close = src.indexOf('}', i + 3);
        const hex = close > 0 ? src.slice(i + 3, close) : '';
        if (!/^[0-9a-fA-F]{2,8}$/.test(hex)) throw new QueryError('invalid unicode escape', src, i);
        s += String.fromCodePoint(parseInt(hex, 16));
        i = close + 1; from = i; continue;
      }
      if (e === undefined || !(e in ESC)) throw new QueryError(`illegal escape sequence \\${e ?? ''}`, src, i);
      s += ESC[e]; i += 2; from = i; continue;
    }
    i++;
  }
  out.push({ kind: 'string', value: src.slice(start, i), text: s, min: start, max: i });
  return i;
}

/** A field path: segments plain (`a_b`) or backquoted (`` `a b` ``) joined by dots. */
function readPath(src: string, i: number): { name: string; end: number; quoted: boolean } {
  let name = '';
  let parts = 0;
  let quoted = false;
  let j = i;
  const n = src.length;
  for (;;) {
    if (src.charCodeAt(j) === 96 /* ` */) {
      let seg = '';
      let k = j + 1;
      let from = k;
      for (;;) {
        if (k >= n) throw new QueryError('unterminated quoted identifier', src, j);
        if (src.charCodeAt(k) === 96) {
          if (src.charCodeAt(k + 1) === 96) { seg += src.slice(from, k + 1); k += 2; from = k; continue; }
          seg += src.slice(from, k);
          break;
        }
        k++;
      }
      name = parts++ === 0 ? seg : `${name}.${seg}`;
      quoted = true;
      j = k + 1;
    } else {
      // a plain segment reads at most 256 characters at a time (a longer run continues as the next token)
      const limit = Math.min(n, j + 256);
      let k = j;
      while (k < limit && isIdentChar(src.charCodeAt(k))) k++;
      if (k === j) break;
      const seg = src.slice(j, k);
      name = parts++ === 0 ? seg : `${name}.${seg}`;
      j = k;
    }
    if (src.charCodeAt(j) === 46 /* . */) {
      const c = src.charCodeAt(j + 1);
      if (isIdentChar(c) || c === 96) { j++; continue; }
    }
    break;
  }
  return { name, end: j, quoted };
}
