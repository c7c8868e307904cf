/** The ES|QL `KQL("…")` function: the query compiled by the KQL engine, its errors as ES|QL errors. */
import { compileKql } from '../kql/index.js';

export function kqlPredicate(query: string, now: number, syntaxError: (msg: string) => Error): (doc: Record<string, unknown>) => boolean {
  try {
    return compileKql(query, { now });
  } catch (e) {
    throw syntaxError((e as Error).message);
  }
}
