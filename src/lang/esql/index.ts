/**
 * ES|QL for trawl: lexer/parser (parser.ts, ast.ts) → per-command compilers (where.ts, eval.ts,
 * stats.ts, …) → a push-based pipeline over documents.
 */
import { compileInternal, type EsqlQuery } from './compile.js';
import { QueryError } from '../query-error.js';

export type { EsqlColumn, EsqlExecutor, EsqlMeta, EsqlQuery, EsqlResult, EsqlRow } from './compile.js';
export type { EsqlType } from './types.js';

export interface EsqlOptions {
  /** Fixed clock for NOW() and date math; default Date.now() at compile. */
  now?: number;
  /**
   * FROM without KEEP or STATS returns every field its result documents hold, as Elasticsearch
   * returns every mapped field (`trawl query`). Off: only the fields the query names (rules keep
   * the whole event beside each row anyway).
   */
  allFields?: boolean;
  /**
   * A query with no LIMIT command returns at most this many rows, as Elasticsearch returns 1,000
   * by default (`trawl query`); EsqlResult.cut counts the rows left out. Off: every row.
   */
  defaultLimit?: number;
}

/** Compile an ES|QL query. Throws QueryError (syntax, type, or unsupported). */
export function compileEsql(query: string, options: EsqlOptions = {}): EsqlQuery {
  try {
    return compileInternal(query, { now: options.now, allFields: options.allFields, defaultLimit: options.defaultLimit });
  } catch (err) {
    // A very long operator chain compiles recursively: report it, never crash on a RangeError.
    if (err instanceof RangeError) throw new QueryError('query is too deeply nested to compile', query, 0);
    throw err;
  }
}
