/** ES|QL abstract syntax tree. Every node carries its source span (`min`..`max`, inclusive offsets). */
export interface Location {
  min: number;
  max: number;
}

export type Expr =
  | { type: 'literal'; valueType: LiteralType; value: unknown; location: Location }
  | { type: 'timespan'; value: number; unit: string; location: Location }
  | { type: 'column'; name: string; location: Location }
  | { type: 'star'; location: Location }
  | { type: 'list'; values: Expr[]; location: Location }
  | { type: 'function'; name: string; args: Expr[]; location: Location }
  | { type: 'unary'; op: '-' | '+' | 'not'; arg: Expr; location: Location }
  | { type: 'binary'; op: BinaryOp; left: Expr; right: Expr; location: Location }
  | { type: 'like'; op: 'like' | 'rlike'; negated: boolean; arg: Expr; patterns: Expr[]; location: Location }
  | { type: 'in'; negated: boolean; arg: Expr; values: Expr[]; location: Location }
  | { type: 'isnull'; negated: boolean; arg: Expr; location: Location }
  | { type: 'cast'; arg: Expr; to: string; location: Location }
  | { type: 'match'; field: Expr; query: Expr; location: Location };

export type LiteralType = 'integer' | 'long' | 'double' | 'unsigned_long' | 'keyword' | 'boolean' | 'null';
export type BinaryOp = 'and' | 'or' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '=~' | '+' | '-' | '*' | '/' | '%';

export interface Assignment {
  /** Column name; undefined when the expression is unnamed (named by its source text). */
  name: string | undefined;
  expr: Expr;
  location: Location;
}

export interface AggField extends Assignment {
  where?: Expr;
}

export interface SortKey {
  expr: Expr;
  desc: boolean;
  nullsFirst: boolean;
  location: Location;
}

export interface NamePattern {
  pattern: string;
  location: Location;
}

export type Command =
  | { type: 'from'; sources: string[]; metadata: string[]; location: Location }
  | { type: 'row'; fields: Assignment[]; location: Location }
  | { type: 'where'; cond: Expr; location: Location }
  | { type: 'eval'; fields: Assignment[]; location: Location }
  | { type: 'stats'; inline: boolean; aggs: AggField[]; by: Assignment[]; location: Location }
  | { type: 'keep'; patterns: NamePattern[]; location: Location }
  | { type: 'drop'; patterns: NamePattern[]; location: Location }
  | { type: 'rename'; pairs: { from: NamePattern; to: NamePattern }[]; location: Location }
  | { type: 'sort'; keys: SortKey[]; location: Location }
  /** `implicit`: the default limit a query without LIMIT gets (`defaultLimit`); it counts the rows it leaves out. */
  | { type: 'limit'; count: number; location: Location; implicit?: boolean }
  | { type: 'mv_expand'; column: NamePattern; location: Location }
  | { type: 'dissect'; input: Expr; pattern: string; appendSeparator: string; location: Location; patternLocation: Location }
  | { type: 'grok'; input: Expr; patterns: string[]; location: Location; patternLocation: Location };

/** `SET name = value;` before the query (time_zone, unmapped_fields, …). */
export interface Setting {
  name: string;
  value: unknown;
  location: Location;
  valueLocation: Location;
}

export interface Query {
  settings: Setting[];
  commands: Command[];
  location: Location;
}
