import type { KqlNode } from '../ast.js';

export type DocPredicate = (doc: Record<string, unknown>) => boolean;

export interface CompileContext {
  /** Evaluation clock for date math (epoch ms). */
  now: number;
  /** Compiles a child node (dispatch lives in compile/index.ts). */
  compile(node: KqlNode): DocPredicate;
}

export const matchAll: DocPredicate = () => true;
export const matchNone: DocPredicate = () => false;
