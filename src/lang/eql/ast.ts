export interface Loc { min: number; max: number }
export type Lit = string | number | boolean | null;

export type Expr =
  | { type: 'literal'; value: Lit; isFloat?: boolean; location: Loc }
  | { type: 'field'; path: string; optional: boolean; location: Loc }
  | { type: 'not'; arg: Expr; location: Loc }
  | { type: 'neg'; arg: Expr; location: Loc }
  | { type: 'logic'; op: 'and' | 'or'; left: Expr; right: Expr; location: Loc }
  | { type: 'compare'; op: '==' | '!=' | '<' | '<=' | '>' | '>='; left: Expr; right: Expr; location: Loc }
  | { type: 'arith'; op: '+' | '-' | '*' | '/' | '%'; left: Expr; right: Expr; location: Loc }
  | { type: 'in'; arg: Expr; list: Expr[]; ci: boolean; negated: boolean; location: Loc }
  | { type: 'match'; op: ':' | 'like' | 'regex'; arg: Expr; patterns: Expr[]; ci: boolean; location: Loc }
  | { type: 'call'; name: string; ci: boolean; args: Expr[]; location: Loc };

export interface EventQuery { type: 'event'; category: string | null; condition: Expr; location: Loc }

export interface Stage {
  type: 'stage';
  query: EventQuery;
  by: Expr[];
  runs: number;
  missing: boolean;
  location: Loc;
}

export interface Pipe { type: 'pipe'; name: string; args: Expr[]; location: Loc }

export type Query =
  | { type: 'eventQuery'; query: EventQuery; pipes: Pipe[]; location: Loc }
  | { type: 'sequence'; by: Expr[]; maxspan: number | null; stages: Stage[]; until: Stage | null; pipes: Pipe[]; location: Loc }
  | { type: 'sample'; by: Expr[]; stages: Stage[]; pipes: Pipe[]; location: Loc };
