/**
 * The parts of a conjunction in the order that should fail soonest for least work.
 *
 * Rules are written broad-to-narrow: category, OS and event type, then the names that matter,
 * then exclusions. In source order an event the rule does not match passes several conditions
 * before it fails one; routing already holds the broad ones for every event a rule meets, and
 * exclusions almost always pass. The answer is the same in any order: the parts are pure tests
 * of one document, and (three-valued) AND commutes.
 *
 * Each language ranks its own nodes on this scale; equal ranks keep their source order.
 */
export const FailureRank = {
  /** Equality or membership on a field that decides the rule (process.name in (…)). */
  exact: 0,
  /** Wildcards, and alternatives (an OR). */
  pattern: 1,
  /** Regexes, functions, anything else. */
  other: 2,
  /** Ranges, inequalities, null checks: most values pass. */
  loose: 3,
  /** Fields most events share (event.category, host.os.type, event.module…). */
  broad: 4,
  /** Negations: exclusions almost always pass. */
  negated: 5,
} as const;

/** `compiled[i]` is the compiled form of `nodes[i]`; returns the compiled forms by rank. */
export function inFailureOrder<N, T>(nodes: readonly N[], compiled: readonly T[], rank: (node: N) => number): T[] {
  const ranked = nodes.map((n, i) => ({ c: compiled[i], i, r: rank(n) }));
  ranked.sort((a, b) => a.r - b.r || a.i - b.i);
  return ranked.map((o) => o.c);
}
