/** The ES|QL `KQL("…")` function: the query compiled by the KQL engine, its errors as ES|QL errors. */
import type { Discriminator } from '../discriminator.js';
import { compileKql, kqlDiscriminators, kqlFields, parseKql } from '../kql/index.js';

export function kqlPredicate(query: string, now: number, syntaxError: (msg: string) => Error): (doc: Record<string, unknown>) => boolean {
  try {
    return compileKql(query, { now });
  } catch (e) {
    throw syntaxError((e as Error).message);
  }
}

/** The necessary field conditions of `KQL("…")` (none when it does not parse: compiling reports that). */
export function kqlConditions(query: string): Discriminator[] {
  try {
    return kqlDiscriminators(parseKql(query));
  } catch {
    return [];
  }
}

/**
 * The document fields `KQL("…")` reads, or undefined when it may read any (a wildcard field name,
 * free text) or does not parse.
 */
export function kqlReads(query: string): string[] | undefined {
  try {
    const fields = kqlFields(parseKql(query));
    return fields.some((f) => f.includes('*')) ? undefined : fields;
  } catch {
    return undefined;
  }
}
