/** KQL abstract syntax tree. Every node carries its [min, max) offsets into the query text. */
export interface Location {
  min: number;
  max: number;
}

/** A literal token: unquoted (`foo`, `true`, `42`) or a double-quoted phrase. */
export interface LiteralValue {
  kind: 'literal';
  /** Unquoted `true`/`false`/`null` become boolean/null; everything else stays text (`070` too). */
  value: string | boolean | null;
  quoted: boolean;
  location: Location;
}

/** An unquoted token with at least one unescaped `*`: the text between the stars, in order. */
export interface WildcardValue {
  kind: 'wildcard';
  /** `foo*bar` → ['foo', 'bar']; `*` → ['', '']. Escapes are already decoded. */
  segments: string[];
  location: Location;
}

export type KqlValue = LiteralValue | WildcardValue;

export interface MatchAllNode {
  type: 'match_all';
  location: Location;
}

/** `field:value`, or free text when `field` is null. `field:*` is an exists check. */
export interface IsNode {
  type: 'is';
  field: KqlValue | null;
  value: KqlValue;
  location: Location;
}

export type RangeOperator = 'gt' | 'gte' | 'lt' | 'lte';

export interface RangeNode {
  type: 'range';
  field: KqlValue;
  operator: RangeOperator;
  value: LiteralValue;
  location: Location;
}

/** `path:{ query }`: every condition of `child` must hold within one element at `path`. */
export interface NestedNode {
  type: 'nested';
  path: KqlValue;
  child: KqlNode;
  location: Location;
}

export interface AndNode {
  type: 'and';
  children: KqlNode[];
  location: Location;
}

export interface OrNode {
  type: 'or';
  children: KqlNode[];
  location: Location;
}

export interface NotNode {
  type: 'not';
  child: KqlNode;
  location: Location;
}

export type KqlNode = MatchAllNode | IsNode | RangeNode | NestedNode | AndNode | OrNode | NotNode;

/** The text of a field or value token, with wildcards rendered back as `*`. */
export function valueText(v: KqlValue): string {
  if (v.kind === 'wildcard') return v.segments.join('*');
  return v.value === null ? 'null' : String(v.value);
}

export function isWildcardAll(v: KqlValue): boolean {
  return v.kind === 'wildcard' && v.segments.length === 2 && v.segments[0] === '' && v.segments[1] === '';
}
