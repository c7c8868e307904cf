import { QueryError } from '../query-error.js';
import type { EventQuery, Expr, Loc, Pipe, Query, Stage } from './ast.js';
import { lex, type Token } from './lexer.js';

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'like', 'regex', 'where', 'sequence', 'sample', 'by', 'with', 'until', 'true', 'false', 'null', 'of', 'join', 'maxspan', 'runs']);
const COMPARE_OPS = new Set(['==', '!=', '<', '<=', '>', '>=']);
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000 };

export function parseEql(src: string): Query {
  return new Parser(src).parseQuery();
}

class Parser {
  private toks: Token[];
  private p = 0;
  constructor(private src: string) { this.toks = lex(src); }

  private get t(): Token { return this.toks[this.p]; }
  private peek(k = 1): Token { return this.toks[Math.min(this.p + k, this.toks.length - 1)]; }
  private err(msg: string, at = this.t.min, kind: 'syntax' | 'type' | 'unsupported' = 'syntax'): never {
    throw new QueryError(msg, this.src, at, kind);
  }
  private isKw(w: string, t = this.t): boolean {
    return t.kind === 'ident' && !t.quoted && t.value.length === w.length && (t.value === w || t.value.toLowerCase() === w);
  }
  private isOp(o: string, t = this.t): boolean { return t.kind === 'op' && t.value === o; }
  private eatKw(w: string): boolean { if (this.isKw(w)) { this.p++; return true; } return false; }
  private eatOp(o: string): boolean { if (this.isOp(o)) { this.p++; return true; } return false; }
  private expectOp(o: string): Token {
    if (!this.isOp(o)) this.err(`expected '${o}' but found ${this.desc()}`);
    return this.toks[this.p++];
  }
  private expectKw(w: string): Token {
    if (!this.isKw(w)) this.err(`expected '${w}' but found ${this.desc()}`);
    return this.toks[this.p++];
  }
  private desc(): string { return this.t.kind === 'eof' ? 'end of query' : `'${this.t.value}'`; }
  private loc(min: number): Loc { return { min, max: this.toks[Math.max(0, this.p - 1)].max }; }

  parseQuery(): Query {
    const start = this.t.min;
    let q: Query;
    if (this.isKw('sequence')) q = this.parseSequence();
    else if (this.isKw('sample')) q = this.parseSample();
    else if (this.isKw('join')) this.err('join is not supported by Elasticsearch EQL', this.t.min, 'unsupported');
    else {
      const query = this.parseEventQuery();
      q = { type: 'eventQuery', query, pipes: [], location: this.loc(start) };
    }
    q.pipes = this.parsePipes();
    if (this.t.kind !== 'eof') this.err(`unexpected ${this.desc()}`);
    q.location = this.loc(start);
    return q;
  }

  private parsePipes(): Pipe[] {
    const pipes: Pipe[] = [];
    while (this.eatOp('|')) {
      const start = this.t.min;
      if (this.t.kind !== 'ident') this.err(`expected pipe name but found ${this.desc()}`);
      const name = this.toks[this.p++].value;
      const args: Expr[] = [];
      while ((this.t as Token).kind !== "eof" && !this.isOp('|')) {
        args.push(this.parseExpr());
        if (!this.eatOp(',')) break;
      }
      pipes.push({ type: 'pipe', name, args, location: this.loc(start) });
    }
    return pipes;
  }

  private parseEventQuery(): EventQuery {
    const start = this.t.min;
    const t = this.t;
    let category: string | null;
    if (t.kind === 'string') category = t.text!;
    else if (t.kind === 'ident') category = t.value;
    else this.err(`expected event category but found ${this.desc()}`);
    if (!t.quoted && t.kind === 'ident' && KEYWORDS.has(t.value.toLowerCase())) this.err(`expected event category but found '${t.value}'`);
    this.p++;
    if (!t.quoted && t.kind === 'ident' && category === 'any') category = null;
    this.expectKw('where');
    const condition = this.parseExpr();
    return { type: 'event', category, condition, location: this.loc(start) };
  }

  private parseBy(): Expr[] {
    const keys: Expr[] = [this.parseExpr()];
    while (this.eatOp(',')) keys.push(this.parseExpr());
    return keys;
  }

  private parseMaxspan(): number {
    this.expectKw('maxspan');
    this.expectOp('=');
    const t = this.t;
    if (t.kind !== 'number' || t.isFloat) this.err('maxspan must be an integer followed by a time unit (ms, s, m, h, d)');
    this.p++;
    const u = this.t;
    if (u.kind === 'ident' && !u.quoted && u.min === t.max && u.value in UNITS) {
      this.p++;
      return t.num! * UNITS[u.value];
    }
    if (u.kind === 'ident' && u.min === t.max) this.err(`unknown time unit '${u.value}'`, u.min);
    this.err('maxspan needs a time unit (ms, s, m, h, d)', t.max);
  }

  private parseStage(allowMissing: boolean, allowRuns: boolean): Stage {
    const start = this.t.min;
    let missing = false;
    if ((this.isOp('!') || this.isOp('-')) && this.isOp('[', this.peek())) {
      if (!allowMissing) this.err('missing events are only allowed in sequences');
      this.p++; missing = true;
    }
    this.expectOp('[');
    const query = this.parseEventQuery();
    this.expectOp(']');
    let runs = 1;
    let by: Expr[] = [];
    // `by` and `with runs` in either order
    for (let k = 0; k < 2; k++) {
      if (this.isKw('by')) { this.p++; by = this.parseBy(); }
      else if (this.isKw('with') && this.isKw('runs', this.peek())) {
        if (!allowRuns) this.err('runs is only allowed in sequences');
        const at = this.t.min;
        this.p += 2;
        this.expectOp('=');
        const n = this.t;
        if (n.kind !== 'number' || n.isFloat) this.err('runs must be an integer');
        this.p++;
        runs = n.num!;
        if (runs < 1 || runs > 100) this.err('runs must be between 1 and 100', at);
      }
    }
    return { type: 'stage', query, by, runs, missing, location: this.loc(start) };
  }

  private parseSequence(): Query {
    const start = this.t.min;
    this.p++;
    let by: Expr[] = [];
    let maxspan: number | null = null;
    for (let k = 0; k < 2; k++) {
      if (this.eatKw('by')) by = this.parseBy();
      else if (this.eatKw('with')) {
        maxspan = this.parseMaxspan();
      }
    }
    const stages: Stage[] = [];
    while (this.isOp('[') || ((this.isOp('!') || this.isOp('-')) && this.isOp('[', this.peek()))) stages.push(this.parseStage(true, true));
    let until: Stage | null = null;
    if (this.eatKw('until')) until = this.parseStage(false, false);
    const real = stages.reduce((n, s) => n + (s.missing ? 0 : s.runs), 0);
    if (real + stages.filter((s) => s.missing).length < 2 || real < 1) this.err('a sequence requires a minimum of 2 queries', start);
    if (stages.some((s) => s.missing) && stages.filter((s) => !s.missing).length === 0) this.err('a sequence requires at least one non-missing query', start);
    if (maxspan === null && (stages[0].missing || stages[stages.length - 1].missing)) {
      this.err('missing events at the start or end of a sequence require maxspan', start);
    }
    const loc = this.loc(start);
    this.checkByCounts(by, stages.concat(until ? [until] : []));
    return { type: 'sequence', by, maxspan, stages, until, pipes: [], location: loc };
  }

  private checkByCounts(by: Expr[], stages: Stage[]): void {
    const n = stages[0].by.length;
    for (const s of stages) {
      if (s.by.length !== n) this.err(`inconsistent number of join keys: ${n} and ${s.by.length}`, s.location.min);
    }
    for (const k of by) if (k.type !== 'field') this.err('join keys must be fields', k.location.min, 'unsupported');
    for (const s of stages) for (const k of s.by) if (k.type !== 'field') this.err('join keys must be fields', k.location.min, 'unsupported');
  }

  private parseSample(): Query {
    const start = this.t.min;
    this.p++;
    let by: Expr[] = [];
    if (this.eatKw('by')) by = this.parseBy();
    if (this.isKw('with')) this.err('sample does not support maxspan', this.t.min);
    const stages: Stage[] = [];
    while (this.isOp('[') || this.isOp('!')) stages.push(this.parseStage(false, false));
    if (stages.length < 2) this.err('a sample requires a minimum of 2 queries', start);
    if (stages.length > 5) this.err('a sample supports a maximum of 5 queries', start);
    this.checkByCounts(by, stages);
    if (by.length + stages[0].by.length === 0) this.err('a sample requires join keys', start);
    return { type: 'sample', by, stages, pipes: [], location: this.loc(start) };
  }

  // ---- expressions ----
  parseExpr(): Expr { return this.parseOr(); }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.isKw('or')) {
      this.p++;
      const right = this.parseAnd();
      left = { type: 'logic', op: 'or', left, right, location: { min: left.location.min, max: right.location.max } };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.isKw('and')) {
      this.p++;
      const right = this.parseNot();
      left = { type: 'logic', op: 'and', left, right, location: { min: left.location.min, max: right.location.max } };
    }
    return left;
  }

  private parseNot(): Expr {
    if (this.isKw('not')) {
      const start = this.t.min;
      this.p++;
      const arg = this.parseNot();
      return { type: 'not', arg, location: { min: start, max: arg.location.max } };
    }
    return this.parsePredicate();
  }

  private parsePredicate(): Expr {
    const left = this.parseAdd();
    const t = this.t;
    if (t.kind === 'op' && COMPARE_OPS.has(t.value)) {
      this.p++;
      const right = this.parseAdd();
      const e: Expr = { type: 'compare', op: t.value as '==', left, right, location: { min: left.location.min, max: right.location.max } };
      const nt = this.t;
      if (nt.kind === 'op' && (COMPARE_OPS.has(nt.value) || nt.value === ':')) this.err(`unexpected '${nt.value}': comparisons cannot be chained`);
      return e;
    }
    if (this.isOp('=')) this.err("'=' is not supported, use '==' or ':'", t.min);
    if (this.isOp(':') || this.isOp('!:')) {
      const neg = this.t.value === '!:';
      this.p++;
      const patterns = this.parseListOrOne();
      const m: Expr = { type: 'match', op: ':', arg: left, patterns, ci: true, location: this.loc(left.location.min) };
      return neg ? { type: 'not', arg: m, location: m.location } : m;
    }
    let negated = false;
    if (this.isKw('not') && this.isKw('in', this.peek())) { this.p++; negated = true; }
    if (this.isKw('in')) {
      this.p++;
      const ci = this.tilde();
      const list = this.parseList();
      return { type: 'in', arg: left, list, ci, negated, location: this.loc(left.location.min) };
    }
    if (negated) this.err("expected 'in'");
    if (this.isKw('like') || this.isKw('regex')) {
      const op = this.t.value.toLowerCase() as 'like' | 'regex';
      this.p++;
      const ci = this.tilde();
      const patterns = this.parseListOrOne();
      return { type: 'match', op, arg: left, patterns, ci, location: this.loc(left.location.min) };
    }
    if (this.isKw('of')) this.err("'of' (lineage) is not supported by Elasticsearch EQL", this.t.min, 'unsupported');
    return left;
  }

  private tilde(): boolean {
    if (this.isOp('~') && this.t.min === this.toks[this.p - 1].max) { this.p++; return true; }
    return false;
  }

  private parseList(): Expr[] {
    this.expectOp('(');
    const list: Expr[] = [];
    if (!this.isOp(')')) {
      list.push(this.parseListItem());
      while (this.eatOp(',')) list.push(this.parseListItem());
    }
    this.expectOp(')');
    if (list.length === 0) this.err('empty list', this.toks[this.p - 1].min);
    return list;
  }

  /**
   * parseExpr for one list element. Lists of rules run to hundreds of string constants: one
   * followed by `,` or `)` parses to that literal (what the descent through every precedence
   * level would return), without the descent.
   */
  private parseListItem(): Expr {
    const t = this.t;
    if (t.kind === 'string') {
      const nx = this.toks[this.p + 1];
      if (nx.kind === 'op' && (nx.value === ',' || nx.value === ')')) {
        this.p++;
        return { type: 'literal', value: t.text!, location: { min: t.min, max: t.max } };
      }
    }
    return this.parseExpr();
  }

  private parseListOrOne(): Expr[] {
    if (this.isOp('(')) {
      const save = this.p;
      const list = this.parseList();
      if (list.length > 1 || this.isOp(')') === false) return list;
      this.p = save;
    }
    return [this.parseAdd()];
  }

  private parseAdd(): Expr {
    let left = this.parseMul();
    while (this.isOp('+') || (this.isOp('-') && !this.isOp('[', this.peek()))) {
      const op = this.toks[this.p++].value as '+';
      const right = this.parseMul();
      left = { type: 'arith', op, left, right, location: { min: left.location.min, max: right.location.max } };
    }
    return left;
  }

  private parseMul(): Expr {
    let left = this.parseUnary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const op = this.toks[this.p++].value as '*';
      const right = this.parseUnary();
      left = { type: 'arith', op, left, right, location: { min: left.location.min, max: right.location.max } };
    }
    return left;
  }

  private parseUnary(): Expr {
    if (this.isOp('-') || this.isOp('+')) {
      const t = this.toks[this.p++];
      const arg = this.parseUnary();
      if (t.value === '+') return arg;
      if (arg.type === 'literal' && typeof arg.value === 'number') {
        return { ...arg, value: -arg.value, location: { min: t.min, max: arg.location.max } };
      }
      return { type: 'neg', arg, location: { min: t.min, max: arg.location.max } };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Expr {
    const t = this.t;
    const start = t.min;
    if (t.kind === 'number') {
      this.p++;
      return { type: 'literal', value: t.num!, isFloat: t.isFloat, location: { min: t.min, max: t.max } };
    }
    if (t.kind === 'string') {
      this.p++;
      return { type: 'literal', value: t.text!, location: { min: t.min, max: t.max } };
    }
    if (this.isOp('(')) {
      this.p++;
      const e = this.parseExpr();
      this.expectOp(')');
      return { ...e, location: this.loc(start) } as Expr;
    }
    if (this.isOp('?')) {
      this.p++;
      const f = this.t;
      if (f.kind !== 'ident' || f.min !== t.max) this.err('expected field name after ?');
      this.p++;
      return { type: 'field', path: f.value, optional: true, location: this.loc(start) };
    }
    if (t.kind === 'ident') {
      const lower = t.value.toLowerCase();
      if (!t.quoted) {
        if (lower === 'true' || lower === 'false') { this.p++; return { type: 'literal', value: lower === 'true', location: { min: t.min, max: t.max } }; }
        if (lower === 'null') { this.p++; return { type: 'literal', value: null, location: { min: t.min, max: t.max } }; }
        const nx = this.peek();
        const tildeCall = this.isOp('~', nx) && nx.min === t.max && this.isOp('(', this.peek(2));
        if (this.isOp('(', nx) || tildeCall) {
          this.p++;
          const ci = this.eatOp('~');
          this.expectOp('(');
          const args: Expr[] = [];
          if (!this.isOp(')')) {
            args.push(this.parseExpr());
            while (this.eatOp(',')) args.push(this.parseExpr());
          }
          this.expectOp(')');
          return { type: 'call', name: t.value, ci, args, location: this.loc(start) };
        }
        if (KEYWORDS.has(lower)) this.err(`unexpected keyword '${t.value}'`);
      }
      this.p++;
      return { type: 'field', path: t.value, optional: false, location: { min: t.min, max: t.max } };
    }
    this.err(`unexpected ${this.desc()}`);
  }
}
