/**
 * Recursive-descent KQL parser following the Kibana kuery grammar:
 *
 *   query      = orQuery? EOF                      (empty / whitespace-only = match all)
 *   orQuery    = andQuery (OR andQuery)*
 *   andQuery   = notQuery (AND notQuery)*          (not > and > or)
 *   notQuery   = NOT subQuery | subQuery           (`not not x` needs parentheses)
 *   subQuery   = "(" orQuery ")" | expression
 *   expression = field ":" "{" orQuery "}"         nested
 *              | field rangeOp literal
 *              | field ":" valueList
 *              | value                             free text
 *   valueList  = orValues where a value is NOT* ( "(" orValues ")" | value )
 */
import { QueryError } from '../query-error.js';
import type { KqlNode, KqlValue, LiteralValue, Location, RangeOperator } from './ast.js';
import { describeFound, tokenize, type Token } from './lexer.js';

const RANGE_OPS: Record<string, RangeOperator> = { '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte' };
// Expected-lists worded as Kibana's grammar reports them.
const EXPRESSION_START = '"(", NOT, field name, value';
const QUERY_START = '"(", NOT, end of query, field name, value, whitespace';
const AFTER_NOT = '"(", field name, value';
const AFTER_COLON = '"(", "{", value, whitespace';
const LIST_VALUE = '"(", NOT, value';
const AFTER_VALUE_NOT = '"(", value';
/** Deeper groups than this are rejected rather than risking the call stack. */
const MAX_DEPTH = 500;

export function parseKql(query: string): KqlNode {
  return new Parser(query).parseQuery();
}

class Parser {
  private readonly tokens: Token[];
  private pos = 0;
  private depth = 0;

  constructor(private readonly src: string) {
    this.tokens = tokenize(src);
  }

  parseQuery(): KqlNode {
    const first = this.peek();
    if (first.kind === 'eof') return { type: 'match_all', location: { min: 0, max: this.src.length } };
    if (!['lparen', 'not', 'quoted', 'unquoted'].includes(first.kind)) this.fail(QUERY_START, first);
    const node = this.orQuery();
    const t = this.peek();
    if (t.kind !== 'eof') this.fail('AND, OR, end of query', t);
    return node;
  }

  private peek(): Token {
    return this.tokens[this.pos];
  }

  private next(): Token {
    const t = this.tokens[this.pos];
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  private fail(expected: string, t: Token): never {
    const found = t.kind === 'eof' ? 'end of query' : describeFound(this.src, t.start);
    throw new QueryError(`Expected ${expected} but ${found} found`, this.src, t.start);
  }

  private enter(t: Token): void {
    if (++this.depth > MAX_DEPTH) {
      throw new QueryError(`Query nests deeper than ${MAX_DEPTH} levels`, this.src, t.start);
    }
  }

  private expect(kind: Token['kind'], label: string): Token {
    const t = this.peek();
    if (t.kind !== kind) this.fail(label, t);
    return this.next();
  }

  private orQuery(): KqlNode {
    const children = [this.andQuery()];
    while (this.peek().kind === 'or') {
      this.next();
      children.push(this.andQuery());
    }
    return combine('or', children);
  }

  private andQuery(): KqlNode {
    const children = [this.notQuery()];
    while (this.peek().kind === 'and') {
      this.next();
      children.push(this.notQuery());
    }
    return combine('and', children);
  }

  private notQuery(): KqlNode {
    const t = this.peek();
    if (t.kind === 'not') {
      this.next();
      if (this.peek().kind === 'not') this.fail(AFTER_NOT, this.peek());
      const child = this.subQuery(AFTER_NOT);
      return { type: 'not', child, location: { min: t.start, max: child.location.max } };
    }
    return this.subQuery();
  }

  private subQuery(expected = EXPRESSION_START): KqlNode {
    const t = this.peek();
    if (t.kind === 'lparen') {
      this.next();
      this.enter(t);
      const inner = this.orQuery();
      this.expect('rparen', '")"');
      this.depth--;
      return inner;
    }
    return this.expression(expected);
  }

  private literal(expected: string): KqlValue {
    const t = this.peek();
    if (t.kind !== 'quoted' && t.kind !== 'unquoted') this.fail(expected, t);
    this.next();
    return toValue(t);
  }

  private expression(expected: string): KqlNode {
    const first = this.literal(expected);
    const t = this.peek();
    if (t.kind === 'range') {
      this.next();
      const v = this.literal('literal, whitespace');
      const value: LiteralValue = v.kind === 'literal' ? v : { kind: 'literal', value: v.segments.join('*'), quoted: false, location: v.location };
      return { type: 'range', field: first, operator: RANGE_OPS[t.text], value, location: span(first.location, v.location) };
    }
    if (t.kind !== 'colon') return { type: 'is', field: null, value: first, location: first.location };
    this.next();
    if (this.peek().kind === 'lbrace') {
      this.enter(this.next());
      const child = this.orQuery();
      const close = this.expect('rbrace', '"}"');
      this.depth--;
      return { type: 'nested', path: first, child, location: { min: first.location.min, max: close.end } };
    }
    const node = this.valueNot(first, AFTER_COLON);
    return withMin(node, first.location.min);
  }

  private valueOr(field: KqlValue): KqlNode {
    const children = [this.valueAnd(field)];
    while (this.peek().kind === 'or') {
      this.next();
      children.push(this.valueAnd(field));
    }
    return combine('or', children);
  }

  private valueAnd(field: KqlValue): KqlNode {
    const children = [this.valueNot(field, LIST_VALUE)];
    while (this.peek().kind === 'and') {
      this.next();
      children.push(this.valueNot(field, LIST_VALUE));
    }
    return combine('and', children);
  }

  /** Value-level `not` may repeat (`f: not not v`). */
  private valueNot(field: KqlValue, expected: string): KqlNode {
    const t = this.peek();
    if (t.kind === 'not') {
      this.next();
      this.enter(t);
      const child = this.valueNot(field, AFTER_VALUE_NOT);
      this.depth--;
      return { type: 'not', child, location: { min: t.start, max: child.location.max } };
    }
    if (t.kind === 'lparen') {
      this.next();
      this.enter(t);
      const inner = this.valueOr(field);
      const close = this.expect('rparen', '")"');
      this.depth--;
      return withMax(inner, close.end);
    }
    const value = this.literal(expected);
    return { type: 'is', field, value, location: value.location };
  }
}

function toValue(t: Token): KqlValue {
  const location: Location = { min: t.start, max: t.end };
  if (t.kind === 'quoted') return { kind: 'literal', value: t.text, quoted: true, location };
  const segs = t.segments ?? [t.text];
  if (segs.length > 1) return { kind: 'wildcard', segments: segs, location };
  const text = segs[0];
  const value = text === 'true' ? true : text === 'false' ? false : text === 'null' ? null : text;
  return { kind: 'literal', value, quoted: false, location };
}

function combine(type: 'and' | 'or', children: KqlNode[]): KqlNode {
  if (children.length === 1) return children[0];
  // Same-level chains are n-ary; a parenthesised group of the same kind stays a separate node.
  return { type, children, location: span(children[0].location, children[children.length - 1].location) };
}

function span(a: Location, b: Location): Location {
  return { min: a.min, max: b.max };
}

function withMin(node: KqlNode, min: number): KqlNode {
  return node.location.min <= min ? node : { ...node, location: { min, max: node.location.max } };
}

function withMax(node: KqlNode, max: number): KqlNode {
  return node.location.max >= max ? node : { ...node, location: { min: node.location.min, max } };
}
