import type { Candidate } from '../compiled-rule.js';

/**
 * Rule time, then evidence location: a total order (file and line identify an event), so sorted
 * runs merge to the same sequence however the candidates were split among workers and spills.
 * Candidates without a usable time sort last.
 */
export function compareCandidates(a: Candidate, b: Candidate): number {
  const ta = a.ts ?? Number.POSITIVE_INFINITY;
  const tb = b.ts ?? Number.POSITIVE_INFINITY;
  if (ta !== tb) return ta - tb;
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line;
}

/**
 * A rule's candidates after its `prune` (when it has one), untimed ones kept aside: they sort
 * last and are counted as not evaluated, which pruning must not change.
 */
export function pruneCandidates(list: Candidate[], prune: ((timed: Candidate[]) => Candidate[]) | undefined): Candidate[] {
  if (!prune) return list;
  let untimedCount = 0;
  for (let i = 0; i < list.length; i++) if (list[i].ts === undefined) untimedCount++;
  if (untimedCount === 0) return prune(list);
  const timed: Candidate[] = [];
  const untimed: Candidate[] = [];
  for (const c of list) (c.ts === undefined ? untimed : timed).push(c);
  const kept = prune(timed);
  for (const c of untimed) kept.push(c);
  return kept;
}
