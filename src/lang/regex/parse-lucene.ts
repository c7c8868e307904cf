import { RegexError, type Node } from './ast.js';
import { ANY, DIGIT, LUCENE_SPACE, WORD, caseFold, negate, single, union, type Ranges } from './charset.js';

export interface LuceneSyntaxOptions {
  /** ASCII case-insensitive matching (Lucene's ASCII_CASE_INSENSITIVE, EQL `regex~`). */
  caseInsensitive?: boolean;
}

/**
 * Lucene `RegExp` syntax as Elasticsearch runs it for `regexp` queries, ES|QL RLIKE and EQL
 * `regex`: all optional operators on (`&`, `~`, `#`, `@`, `<n-m>`; ES passes
 * `RegExp.ALL | DEPRECATED_COMPLEMENT`). The grammar and its quirks follow Lucene's parser
 * precisely, because a rule author tested the pattern against Elasticsearch, not against us:
 * a leading `*`, `|` or `{` is a literal, `[]a]` is a class holding `]` and `a`, every
 * reserved character is literal inside a class, and `\` before a letter other than
 * d D s S w W is an error.
 */
export function parseLucene(pattern: string, opts: LuceneSyntaxOptions = {}): Node {
  return new LuceneParser(pattern, !!opts.caseInsensitive).parse();
}

class LuceneParser {
  private pos = 0;
  constructor(
    private readonly src: string,
    private readonly ci: boolean,
  ) {}

  parse(): Node {
    if (this.src.length === 0) return { type: 'empty', pos: 0, end: 0 };
    const e = this.union();
    if (this.pos < this.src.length) {
      const c = this.src[this.pos];
      throw this.err(c === ')' ? 'unbalanced ) in regex' : `end of regex expected, found [${c}]`, this.pos);
    }
    return e;
  }

  private err(msg: string, at: number, kind: 'syntax' | 'unsupported' | 'too-large' = 'syntax', end?: number): RegexError {
    return new RegexError(msg, this.src, at, kind, end ?? at + 1);
  }

  private more(): boolean {
    return this.pos < this.src.length;
  }

  private cp(): number {
    return this.src.codePointAt(this.pos)!;
  }

  private peek(chars: string): boolean {
    return this.more() && chars.includes(this.src[this.pos]);
  }

  private match(c: string): boolean {
    if (this.more() && this.src[this.pos] === c) {
      this.pos++;
      return true;
    }
    return false;
  }

  private next(): number {
    if (!this.more()) throw this.err('unexpected end of regex', this.pos);
    const c = this.cp();
    this.pos += c > 0xffff ? 2 : 1;
    return c;
  }

  private union(): Node {
    const start = this.pos;
    const items = [this.inter()];
    while (this.match('|')) items.push(this.inter());
    return items.length === 1 ? items[0] : { type: 'alt', items, pos: start, end: this.pos };
  }

  private inter(): Node {
    const start = this.pos;
    const left = this.concat();
    if (!this.match('&')) return left;
    const right = this.inter();
    return { type: 'intersect', left, right, pos: start, end: this.pos };
  }

  private concat(): Node {
    const start = this.pos;
    const items = [this.repeat()];
    while (this.more() && !this.peek(')|&')) items.push(this.repeat());
    return items.length === 1 ? items[0] : { type: 'concat', items, pos: start, end: this.pos };
  }

  private repeat(): Node {
    const start = this.pos;
    let e = this.compl();
    while (this.peek('?*+{')) {
      const qpos = this.pos;
      const c = this.src[this.pos++];
      let min = 0;
      let max = -1;
      if (c === '?') max = 1;
      else if (c === '+') min = 1;
      else if (c === '{') {
        min = this.int();
        if (this.match(',')) max = this.peek('0123456789') ? this.int() : -1;
        else max = min;
        if (!this.match('}')) throw this.err("expected '}' in repetition", this.pos);
      }
      if (max !== -1 && max < min) e = { type: 'never', pos: qpos, end: this.pos };
      else e = { type: 'repeat', child: e, min, max, greedy: true, pos: start, end: this.pos };
    }
    return e;
  }

  private int(): number {
    const start = this.pos;
    while (this.peek('0123456789')) this.pos++;
    if (start === this.pos) throw this.err('integer expected in repetition', this.pos);
    const n = Number(this.src.slice(start, this.pos));
    if (n > 2147483647) throw this.err('repetition count too large', start, 'syntax', this.pos);
    return n;
  }

  private compl(): Node {
    const start = this.pos;
    if (this.match('~')) {
      const child = this.compl();
      return { type: 'complement', child, pos: start, end: this.pos };
    }
    return this.charClass();
  }

  private charClass(): Node {
    const start = this.pos;
    if (!this.match('[')) return this.simple();
    const negated = this.match('^');
    let set = this.classItem();
    while (this.more() && !this.peek(']')) set = union(set, this.classItem());
    if (this.ci) set = caseFold(set, false);
    if (negated) set = negate(set);
    if (!this.match(']')) throw this.err("expected ']' to close the character class", this.pos, 'syntax');
    return { type: 'set', set, pos: start, end: this.pos };
  }

  private classItem(): Ranges {
    const pre = this.predefined();
    if (pre) return pre;
    const at = this.pos;
    const lo = this.charExp();
    if (!this.match('-')) return single(lo);
    const hi = this.charExp();
    if (lo > hi) throw this.err(`invalid range: from (${String.fromCodePoint(lo)}) cannot be > to (${String.fromCodePoint(hi)})`, at, 'syntax', this.pos);
    return [lo, hi];
  }

  /** `\d \D \s \S \w \W`, `\\`; `\` before any other ASCII letter is an error, as in Lucene. */
  private predefined(): Ranges | undefined {
    if (this.src[this.pos] !== '\\') return undefined;
    const c = this.src[this.pos + 1];
    if (c === undefined) return undefined;
    switch (c) {
      case 'd': this.pos += 2; return DIGIT;
      case 'D': this.pos += 2; return negate(DIGIT);
      case 's': this.pos += 2; return LUCENE_SPACE;
      case 'S': this.pos += 2; return negate(LUCENE_SPACE);
      case 'w': this.pos += 2; return WORD;
      case 'W': this.pos += 2; return negate(WORD);
    }
    if (/[A-Za-z]/.test(c)) throw this.err(`invalid character class \\${c}`, this.pos, 'syntax', this.pos + 2);
    return undefined;
  }

  private charExp(): number {
    this.match('\\');
    return this.next();
  }

  private simple(): Node {
    const start = this.pos;
    if (this.match('.')) return { type: 'set', set: ANY, pos: start, end: this.pos };
    if (this.match('#')) return { type: 'never', pos: start, end: this.pos };
    if (this.match('@')) {
      return { type: 'repeat', child: { type: 'set', set: ANY, pos: start, end: this.pos }, min: 0, max: -1, greedy: true, pos: start, end: this.pos };
    }
    if (this.match('"')) {
      const items: Node[] = [];
      while (this.more() && !this.peek('"')) {
        const at = this.pos;
        items.push(this.char(this.next(), at));
      }
      if (!this.match('"')) throw this.err('unterminated "string" in regex', start, 'syntax', this.pos);
      return this.seq(items, start);
    }
    if (this.match('(')) {
      if (this.match(')')) return { type: 'empty', pos: start, end: this.pos };
      const inner = this.union();
      if (!this.match(')')) throw this.err("expected ')' to close the group opened here", start);
      return { type: 'group', child: inner, index: 0, name: undefined, pos: start, end: this.pos };
    }
    if (this.match('<')) return this.interval(start);
    const pre = this.predefined();
    if (pre) return { type: 'set', set: pre, pos: start, end: this.pos };
    return this.char(this.charExp(), start);
  }

  private char(cp: number, at: number): Node {
    if (this.ci && ((cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a))) {
      return { type: 'char', cp, ci: true, pos: at, end: this.pos };
    }
    return { type: 'char', cp, ci: false, pos: at, end: this.pos };
  }

  private seq(items: Node[], start: number): Node {
    if (items.length === 0) return { type: 'empty', pos: start, end: this.pos };
    if (items.length === 1) return items[0];
    return { type: 'concat', items, pos: start, end: this.pos };
  }

  /** `<n-m>`: a decimal number in the interval; `<name>` (named automata) cannot run here. */
  private interval(start: number): Node {
    const close = this.src.indexOf('>', this.pos);
    if (close < 0) throw this.err("expected '>' to close the interval", start, 'syntax', this.src.length);
    const body = this.src.slice(this.pos, close);
    this.pos = close + 1;
    const dash = body.indexOf('-');
    if (dash < 0) throw this.err(`named automaton <${body}> is not supported`, start, 'unsupported', this.pos);
    const smin = body.slice(0, dash);
    const smax = body.slice(dash + 1);
    const okNum = (s: string) => /^\+?[0-9]+$/.test(s) && Number(s) <= 2147483647;
    if (dash === 0 || dash === body.length - 1 || body.lastIndexOf('-') !== dash || !okNum(smin) || !okNum(smax)) {
      throw this.err('interval syntax error: expected <min-max> with non-negative integers', start, 'syntax', this.pos);
    }
    let lo = Number(smin);
    let hi = Number(smax);
    if (lo > hi) [lo, hi] = [hi, lo];
    const digits = smin.length === smax.length ? smin.length : 0;
    return decimalInterval(lo, hi, digits, start, this.pos);
  }
}

/**
 * Decimal strings for integers in [lo, hi]: exactly `digits` characters (zero-padded) when
 * digits > 0, otherwise any number of leading zeros, as Lucene's makeDecimalInterval.
 */
export function decimalInterval(lo: number, hi: number, digits: number, pos: number, end: number): Node {
  const at = { pos, end };
  const set = (a: number, b: number): Node => ({ type: 'set', set: [0x30 + a, 0x30 + b], ...at });
  const anyDigits = (k: number): Node[] => (k === 0 ? [] : [{ type: 'repeat', child: set(0, 9), min: k, max: k, greedy: true, ...at }]);
  const cat = (items: Node[]): Node => (items.length === 1 ? items[0] : items.length === 0 ? { type: 'empty', ...at } : { type: 'concat', items, ...at });
  // numbers of exactly w digits (leading zeros included) with value in [a, b]
  const fixed = (a: number, b: number, w: number): Node[] => {
    if (w === 0) return [];
    const p = 10 ** (w - 1);
    const da = Math.floor(a / p);
    const db = Math.floor(b / p);
    const ra = a % p;
    const rb = b % p;
    if (ra === 0 && rb === p - 1) return [set(da, db), ...anyDigits(w - 1)];
    if (da === db) return [set(da, da), ...fixed(ra, rb, w - 1)];
    const alts: Node[] = [cat([set(da, da), ...fixed(ra, p - 1, w - 1)])];
    if (db - da >= 2) alts.push(cat([set(da + 1, db - 1), ...anyDigits(w - 1)]));
    alts.push(cat([set(db, db), ...fixed(0, rb, w - 1)]));
    return [{ type: 'alt', items: alts, ...at }];
  };
  if (digits > 0) return cat(fixed(lo, hi, digits));
  const alts: Node[] = [];
  const len = (n: number) => String(n).length;
  for (let w = len(lo); w <= len(hi); w++) {
    const a = Math.max(lo, w === 1 ? 0 : 10 ** (w - 1));
    const b = Math.min(hi, 10 ** w - 1);
    if (a <= b) alts.push(cat(fixed(a, b, w)));
  }
  const zeros: Node = { type: 'repeat', child: set(0, 0), min: 0, max: -1, greedy: true, ...at };
  return cat([zeros, alts.length === 1 ? alts[0] : { type: 'alt', items: alts, ...at }]);
}
