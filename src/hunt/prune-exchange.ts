import { openedKeys, pruneCandidates, type CandidateSnapshot } from '../engine/candidates/index.js';
import type { StatefulRule } from '../engine/compiled-rule.js';

/**
 * What one scanner's candidates tell the pruning of a rule's candidates elsewhere (see
 * StatefulRule.prune), by rule id: the keys its own candidates open, those of its spilled runs
 * included (RunFile.openings); null when a run does not say — keys unknown, so that rule is
 * pruned nowhere before merging.
 */
export type PruneKeys = Record<string, string[] | null>;

export const prunable = (rules: readonly StatefulRule[]): StatefulRule[] => rules.filter((r) => r.prune && r.pruneKeys);

export function localPruneKeys(rules: readonly StatefulRule[], snapshot: CandidateSnapshot): PruneKeys {
  const out: PruneKeys = {};
  const spilled = new Map(snapshot.runs.map((r) => [r.ruleId, r.runs]));
  const lists = new Map(snapshot.memory.map((m) => [m.ruleId, m.list]));
  for (const rule of prunable(rules)) {
    const id = rule.rule.rule_id;
    const runs = spilled.get(id) ?? [];
    const list = lists.get(id) ?? [];
    if (!list.length && !runs.length) continue;
    const keys = openedKeys(rule.pruneKeys!, [list], runs);
    out[id] = keys ? [...keys] : null;
  }
  return out;
}

/** Every scanner's keys together: a rule one of them could not vouch for stays unpruned. */
export function unionPruneKeys(parts: readonly PruneKeys[]): PruneKeys {
  const sets = new Map<string, Set<string> | null>();
  for (const part of parts) {
    for (const [id, keys] of Object.entries(part)) {
      const into = sets.get(id);
      if (into === null) continue;
      if (keys === null) sets.set(id, null);
      else if (into) for (const k of keys) into.add(k);
      else sets.set(id, new Set(keys));
    }
  }
  const out: PruneKeys = {};
  for (const [id, keys] of sets) out[id] = keys && [...keys];
  return out;
}

/**
 * Prune a scanner's in-memory lists with the keys of all scanners, before they are copied to
 * the main thread: for sequences with a broad later stage that is most of what a worker holds.
 */
export function pruneSnapshot(rules: readonly StatefulRule[], snapshot: CandidateSnapshot, keys: PruneKeys): void {
  const byId = new Map(prunable(rules).map((r) => [r.rule.rule_id, r]));
  for (const m of snapshot.memory) {
    const rule = byId.get(m.ruleId);
    const opened = keys[m.ruleId];
    if (!rule || opened === null) continue;
    const kept = pruneCandidates(m.list, rule.prune, new Set(opened ?? []));
    m.unpruned = m.list.length;
    // Weighed as a share of what was held: the figure only steers load and spill decisions.
    if (m.list.length) m.heapBytes = Math.round((m.heapBytes * kept.length) / m.list.length);
    m.list = kept;
  }
}
