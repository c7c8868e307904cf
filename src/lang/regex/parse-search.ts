import { BOL, BOT, EOL, EOT, EOT_NL, NOT_WORD_BOUNDARY, RegexError, WORD_BOUNDARY, type Node, type RegexErrorKind } from './ast.js';
import {
  ANY, DIGIT, NEWLINE, SPACE, WORD, caseFold, intersect, negate, normalize, posixClass, single, union, unicodeProperty,
  type Ranges,
} from './charset.js';

export interface SearchSyntaxOptions {
  /** Start with `(?i)`. Folds ASCII letters, plus simple one-to-one Unicode case pairs. */
  caseInsensitive?: boolean;
  /** Start with `(?s)`: `.` matches `\n` too. Default true, as trawl's GROK has always run. */
  dotAll?: boolean;
  /** Start with `(?m)` (Java meaning): `^`/`$` match at line starts/ends. Default false. */
  multiline?: boolean;
  /** Report plain `( )` groups as numbered captures too. Default false: grok only reads named groups, and every capture slot costs per-thread copying. */
  captureUnnamed?: boolean;
}

export interface ParsedSearch {
  node: Node;
  /** Capture groups by index (1-based; [0] is the whole match and has no name). */
  groups: { name: string | undefined; pos: number }[];
}

interface Flags {
  i: boolean;
  s: boolean;
  m: boolean;
  x: boolean;
}

/**
 * The Oniguruma/Java subset that grok patterns are written in: unanchored, `^ $ \A \z \Z \b \B`,
 * named and non-capturing groups, inline flags, lazy quantifiers, classes with nesting, `&&`
 * and POSIX brackets, `\p{…}`, `\Q…\E`. Lookaround is accepted only around a fixed sequence of
 * single characters (what grok's IPV4 and TIME use), checked in O(k) per position. Backreferences,
 * atomic groups and possessive quantifiers cannot be matched in linear time and are rejected
 * with a positioned error.
 */
export function parseSearch(pattern: string, opts: SearchSyntaxOptions = {}): ParsedSearch {
  const p = new SearchParser(pattern, {
    i: !!opts.caseInsensitive,
    s: opts.dotAll ?? true,
    m: !!opts.multiline,
    x: false,
  }, !!opts.captureUnnamed);
  const node = p.parse();
  return { node, groups: p.groups };
}

const MAX_REPEAT = 100_000;

class SearchParser {
  private pos = 0;
  readonly groups: { name: string | undefined; pos: number }[] = [{ name: undefined, pos: 0 }];

  constructor(
    private readonly src: string,
    private flags: Flags,
    private readonly captureUnnamed: boolean,
  ) {}

  parse(): Node {
    const n = this.alt();
    if (this.pos < this.src.length) throw this.err('unmatched ) in regex', this.pos);
    return n;
  }

  private err(msg: string, at: number, kind: RegexErrorKind = 'syntax', end?: number): RegexError {
    return new RegexError(msg, this.src, at, kind, end ?? Math.min(at + 1, Math.max(this.src.length, at + 1)));
  }

  private more(): boolean {
    return this.pos < this.src.length;
  }

  private at(s: string): boolean {
    return this.src.startsWith(s, this.pos);
  }

  private nextCp(): number {
    if (!this.more()) throw this.err('unexpected end of regex', this.pos);
    const c = this.src.codePointAt(this.pos)!;
    this.pos += c > 0xffff ? 2 : 1;
    return c;
  }

  /** In (?x) mode whitespace and #-comments between tokens mean nothing. */
  private skipExtended(): void {
    if (!this.flags.x) return;
    for (;;) {
      const c = this.src[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') this.pos++;
      else if (c === '#') {
        while (this.more() && this.src[this.pos] !== '\n') this.pos++;
      } else return;
    }
  }

  private alt(): Node {
    const start = this.pos;
    const items = [this.seq()];
    while (this.more() && this.src[this.pos] === '|') {
      this.pos++;
      items.push(this.seq());
    }
    return items.length === 1 ? items[0] : { type: 'alt', items, pos: start, end: this.pos };
  }

  private seq(): Node {
    const start = this.pos;
    const items: Node[] = [];
    for (;;) {
      this.skipExtended();
      if (!this.more()) break;
      const c = this.src[this.pos];
      if (c === '|' || c === ')') break;
      const atom = this.atom();
      if (atom === undefined) continue; // a flag group or comment: nothing to match
      items.push(this.quantifiers(atom));
    }
    if (items.length === 0) return { type: 'empty', pos: start, end: this.pos };
    return items.length === 1 ? items[0] : { type: 'concat', items, pos: start, end: this.pos };
  }

  private quantifiers(atom: Node): Node {
    let e = atom;
    for (;;) {
      this.skipExtended();
      const qpos = this.pos;
      const q = this.quantifier();
      if (!q) return e;
      if (e.type === 'assert' || e.type === 'look') {
        throw this.err('target of repeat operator is invalid: an assertion matches no characters', qpos, 'syntax', this.pos);
      }
      let greedy = true;
      if (this.src[this.pos] === '?') {
        this.pos++;
        greedy = false;
      } else if (this.src[this.pos] === '+') {
        throw this.err('possessive quantifiers are not supported (they need a backtracking engine)', qpos, 'unsupported', this.pos + 1);
      }
      e = { type: 'repeat', child: e, min: q.min, max: q.max, greedy, pos: atom.pos, end: this.pos };
    }
  }

  /** `* + ? {n} {n,} {n,m} {,m}`; a `{` that does not form one is a literal, as in Oniguruma. */
  private quantifier(): { min: number; max: number } | undefined {
    const c = this.src[this.pos];
    if (c === '*') return this.pos++, { min: 0, max: -1 };
    if (c === '+') return this.pos++, { min: 1, max: -1 };
    if (c === '?') return this.pos++, { min: 0, max: 1 };
    if (c !== '{') return undefined;
    const m = /^\{(\d*)(,(\d*))?\}/.exec(this.src.slice(this.pos, this.pos + 24));
    if (!m || (m[1] === '' && (m[2] === undefined || m[3] === ''))) return undefined;
    const start = this.pos;
    const min = m[1] === '' ? 0 : Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? -1 : Number(m[3]);
    this.pos += m[0].length;
    if (min > MAX_REPEAT || max > MAX_REPEAT) throw this.err(`repetition count too large (max ${MAX_REPEAT})`, start, 'too-large', this.pos);
    if (max !== -1 && max < min) throw this.err('invalid repetition range: max is smaller than min', start, 'syntax', this.pos);
    return { min, max };
  }

  private atom(): Node | undefined {
    const start = this.pos;
    const c = this.src[this.pos];
    switch (c) {
      case '(':
        return this.group();
      case '[': {
        const set = this.charClass();
        return { type: 'set', set, pos: start, end: this.pos };
      }
      case '.':
        this.pos++;
        return { type: 'set', set: this.flags.s ? ANY : negate(NEWLINE), pos: start, end: this.pos };
      case '^':
        this.pos++;
        return { type: 'assert', kind: this.flags.m ? BOL : BOT, pos: start, end: this.pos };
      case '$':
        this.pos++;
        return { type: 'assert', kind: this.flags.m ? EOL : EOT, pos: start, end: this.pos };
      case '\\':
        return this.escape();
      case '*':
      case '+':
      case '?':
        throw this.err('target of repeat operator is not specified', start);
      case '{':
        if (this.quantifierAhead()) throw this.err('target of repeat operator is not specified', start);
        break;
    }
    return this.literal(this.nextCp(), start);
  }

  private quantifierAhead(): boolean {
    const save = this.pos;
    const q = this.quantifier();
    this.pos = save;
    return !!q;
  }

  private literal(cp: number, start: number): Node {
    if (this.flags.i) {
      const folded = caseFold(single(cp), true);
      if (folded.length !== 2 || folded[0] !== folded[1]) return { type: 'char', cp, ci: true, pos: start, end: this.pos };
    }
    return { type: 'char', cp, ci: false, pos: start, end: this.pos };
  }

  private setNode(set: Ranges, start: number): Node {
    return { type: 'set', set: this.flags.i ? caseFold(set, true) : set, pos: start, end: this.pos };
  }

  private escape(): Node {
    const start = this.pos;
    this.pos++; // the backslash
    if (!this.more()) throw this.err('pattern may not end with a trailing backslash', start);
    const c = this.src[this.pos];
    const assert = (kind: number): Node => {
      this.pos++;
      return { type: 'assert', kind, pos: start, end: this.pos };
    };
    switch (c) {
      case 'b': return assert(WORD_BOUNDARY);
      case 'B': return assert(NOT_WORD_BOUNDARY);
      case 'A': return assert(BOT);
      case 'z': return assert(EOT);
      case 'Z': return assert(EOT_NL);
      case 'Q': {
        this.pos++;
        const close = this.src.indexOf('\\E', this.pos);
        const text = this.src.slice(this.pos, close < 0 ? this.src.length : close);
        const items: Node[] = [];
        for (const ch of text) {
          const at = this.pos;
          this.pos += ch.length;
          items.push(this.literal(ch.codePointAt(0)!, at));
        }
        this.pos = close < 0 ? this.src.length : close + 2;
        if (items.length === 0) return { type: 'empty', pos: start, end: this.pos };
        return items.length === 1 ? items[0] : { type: 'concat', items, pos: start, end: this.pos };
      }
    }
    this.pos = start;
    const esc = this.classEscape(false);
    if (typeof esc === 'number') return this.literal(esc, start);
    return this.setNode(esc, start);
  }

  /**
   * An escape that denotes a character or a set; shared by atoms and class items. Leaves
   * `pos` after the escape.
   */
  private classEscape(inClass: boolean): number | Ranges {
    const start = this.pos;
    this.pos++;
    const c = this.src[this.pos];
    if (c === undefined) throw this.err('pattern may not end with a trailing backslash', start);
    this.pos++;
    switch (c) {
      case 'd': return DIGIT;
      case 'D': return negate(DIGIT);
      case 'w': return WORD;
      case 'W': return negate(WORD);
      case 's': return SPACE;
      case 'S': return negate(SPACE);
      case 'h': return posixClass('xdigit')!;
      case 'H': return negate(posixClass('xdigit')!);
      case 't': return 0x09;
      case 'n': return 0x0a;
      case 'r': return 0x0d;
      case 'f': return 0x0c;
      case 'v': return 0x0b;
      case 'a': return 0x07;
      case 'e': return 0x1b;
      case 'b':
        if (inClass) return 0x08;
        break;
      case 'c': {
        const x = this.src.charCodeAt(this.pos);
        if (Number.isNaN(x)) throw this.err('\\c must be followed by a control letter', start, 'syntax', this.pos);
        this.pos++;
        return x ^ 0x40;
      }
      case 'x': {
        if (this.src[this.pos] === '{') {
          const m = /^\{([0-9A-Fa-f]{1,8})\}/.exec(this.src.slice(this.pos, this.pos + 11));
          if (!m || parseInt(m[1], 16) > 0x10ffff) throw this.err('invalid \\x{…} escape', start, 'syntax', this.pos + 1);
          this.pos += m[0].length;
          return parseInt(m[1], 16);
        }
        const m = /^[0-9A-Fa-f]{1,2}/.exec(this.src.slice(this.pos, this.pos + 2));
        if (!m) throw this.err('invalid \\x escape: expected hex digits', start, 'syntax', this.pos);
        this.pos += m[0].length;
        return parseInt(m[0], 16);
      }
      case 'u': {
        const m = /^[0-9A-Fa-f]{4}/.exec(this.src.slice(this.pos, this.pos + 4));
        if (!m) throw this.err('invalid \\u escape: expected 4 hex digits', start, 'syntax', this.pos);
        this.pos += 4;
        return parseInt(m[0], 16);
      }
      case '0': {
        const m = /^[0-7]{1,3}/.exec(this.src.slice(this.pos, this.pos + 3));
        let len = m ? m[0].length : 0;
        if (len === 3 && m![0][0] > '3') len = 2;
        const v = len ? parseInt(m![0].slice(0, len), 8) : 0;
        this.pos += len;
        return v;
      }
      case 'p':
      case 'P': {
        let name: string;
        if (this.src[this.pos] === '{') {
          const close = this.src.indexOf('}', this.pos);
          if (close < 0) throw this.err('unclosed \\p{…} property', start, 'syntax', this.src.length);
          name = this.src.slice(this.pos + 1, close);
          this.pos = close + 1;
        } else {
          name = this.src[this.pos] ?? '';
          this.pos++;
        }
        let neg = c === 'P';
        if (name.startsWith('^')) {
          neg = !neg;
          name = name.slice(1);
        }
        const set = unicodeProperty(name);
        if (!set) throw this.err(`unknown character property \\${c}{${name}}`, start, 'unsupported', this.pos);
        return neg ? negate(set) : set;
      }
      case 'k':
      case 'g':
        throw this.err('backreferences and subroutine calls are not supported (they need a backtracking engine)', start, 'unsupported', this.pos);
      case 'G':
        throw this.err('\\G is not supported', start, 'unsupported', this.pos);
    }
    if (c >= '1' && c <= '9') {
      if (inClass) throw this.err(`invalid escape \\${c} in character class`, start, 'syntax', this.pos);
      throw this.err('backreferences are not supported (they need a backtracking engine)', start, 'unsupported', this.pos);
    }
    if (/[A-Za-z]/.test(c)) {
      throw this.err(`unsupported escape \\${c}`, start, /[RXKN]/.test(c) ? 'unsupported' : 'syntax', this.pos);
    }
    // any other escaped character stands for itself (including a surrogate pair)
    this.pos = start + 1;
    return this.nextCp();
  }

  private charClass(): Ranges {
    const start = this.pos;
    this.pos++; // [
    let neg = false;
    if (this.src[this.pos] === '^') {
      neg = true;
      this.pos++;
    }
    let acc: Ranges = [];
    let first = true;
    for (;;) {
      if (!this.more()) throw this.err('unclosed character class', start, 'syntax', this.src.length);
      if (this.src[this.pos] === ']' && !first) {
        this.pos++;
        break;
      }
      if (this.at('&&')) {
        this.pos += 2;
        const rhs = this.classItems(start);
        acc = intersect(acc, rhs.set);
        if (rhs.closed) break;
        continue;
      }
      acc = union(acc, this.classItem());
      first = false;
    }
    if (this.flags.i) acc = caseFold(acc, true);
    return neg ? negate(acc) : acc;
  }

  /** The operand after `&&`: items up to the next `&&` or the closing `]`. */
  private classItems(start: number): { set: Ranges; closed: boolean } {
    let acc: Ranges = [];
    for (;;) {
      if (!this.more()) throw this.err('unclosed character class', start, 'syntax', this.src.length);
      if (this.src[this.pos] === ']') {
        this.pos++;
        return { set: acc, closed: true };
      }
      if (this.at('&&')) return { set: acc, closed: false };
      acc = union(acc, this.classItem());
    }
  }

  private classItem(): Ranges {
    const itemStart = this.pos;
    if (this.at('[:')) {
      const m = /^\[:(\^?)([A-Za-z]+):\]/.exec(this.src.slice(this.pos, this.pos + 16));
      if (m) {
        const set = posixClass(m[2]);
        if (!set) throw this.err(`unknown POSIX bracket [:${m[2]}:]`, itemStart, 'syntax', itemStart + m[0].length);
        this.pos += m[0].length;
        return m[1] ? negate(set) : set;
      }
    }
    if (this.src[this.pos] === '[') return this.charClass();
    const lo = this.classAtom();
    if (typeof lo !== 'number') return lo;
    // a range, unless the '-' is the last thing in the class
    if (this.src[this.pos] === '-' && this.pos + 1 < this.src.length && this.src[this.pos + 1] !== ']' && !this.at('-[')) {
      this.pos++;
      const hiAt = this.pos;
      const hi = this.classAtom();
      if (typeof hi !== 'number') throw this.err('invalid range in character class: a class cannot be a range end', hiAt, 'syntax', this.pos);
      if (hi < lo) throw this.err('invalid range in character class: end is before start', itemStart, 'syntax', this.pos);
      return [lo, hi];
    }
    return single(lo);
  }

  private classAtom(): number | Ranges {
    if (this.src[this.pos] === '\\') {
      if (this.src[this.pos + 1] === 'Q') {
        // \Q…\E inside a class: every character literal
        const close = this.src.indexOf('\\E', this.pos + 2);
        const text = this.src.slice(this.pos + 2, close < 0 ? this.src.length : close);
        this.pos = close < 0 ? this.src.length : close + 2;
        const pairs: number[] = [];
        for (const ch of text) pairs.push(ch.codePointAt(0)!, ch.codePointAt(0)!);
        return normalize(pairs);
      }
      return this.classEscape(true);
    }
    return this.nextCp();
  }

  private group(): Node | undefined {
    const start = this.pos;
    this.pos++; // (
    if (this.src[this.pos] !== '?') {
      const index = this.captureUnnamed ? this.groups.push({ name: undefined, pos: start }) - 1 : 0;
      return this.groupBody(start, index, undefined);
    }
    this.pos++; // ?
    const c = this.src[this.pos];
    if (c === ':') {
      this.pos++;
      return this.groupBody(start, 0, undefined);
    }
    if (c === '#') {
      const close = this.src.indexOf(')', this.pos);
      if (close < 0) throw this.err('unclosed (?# comment', start, 'syntax', this.src.length);
      this.pos = close + 1;
      return undefined;
    }
    if (c === '=' || c === '!') {
      this.pos++;
      return this.look(start, false, c === '!');
    }
    if (c === '<' && (this.src[this.pos + 1] === '=' || this.src[this.pos + 1] === '!')) {
      const negate = this.src[this.pos + 1] === '!';
      this.pos += 2;
      return this.look(start, true, negate);
    }
    if (c === '<' || c === "'" || (c === 'P' && this.src[this.pos + 1] === '<')) {
      if (c === 'P') this.pos++;
      const close = this.src[this.pos] === "'" ? "'" : '>';
      this.pos++;
      const m = /^[A-Za-z_@][^\s()|>'\\]*/.exec(this.src.slice(this.pos));
      const nameEnd = m ? this.pos + m[0].length : this.pos;
      if (!m || this.src[nameEnd] !== close) {
        throw this.err('invalid group name: expected (?<name>…) with a name starting with a letter or _', start, 'syntax', nameEnd + 1);
      }
      const name = m[0];
      this.pos = nameEnd + 1;
      const index = this.groups.push({ name, pos: start }) - 1;
      return this.groupBody(start, index, name);
    }
    if (c === '>') throw this.err('atomic groups (?>…) are not supported (they need a backtracking engine)', start, 'unsupported', this.pos + 1);
    if (c === 'P' && (this.src[this.pos + 1] === '=' || this.src[this.pos + 1] === '>')) {
      throw this.err('backreferences and subroutine calls are not supported (they need a backtracking engine)', start, 'unsupported', this.pos + 2);
    }
    if (c === '(') throw this.err('conditional groups are not supported', start, 'unsupported', this.pos + 1);
    if (c === '~') throw this.err('absent operator (?~…) is not supported', start, 'unsupported', this.pos + 1);
    // inline flags: (?imsx-imsx) for the rest of the enclosing group, or (?imsx-imsx:…)
    const m = /^([A-Za-z]*)(?:-([A-Za-z]*))?([:)])/.exec(this.src.slice(this.pos));
    if (!m) throw this.err('unknown group construct (?…', start, 'syntax', this.pos + 1);
    const flags = { ...this.flags };
    for (const [letters, on] of [[m[1], true], [m[2] ?? '', false]] as const) {
      for (const f of letters) {
        if (f === 'i' || f === 's' || f === 'm' || f === 'x') flags[f] = on;
        else if (f !== 'u') throw this.err(`unsupported inline flag ${f}`, this.pos, 'unsupported', this.pos + m[0].length);
      }
    }
    this.pos += m[0].length;
    if (m[3] === ')') {
      this.flags = flags;
      return undefined;
    }
    const saved = this.flags;
    this.flags = flags;
    try {
      return this.groupBody(start, 0, undefined, true);
    } finally {
      this.flags = saved;
    }
  }

  private groupBody(start: number, index: number, name: string | undefined, flagsSet = false): Node {
    const saved = this.flags;
    const child = this.alt();
    if (this.src[this.pos] !== ')') throw this.err('missing ) to close the group opened here', start, 'syntax', start + 1);
    this.pos++;
    // inline (?i) inside the group ends with it
    if (!flagsSet) this.flags = saved;
    return { type: 'group', child, index, name, pos: start, end: this.pos };
  }

  private look(start: number, behind: boolean, negate: boolean): Node {
    const savedGroups = this.groups.length;
    const saved = this.flags;
    const child = this.alt();
    this.flags = saved;
    if (this.src[this.pos] !== ')') throw this.err('missing ) to close the lookaround opened here', start, 'syntax', start + 1);
    this.pos++;
    const seq = this.groups.length === savedGroups ? fixedSequence(child) : undefined;
    if (!seq) {
      throw this.err(
        'lookaround is only supported around a fixed sequence of single characters or classes, e.g. (?![0-9])',
        start, 'unsupported', this.pos,
      );
    }
    return { type: 'look', behind, negate, seq, pos: start, end: this.pos };
  }
}

/** The fixed sequence of sets a lookaround body matches, or undefined when it is anything richer. */
function fixedSequence(n: Node): Ranges[] | undefined {
  switch (n.type) {
    case 'empty':
      return [];
    case 'char':
      return [n.ci ? caseFold(single(n.cp), true) : single(n.cp)];
    case 'set':
      return [n.set];
    case 'group':
      return n.index === 0 ? fixedSequence(n.child) : undefined;
    case 'concat': {
      const out: Ranges[] = [];
      for (const it of n.items) {
        const s = fixedSequence(it);
        if (!s) return undefined;
        out.push(...s);
      }
      return out.length <= 64 ? out : undefined;
    }
    case 'repeat': {
      if (n.min !== n.max || n.min > 64) return undefined;
      const s = fixedSequence(n.child);
      if (!s) return undefined;
      const out: Ranges[] = [];
      for (let k = 0; k < n.min; k++) out.push(...s);
      return out.length <= 64 ? out : undefined;
    }
    case 'alt': {
      // a|b|[cd]: one character from the union
      let acc: Ranges = [];
      for (const it of n.items) {
        const s = fixedSequence(it);
        if (!s || s.length !== 1) return undefined;
        acc = union(acc, s[0]);
      }
      return [acc];
    }
    default:
      return undefined;
  }
}
