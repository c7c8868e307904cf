import { QueryError } from '../query-error.js';
import type { AggField, Assignment, BinaryOp, Command, Expr, Location, NamePattern, Query, Setting, SortKey } from './ast.js';
import { normInt } from './types.js';

/**
 * Scannerless recursive-descent parser for ES|QL. Different commands tokenise differently (index
 * patterns, name patterns with wildcards, expressions), so the parser reads the text directly.
 */
const UNITS: Record<string, string> = {
  millisecond: 'millisecond', milliseconds: 'millisecond', ms: 'millisecond',
  second: 'second', seconds: 'second', sec: 'second', s: 'second',
  minute: 'minute', minutes: 'minute', min: 'minute', m: 'minute',
  hour: 'hour', hours: 'hour', h: 'hour',
  day: 'day', days: 'day', d: 'day',
  week: 'week', weeks: 'week', w: 'week',
  month: 'month', months: 'month', mo: 'month',
  quarter: 'quarter', quarters: 'quarter', q: 'quarter',
  year: 'year', years: 'year', yr: 'year', y: 'year',
};

const UNSUPPORTED: Record<string, string> = {
  enrich: 'ENRICH needs enrich policies that exist only in a cluster',
  lookup: 'LOOKUP JOIN needs a lookup index that exists only in a cluster',
  join: 'JOIN needs a lookup index that exists only in a cluster',
  completion: 'COMPLETION calls an inference endpoint (an LLM) that is not available offline',
  rerank: 'RERANK calls an inference endpoint that is not available offline',
  change_point: 'CHANGE_POINT is not supported offline',
  fork: 'FORK is not supported offline',
  fuse: 'FUSE is not supported offline',
  sample: 'SAMPLE is random and not supported offline',
  explain: 'EXPLAIN is not supported offline',
  show: 'SHOW reports cluster information, which does not exist offline',
  meta: 'META reports cluster information, which does not exist offline',
  ts: 'TS (time-series source) is not supported offline',
  metrics: 'METRICS is not supported offline',
  set: 'SET is not supported offline',
};

const KEYWORDS_AFTER_EXPR = new Set(['and', 'or', 'not', 'like', 'rlike', 'in', 'is', 'asc', 'desc', 'nulls', 'by', 'where', 'as', 'append_separator']);

const MAX_NESTING = 256;

// Sticky: matched where the parser stands (see Parser.matchAt).
const WORD = /[A-Za-z_]+/y;
const LETTERS = /[A-Za-z]+/y;
const IDENT = /[A-Za-z_@][A-Za-z0-9_@]*/y;
const NAME_PART = /[A-Za-z0-9_@]+/y;
const NAME_PART_WILD = /[A-Za-z0-9_@*]+/y;

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Whether a character continues an identifier, so a keyword before it is not one: [A-Za-z0-9_@.]. */
function isKeywordTail(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 64 || c === 46;
}

export function parseEsql(src: string): Query {
  return new Parser(src).parseQuery();
}

class Parser {
  pos = 0;
  constructor(readonly src: string) {}

  fail(msg: string, at = this.pos, kind: 'syntax' | 'unsupported' = 'syntax'): never {
    throw new QueryError(msg, this.src, at, kind);
  }

  ws(): void {
    const s = this.src;
    for (;;) {
      const c = s.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else if (c === 47 && s.charCodeAt(this.pos + 1) === 47) {
        while (this.pos < s.length && s[this.pos] !== '\n') this.pos++;
      } else if (c === 47 && s.charCodeAt(this.pos + 1) === 42) {
        const end = s.indexOf('*/', this.pos + 2);
        if (end < 0) this.fail('unterminated comment');
        this.pos = end + 2;
      } else return;
    }
  }

  eof(): boolean {
    this.ws();
    return this.pos >= this.src.length;
  }

  /**
   * The text a sticky pattern matches at the current position. Matching in place: slicing the
   * rest of the query for an anchored pattern at every keyword test was a tenth of parsing.
   */
  matchAt(re: RegExp): string | undefined {
    re.lastIndex = this.pos;
    return re.exec(this.src)?.[0];
  }

  /** Peek a keyword (case-insensitive, whole word). */
  peekKw(...kws: string[]): string | undefined {
    this.ws();
    const m = this.matchAt(WORD);
    if (!m) return undefined;
    const w = m.toLowerCase();
    return kws.includes(w) ? w : undefined;
  }

  kw(...kws: string[]): string | undefined {
    const k = this.peekKw(...kws);
    if (k) this.pos += k.length;
    return k;
  }

  expectKw(k: string): void {
    if (!this.kw(k)) this.fail(`expected ${k.toUpperCase()}`);
  }

  peek(str: string): boolean {
    this.ws();
    return this.src.startsWith(str, this.pos);
  }

  eat(str: string): boolean {
    if (this.peek(str)) {
      this.pos += str.length;
      return true;
    }
    return false;
  }

  expect(str: string): void {
    if (!this.eat(str)) this.fail(`expected '${str}'${this.pos < this.src.length ? ` but found '${this.src.slice(this.pos, this.pos + 12)}'` : ' at end of query'}`);
  }

  loc(min: number): Location {
    return { min, max: Math.max(min, this.lastEnd - 1) };
  }
  lastEnd = 0;

  parseQuery(): Query {
    const commands: Command[] = [];
    const settings: Setting[] = [];
    this.ws();
    while (/^set\b/i.test(this.src.slice(this.pos, this.pos + 4))) {
      const at = this.pos;
      this.pos += 3;
      this.ws();
      const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(this.src.slice(this.pos, this.pos + 100));
      if (!m) this.fail('expected a setting name after SET');
      this.pos += m[0].length;
      this.expect('=');
      this.ws();
      const valueAt = this.pos;
      const v = this.primaryExpr();
      if (v.type !== 'literal') this.fail('a setting value must be a literal', valueAt);
      settings.push({ name: m[0].toLowerCase(), value: v.value, location: this.loc(at), valueLocation: v.location });
      this.expect(';');
      this.ws();
    }
    commands.push(this.sourceCommand());
    while (!this.eof()) {
      this.expect('|');
      commands.push(this.processingCommand());
    }
    return { settings, commands, location: { min: 0, max: this.src.length - 1 } };
  }

  commandWord(): { word: string; at: number } {
    this.ws();
    const at = this.pos;
    const m = this.matchAt(WORD);
    if (!m) this.fail('expected a command');
    return { word: m.toLowerCase(), at };
  }

  sourceCommand(): Command {
    const { word, at } = this.commandWord();
    if (word === 'from') {
      this.pos += 4;
      return this.fromCommand(at);
    }
    if (word === 'row') {
      this.pos += 3;
      const fields = this.assignments(true);
      return { type: 'row', fields, location: this.loc(at) };
    }
    if (UNSUPPORTED[word]) this.fail(UNSUPPORTED[word], at, 'unsupported');
    this.fail(`unknown source command [${word.toUpperCase()}]; expected FROM or ROW`, at);
  }

  fromCommand(at: number): Command {
    const sources: string[] = [];
    const metadata: string[] = [];
    do {
      this.ws();
      if (this.peek('"')) {
        const s = this.stringLit();
        sources.push(...String(s.value).split(',').map((x) => x.trim()).filter(Boolean));
      } else {
        const m = /^[^\s,|"]+/.exec(this.src.slice(this.pos));
        if (!m) this.fail('expected an index pattern');
        sources.push(m[0]);
        this.pos += m[0].length;
        this.lastEnd = this.pos;
      }
    } while (this.eat(','));
    if (this.kw('metadata')) {
      do {
        const n = this.qualifiedName(false);
        metadata.push(n.pattern);
      } while (this.eat(','));
    }
    return { type: 'from', sources, metadata, location: this.loc(at) };
  }

  processingCommand(): Command {
    const { word, at } = this.commandWord();
    const adv = () => (this.pos = at + word.length);
    switch (word) {
      case 'where':
        adv();
        return { type: 'where', cond: this.expr(), location: this.loc(at) };
      case 'eval':
        adv();
        return { type: 'eval', fields: this.assignments(false), location: this.loc(at) };
      case 'stats':
      case 'inlinestats':
        adv();
        return this.statsCommand(at, word === 'inlinestats');
      case 'inline':
        adv();
        this.expectKw('stats');
        return this.statsCommand(at, true);
      case 'keep':
      case 'project':
      case 'drop': {
        adv();
        const patterns: NamePattern[] = [];
        do patterns.push(this.qualifiedName(true));
        while (this.eat(','));
        return { type: word === 'drop' ? 'drop' : 'keep', patterns, location: this.loc(at) };
      }
      case 'rename': {
        adv();
        const pairs: { from: NamePattern; to: NamePattern }[] = [];
        do {
          const a = this.qualifiedName(true);
          if (this.kw('as')) pairs.push({ from: a, to: this.qualifiedName(true) });
          else if (this.eat('=') && !this.peek('=')) pairs.push({ from: this.qualifiedName(true), to: a });
          else this.fail('expected AS or = in RENAME');
        } while (this.eat(','));
        return { type: 'rename', pairs, location: this.loc(at) };
      }
      case 'sort': {
        adv();
        const keys: SortKey[] = [];
        do {
          const s = this.skipWsPos();
          const expr = this.expr();
          let desc = false;
          const d = this.kw('asc', 'desc');
          if (d === 'desc') desc = true;
          let nullsFirst = desc;
          if (this.kw('nulls')) {
            const f = this.kw('first', 'last');
            if (!f) this.fail('expected FIRST or LAST');
            nullsFirst = f === 'first';
          }
          this.lastEnd = this.pos;
          keys.push({ expr, desc, nullsFirst, location: this.loc(s) });
        } while (this.eat(','));
        return { type: 'sort', keys, location: this.loc(at) };
      }
      case 'limit': {
        adv();
        this.ws();
        const m = /^\d+/.exec(this.src.slice(this.pos));
        if (!m) this.fail('LIMIT expects a non-negative integer');
        this.pos += m[0].length;
        this.lastEnd = this.pos;
        return { type: 'limit', count: Number(m[0]), location: this.loc(at) };
      }
      case 'mv_expand':
        adv();
        return { type: 'mv_expand', column: this.qualifiedName(false), location: this.loc(at) };
      case 'dissect': {
        adv();
        const input = this.primaryExpr();
        this.ws();
        const pl = this.pos;
        const p = this.stringLit();
        let appendSeparator = '';
        if (this.kw('append_separator')) {
          this.expect('=');
          this.ws();
          appendSeparator = String(this.stringLit().value);
        }
        return { type: 'dissect', input, pattern: String(p.value), appendSeparator, location: this.loc(at), patternLocation: { min: pl, max: p.location.max } };
      }
      case 'grok': {
        adv();
        const input = this.primaryExpr();
        this.ws();
        const pl = this.pos;
        const patterns: string[] = [];
        let end = pl;
        do {
          this.ws();
          const p = this.stringLit();
          patterns.push(String(p.value));
          end = p.location.max;
        } while (this.eat(','));
        return { type: 'grok', input, patterns, location: this.loc(at), patternLocation: { min: pl, max: end } };
      }
      default:
        if (UNSUPPORTED[word]) this.fail(UNSUPPORTED[word], at, 'unsupported');
        if (word === 'from' || word === 'row') this.fail(`${word.toUpperCase()} must be the first command`, at);
        this.fail(`unknown command [${word.toUpperCase()}]`, at);
    }
  }

  /** Offset of the last non-blank character before `pos` (node spans end at their last token). */
  endBefore(pos: number): number {
    let i = pos - 1;
    while (i > 0 && /\s/.test(this.src[i])) i--;
    return i;
  }

  skipWsPos(): number {
    this.ws();
    return this.pos;
  }

  statsCommand(at: number, inline: boolean): Command {
    const aggs: AggField[] = [];
    let by: Assignment[] = [];
    if (!this.peekKw('by') && !this.atCommandEnd()) {
      do {
        const a = this.assignment(false) as AggField;
        if (this.kw('where')) {
          a.where = this.expr();
          this.lastEnd = this.pos;
          a.location = this.loc(a.location.min);
        }
        aggs.push(a);
      } while (this.eat(','));
    }
    if (this.kw('by')) by = this.assignments(false);
    return { type: 'stats', inline, aggs, by, location: this.loc(at) };
  }

  atCommandEnd(): boolean {
    this.ws();
    return this.pos >= this.src.length || this.src[this.pos] === '|';
  }

  assignments(requireName: boolean): Assignment[] {
    const out: Assignment[] = [];
    do out.push(this.assignment(requireName));
    while (this.eat(','));
    return out;
  }

  assignment(requireName: boolean): Assignment {
    const start = this.skipWsPos();
    // name = expr (a qualified name followed by a single '=')
    const save = this.pos;
    const nameM = this.tryQualifiedName();
    if (nameM !== undefined) {
      this.ws();
      if (this.src[this.pos] === '=' && this.src[this.pos + 1] !== '=' && this.src[this.pos + 1] !== '~') {
        this.pos++;
        const expr = this.expr();
        return { name: nameM, expr, location: this.loc(start) };
      }
    }
    this.pos = save;
    const expr = this.expr();
    if (requireName && expr.type !== 'column') {
      // ROW accepts unnamed expressions too (named by their text).
    }
    return { name: undefined, expr, location: this.loc(start) };
  }

  tryQualifiedName(): string | undefined {
    const save = this.pos;
    try {
      const n = this.qualifiedName(false);
      return n.pattern;
    } catch {
      this.pos = save;
      return undefined;
    }
  }

  /** A dotted name whose segments may be backquoted; with `wild`, segments may contain `*`. */
  qualifiedName(wild: boolean): NamePattern {
    this.ws();
    const start = this.pos;
    const s = this.src;
    let out = '';
    for (;;) {
      if (s[this.pos] === '`') {
        let j = this.pos + 1;
        let seg = '';
        for (;;) {
          if (j >= s.length) this.fail('unterminated quoted identifier', this.pos);
          if (s[j] === '`') {
            if (s[j + 1] === '`') {
              seg += '`';
              j += 2;
              continue;
            }
            break;
          }
          seg += s[j++];
        }
        out += seg;
        this.pos = j + 1;
      } else {
        const m = this.matchAt(wild ? NAME_PART_WILD : NAME_PART);
        if (!m || (isDigit(m.charCodeAt(0)) && out === '')) this.fail('expected a column name', this.pos);
        out += m;
        this.pos += m.length;
      }
      if (s[this.pos] === '.' && (s[this.pos + 1] === '`' || /[A-Za-z0-9_@*]/.test(s[this.pos + 1] ?? ''))) {
        out += '.';
        this.pos++;
        continue;
      }
      break;
    }
    this.lastEnd = this.pos;
    return { pattern: out, location: this.loc(start) };
  }

  // ---- expressions ----
  /** Nesting depth of parenthesised / prefix expressions: bounded so hostile queries can't overflow the stack. */
  private depth = 0;

  nested<T>(at: number, parse: () => T): T {
    if (++this.depth > MAX_NESTING) this.fail(`expression nested more than ${MAX_NESTING} levels deep`, at);
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  expr(): Expr {
    const e = this.nested(this.pos, () => this.orExpr());
    this.lastEnd = Math.max(this.lastEnd, e.location.max + 1);
    return e;
  }

  orExpr(): Expr {
    let left = this.andExpr();
    while (this.kwNotIdent('or')) {
      const right = this.andExpr();
      left = { type: 'binary', op: 'or', left, right, location: { min: left.location.min, max: right.location.max } };
    }
    return left;
  }

  andExpr(): Expr {
    let left = this.notExpr();
    while (this.kwNotIdent('and')) {
      const right = this.notExpr();
      left = { type: 'binary', op: 'and', left, right, location: { min: left.location.min, max: right.location.max } };
    }
    return left;
  }

  /** A keyword that must not be the start of a longer identifier (e.g. `order`, `android`). */
  kwNotIdent(k: string): boolean {
    this.ws();
    const s = this.src;
    const at = this.pos;
    // k is lower-case letters: OR-ing 0x20 folds an ASCII upper-case letter onto its lower case.
    for (let i = 0; i < k.length; i++) if ((s.charCodeAt(at + i) | 0x20) !== k.charCodeAt(i)) return false;
    if (isKeywordTail(s.charCodeAt(at + k.length))) return false;
    this.pos += k.length;
    return true;
  }

  notExpr(): Expr {
    this.ws();
    const start = this.pos;
    if (this.kwNotIdent('not')) {
      const arg = this.nested(start, () => this.notExpr());
      return { type: 'unary', op: 'not', arg, location: { min: start, max: arg.location.max } };
    }
    return this.predicate();
  }

  predicate(): Expr {
    const left = this.comparison();
    const save = this.pos;
    this.ws();
    const negated = this.kwNotIdent('not');
    const k = this.kwNotIdent('like') ? 'like' : this.kwNotIdent('rlike') ? 'rlike' : this.kwNotIdent('in') ? 'in' : undefined;
    if (k === 'like' || k === 'rlike') {
      const patterns: Expr[] = [];
      this.ws();
      if (this.eat('(')) {
        do patterns.push(this.additive());
        while (this.eat(','));
        this.expect(')');
      } else {
        this.ws();
        patterns.push(this.additive());
      }
      return { type: 'like', op: k, negated, arg: left, patterns, location: { min: left.location.min, max: this.endBefore(this.pos) } };
    }
    if (k === 'in') {
      this.expect('(');
      const values: Expr[] = [];
      do values.push(this.expr());
      while (this.eat(','));
      this.expect(')');
      return { type: 'in', negated, arg: left, values, location: { min: left.location.min, max: this.pos - 1 } };
    }
    if (negated) {
      this.pos = save;
      return left;
    }
    if (this.kwNotIdent('is')) {
      const neg = this.kwNotIdent('not');
      if (!this.kwNotIdent('null')) this.fail('expected NULL');
      return { type: 'isnull', negated: neg, arg: left, location: { min: left.location.min, max: this.pos - 1 } };
    }
    this.pos = save;
    return left;
  }

  comparison(): Expr {
    const left = this.additive();
    this.ws();
    const s = this.src;
    let op: BinaryOp | undefined;
    for (const o of ['==', '!=', '<=', '>=', '=~', '<', '>'] as const) {
      if (s.startsWith(o, this.pos)) {
        op = o;
        break;
      }
    }
    if (!op && s[this.pos] === ':' && s[this.pos + 1] !== ':') {
      this.pos++;
      const q = this.additive();
      return { type: 'match', field: left, query: q, location: { min: left.location.min, max: q.location.max } };
    }
    if (!op) return left;
    this.pos += op.length;
    const right = this.additive();
    return { type: 'binary', op, left, right, location: { min: left.location.min, max: right.location.max } };
  }

  additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      this.ws();
      const c = this.src[this.pos];
      if ((c === '+' || c === '-') && this.src[this.pos + 1] !== '>') {
        this.pos++;
        const right = this.multiplicative();
        left = { type: 'binary', op: c, left, right, location: { min: left.location.min, max: right.location.max } };
      } else return left;
    }
  }

  multiplicative(): Expr {
    let left = this.unary();
    for (;;) {
      this.ws();
      const c = this.src[this.pos];
      if ((c === '*' || c === '/' || c === '%') && !(c === '/' && (this.src[this.pos + 1] === '/' || this.src[this.pos + 1] === '*'))) {
        this.pos++;
        const right = this.unary();
        left = { type: 'binary', op: c, left, right, location: { min: left.location.min, max: right.location.max } };
      } else return left;
    }
  }

  unary(): Expr {
    this.ws();
    const start = this.pos;
    const c = this.src[this.pos];
    if (c === '-' || c === '+') {
      this.pos++;
      const arg = this.nested(start, () => this.unary());
      if (c === '-' && arg.type === 'literal' && typeof arg.value === 'number' && arg.location.min === start + 1) {
        return negLiteral(arg, start);
      }
      if (c === '-' && arg.type === 'literal' && typeof arg.value === 'bigint') return negLiteral(arg, start);
      if (c === '-' && arg.type === 'timespan') return { ...arg, value: -arg.value, location: { min: start, max: arg.location.max } };
      return { type: 'unary', op: c, arg, location: { min: start, max: arg.location.max } };
    }
    return this.castExpr();
  }

  castExpr(): Expr {
    let e = this.primaryExpr();
    while (this.src.startsWith('::', this.pos) || (this.ws(), this.src.startsWith('::', this.pos))) {
      this.pos += 2;
      this.ws();
      const m = this.matchAt(WORD);
      if (!m) this.fail('expected a type after ::');
      this.pos += m.length;
      e = { type: 'cast', arg: e, to: m.toLowerCase(), location: { min: e.location.min, max: this.pos - 1 } };
    }
    return e;
  }

  primaryExpr(): Expr {
    this.ws();
    const s = this.src;
    const start = this.pos;
    const c = s[this.pos];
    if (c === undefined) this.fail('unexpected end of query; expected an expression');
    if (c === '(') {
      this.pos++;
      const e = this.expr();
      this.expect(')');
      return { ...e, location: e.location };
    }
    if (c === '"') return this.stringLit();
    if (c === '[') {
      this.pos++;
      const values: Expr[] = [];
      if (!this.eat(']')) {
        do values.push(this.expr());
        while (this.eat(','));
        this.expect(']');
      }
      return { type: 'list', values, location: { min: start, max: this.pos - 1 } };
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(s[this.pos + 1] ?? ''))) {
      const m = /^(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?/.exec(s.slice(this.pos));
      if (!m) this.fail('bad number');
      this.pos += m[0].length;
      const text = m[0];
      const isInt = !m[0].includes('.') && !m[2];
      let lit: Expr;
      if (isInt) {
        const big = BigInt(text);
        if (big <= 2147483647n) lit = { type: 'literal', valueType: 'integer', value: Number(big), location: { min: start, max: this.pos - 1 } };
        else if (big <= 9223372036854775807n) lit = { type: 'literal', valueType: 'long', value: normInt(big), location: { min: start, max: this.pos - 1 } };
        else if (big <= 18446744073709551615n) lit = { type: 'literal', valueType: 'unsigned_long', value: normInt(big), location: { min: start, max: this.pos - 1 } };
        else lit = { type: 'literal', valueType: 'double', value: Number(text), location: { min: start, max: this.pos - 1 } };
      } else lit = { type: 'literal', valueType: 'double', value: Number(text), location: { min: start, max: this.pos - 1 } };
      // time span: number followed by a unit
      const save = this.pos;
      this.ws();
      const u = isInt ? this.matchAt(LETTERS) : undefined;
      const unit = u === undefined ? undefined : UNITS[u.toLowerCase()];
      if (u !== undefined && unit !== undefined && !/[A-Za-z0-9_.]/.test(s[this.pos + u.length] ?? '')) {
        this.pos += u.length;
        return { type: 'timespan', value: Number(text), unit, location: { min: start, max: this.pos - 1 } };
      }
      this.pos = save;
      return lit;
    }
    if (c === '?') this.fail('query parameters are not supported offline', start, 'unsupported');
    // identifiers, keywords, function calls
    const word = this.matchAt(IDENT);
    if (word !== undefined || c === '`') {
      if (word !== undefined) {
        const w = word.toLowerCase();
        const after = s[this.pos + word.length] ?? '';
        if (after !== '.' && after !== '(') {
          if (w === 'null') {
            this.pos += 4;
            return { type: 'literal', valueType: 'null', value: null, location: { min: start, max: this.pos - 1 } };
          }
          if (w === 'true' || w === 'false') {
            this.pos += w.length;
            return { type: 'literal', valueType: 'boolean', value: w === 'true', location: { min: start, max: this.pos - 1 } };
          }
        }
        // function call: name followed by '(' (whitespace allowed)
        const j = this.pos + word.length;
        let k = j;
        while (s[k] === ' ' || s[k] === '\t' || s[k] === '\n' || s[k] === '\r') k++;
        if (s[k] === '(' && after !== '.') {
          this.pos = k + 1;
          const args: Expr[] = [];
          this.ws();
          if (s[this.pos] === '*' && /^\*\s*\)/.test(s.slice(this.pos))) {
            const st = this.pos;
            this.pos++;
            args.push({ type: 'star', location: { min: st, max: st } });
          } else if (!this.peek(')')) {
            do {
              this.ws();
              if (this.peek('{')) args.push(this.mapLiteral());
              else args.push(this.expr());
            } while (this.eat(','));
          }
          this.expect(')');
          // AUTO_BUCKET is BUCKET's name before Elasticsearch 8.14
          return { type: 'function', name: w === 'auto_bucket' ? 'bucket' : w, args, location: { min: start, max: this.pos - 1 } };
        }
        if (KEYWORDS_AFTER_EXPR.has(w) && after !== '.' && w !== 'where' && w !== 'by' && w !== 'as') {
          // a keyword where an expression was expected
          if (w === 'not' || w === 'and' || w === 'or' || w === 'like' || w === 'rlike' || w === 'in' || w === 'is') {
            this.fail(`unexpected keyword ${w.toUpperCase()}; expected an expression`, start);
          }
        }
      }
      const n = this.qualifiedName(false);
      return { type: 'column', name: n.pattern, location: n.location };
    }
    this.fail(`unexpected '${c}'; expected an expression`);
  }

  /** `{ "key": value, ... }` option maps (function options): parsed and returned as a keyword literal of JSON. */
  mapLiteral(): Expr {
    const start = this.pos;
    this.expect('{');
    const obj: Record<string, unknown> = {};
    if (!this.eat('}')) {
      do {
        this.ws();
        const k = this.stringLit();
        this.expect(':');
        const v = this.primaryExpr();
        obj[String(k.value)] = v.type === 'literal' ? v.value : null;
      } while (this.eat(','));
      this.expect('}');
    }
    return { type: 'literal', valueType: 'keyword', value: { map: obj }, location: { min: start, max: this.pos - 1 } };
  }

  stringLit(): Expr & { type: 'literal' } {
    this.ws();
    const s = this.src;
    const start = this.pos;
    if (s.startsWith('"""', this.pos)) {
      const end = s.indexOf('"""', this.pos + 3);
      if (end < 0) this.fail('unterminated string', start);
      let e = end;
      while (s[e + 3] === '"') e++; // """ab"""" : extra quotes belong to the content
      const value = s.slice(this.pos + 3, e);
      this.pos = e + 3;
      this.lastEnd = this.pos;
      return { type: 'literal', valueType: 'keyword', value, location: { min: start, max: this.pos - 1 } };
    }
    if (s[this.pos] !== '"') this.fail('expected a string');
    let j = this.pos + 1;
    let out = '';
    // Text between escapes is copied a run at a time.
    let run = j;
    for (;;) {
      const ch = s[j];
      if (ch === undefined || ch === '\n') this.fail('unterminated string', start);
      if (ch === '"') break;
      if (ch === '\\') {
        out += s.slice(run, j);
        const n = s[j + 1];
        if (n !== undefined && ESCAPES[n] !== undefined) {
          out += ESCAPES[n];
          run = j += 2;
          continue;
        }
        if (n === 'u' && /^[0-9a-fA-F]{4}/.test(s.slice(j + 2, j + 6))) {
          out += String.fromCharCode(parseInt(s.slice(j + 2, j + 6), 16));
          run = j += 6;
          continue;
        }
        this.fail(`invalid escape sequence \\${n ?? ''}`, j);
      }
      j++;
    }
    out += s.slice(run, j);
    this.pos = j + 1;
    this.lastEnd = this.pos;
    return { type: 'literal', valueType: 'keyword', value: out, location: { min: start, max: this.pos - 1 } };
  }
}

function negLiteral(arg: Expr & { type: 'literal' }, start: number): Expr {
  const x = arg.value as number | bigint;
  let valueType = arg.valueType;
  let v: number | bigint = typeof x === 'bigint' ? normInt(-x) : -x;
  if (valueType === 'long' && v >= -2147483648) valueType = 'integer';
  if (valueType === 'unsigned_long') {
    valueType = v >= -9223372036854775808n ? 'long' : 'double';
    if (valueType === 'double') v = Number(v);
  }
  return { type: 'literal', valueType, value: v, location: { min: start, max: arg.location.max } };
}

export { UNITS };
