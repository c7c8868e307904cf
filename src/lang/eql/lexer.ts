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

const OPS = ['==', '!=', '!:', '<=', '>=', '<', '>', ':', '+', '-', '*', '/', '%', '(', ')', '[', ']', ',', '|', '~', '!', '?', '='];
const ESC: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', "'": "'", '\\': '\\', '0': '\0', b: '\b', f: '\f' };

export function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '/' && src[i + 1] === '/') { while (i < n && src[i] !== '\n') i++; continue; }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw new QueryError('unterminated comment', src, i);
      i = end + 2; continue;
    }
    const start = i;
    if (c === '"' && src.startsWith('"""', i)) {
      const end = src.indexOf('"""', i + 3);
      if (end < 0) throw new QueryError('unterminated raw string', src, i);
      out.push({ kind: 'string', value: src.slice(i, end + 3), text: src.slice(i + 3, end), min: i, max: end + 3 });
      i = end + 3; continue;
    }
    if (c === '?' && src[i + 1] === '"') {
      // legacy raw string ?"...": backslashes are literal; \" keeps a quote
      let j = i + 2, s = '';
      for (;;) {
        if (j >= n || src[j] === '\n') throw new QueryError('unterminated string', src, start);
        if (src[j] === '\\' && src[j + 1] === '"') { s += '\\"'; j += 2; continue; }
        if (src[j] === '"') { j++; break; }
        s += src[j++];
      }
      out.push({ kind: 'string', value: src.slice(i, j), text: s, min: i, max: j });
      i = j; continue;
    }
    if (c === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= n || src[i] === '\n') throw new QueryError('unterminated string', src, start);
        const ch = src[i];
        if (ch === '"') { i++; break; }
        if (ch === '\\') {
          const e = src[i + 1];
          if (e === 'u' && src[i + 2] === '{') {
            const close = src.indexOf('}', i + 3);
            const hex = close > 0 ? src.slice(i + 3, close) : '';
            if (!/^[0-9a-fA-F]{2,8}$/.test(hex)) throw new QueryError('invalid unicode escape', src, i);
            s += String.fromCodePoint(parseInt(hex, 16));
            i = close + 1; continue;
          }
          if (e === undefined || !(e in ESC)) throw new QueryError(`illegal escape sequence \\${e ?? ''}`, src, i);
          s += ESC[e]; i += 2; continue;
        }
        s += ch; i++;
      }
      out.push({ kind: 'string', value: src.slice(start, i), text: s, min: start, max: i });
      continue;
    }
    if (c === "'") {
      throw new QueryError('single-quoted strings are not supported, use double quotes', src, i);
    }
    if (c === '`') {
      const r = readPath(src, i);
      out.push({ kind: 'ident', value: r.name, quoted: true, min: i, max: r.end });
      i = r.end; continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(\d*\.\d+|\d+\.?\d*)([eE][+-]?\d+)?/.exec(src.slice(i))!;
      const txt = m[0];
      out.push({ kind: 'number', value: txt, num: Number(txt), isFloat: /[.eE]/.test(txt), min: i, max: i + txt.length });
      i += txt.length; continue;
    }
    if (/[A-Za-z_@$]/.test(c)) {
      const r = readPath(src, i);
      out.push({ kind: 'ident', value: r.name, quoted: r.quoted, min: i, max: r.end });
      i = r.end; continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new QueryError(`unexpected character '${c}'`, src, i);
    out.push({ kind: 'op', value: op, min: i, max: i + op.length });
    i += op.length;
  }
  out.push({ kind: 'eof', value: '', min: n, max: n });
  return out;
}

/** A field path: segments plain (`a_b`) or backquoted (`` `a b` ``) joined by dots. */
function readPath(src: string, i: number): { name: string; end: number; quoted: boolean } {
  const parts: string[] = [];
  let quoted = false;
  let j = i;
  for (;;) {
    if (src[j] === '`') {
      let seg = '';
      let k = j + 1;
      for (;;) {
        if (k >= src.length) throw new QueryError('unterminated quoted identifier', src, j);
        if (src[k] === '`') {
          if (src[k + 1] === '`') { seg += '`'; k += 2; continue; }
          break;
        }
        seg += src[k++];
      }
      parts.push(seg);
      quoted = true;
      j = k + 1;
    } else {
      const m = /^[A-Za-z0-9_@$]+/.exec(src.slice(j, j + 256));
      if (!m) break;
      parts.push(m[0]);
      j += m[0].length;
    }
    if (src[j] === '.' && /[A-Za-z0-9_@$`]/.test(src[j + 1] ?? '')) { j++; continue; }
    break;
  }
  return { name: parts.join('.'), end: j, quoted };
}
