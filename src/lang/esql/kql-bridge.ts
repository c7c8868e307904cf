/**
 * Bridge to the KQL engine for the ES|QL `KQL("…")` function. The KQL module is loaded once,
 * dynamically, so ES|QL still loads (and reports KQL() as unsupported) when it is absent.
 */
type CompileKql = (query: string, options?: { now?: number }) => (doc: Record<string, unknown>) => boolean;

let compileKql: CompileKql | undefined;
try {
  const path = '../kql/index.js';
  const mod = (await import(path)) as { compileKql?: CompileKql };
  compileKql = typeof mod.compileKql === 'function' ? mod.compileKql : undefined;
} catch {
  compileKql = undefined;
}

export function kqlAvailable(): boolean {
  return compileKql !== undefined;
}

export function kqlPredicate(
  query: string,
  now: number,
  syntaxError: (msg: string) => Error,
  missing: () => Error,
): (doc: Record<string, unknown>) => boolean {
  if (!compileKql) throw missing();
  try {
    return compileKql(query, { now });
  } catch (e) {
    throw syntaxError((e as Error).message);
  }
}
