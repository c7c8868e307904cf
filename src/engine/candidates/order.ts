import type { Provenance } from '../../input/event.js';
import type { Candidate } from '../compiled-rule.js';

/**
 * Rule time, then evidence location: a total order (file and line identify an event), so sorted
 * runs merge to the same sequence however the candidates were split among workers and spills.
 * Candidates without a usable time sort last.
 */
export function compareCandidates(a: Candidate, b: Candidate): number {
  return compareAt(a.ts, a, b);
}

/** Whether an event at `ts` from `at` comes before the candidate `c` in that order. */
export function precedes(ts: number, at: Provenance, c: Candidate): boolean {
  return compareAt(ts, at, c) < 0;
}

function compareAt(ts: number | undefined, at: Provenance, b: Candidate): number {
  const ta = ts ?? Number.POSITIVE_INFINITY;
  const tb = b.ts ?? Number.POSITIVE_INFINITY;
  if (ta !== tb) return ta - tb;
  if (at.file !== b.file) return at.file < b.file ? -1 : 1;
  return at.line - b.line;
}

/**
 * A rule's candidates after its `prune` (when it has one), untimed ones kept aside: they sort
 * last and are counted as not evaluated, which pruning must not change. `opened`: see
 * StatefulRule.prune.
 */
export function pruneCandidates(
  list: Candidate[],
  prune: ((timed: Candidate[], opened?: ReadonlySet<string>) => Candidate[]) | undefined,
  opened?: ReadonlySet<string>,
): Candidate[] {
  if (!prune) return list;
  const timed = timedCandidates(list);
  const kept = prune(timed, opened);
  if (timed !== list) for (const c of list) if (c.ts === undefined) kept.push(c);
  return kept;
}

/** The candidates with a time; the list itself when all have one (the usual case). */
export function timedCandidates(list: Candidate[]): Candidate[] {
  for (let i = 0; i < list.length; i++) if (list[i].ts === undefined) return list.filter((c) => c.ts !== undefined);
  return list;
}
