import type { CandidateSnapshot } from '../engine/candidates/store.js';
import type { StatefulRule } from '../engine/compiled-rule.js';
import { prunable, type PruneKeys } from './prune-exchange.js';

/**
 * Once the scans end, every scanner thread evaluates a share of the stateful rules, so that the
 * workers are not idle while the main thread alone works through the candidates (over 4 GB of
 * evidence with the corpus, ~8 s of a 54 s hunt with 2 workers). Each rule is evaluated whole by
 * one thread: candidates of the rule held elsewhere are handed to it (run files by name).
 */

/** Estimated evaluation work of each rule in one scanner's candidates, by rule id. */
export type RuleCosts = Record<string, number>;

/**
 * A spilled candidate of a pruned rule (an EQL sequence) is decoded, then kept or dropped as it is
 * read back: ~2.5 µs for one dropped against ~6-14 µs for one that reaches the rule (corpus over
 * 4 GB, per rule). How many a run keeps is only known once read; the share the prune kept of the
 * rule's in-memory list stands for it (none, without a list).
 */
const DECODE_ONLY = 0.25;

/**
 * What evaluating each rule's candidates in this snapshot should cost, in candidates reaching
 * the rule. `keys`: every scanner's prune keys; a rule no key opens reads none of its runs but
 * their untimed candidates (see CandidateSet.stream). The snapshot is pruned already.
 */
export function candidateCosts(rules: readonly StatefulRule[], snapshot: CandidateSnapshot, keys: PruneKeys): RuleCosts {
  const pruned = new Set(prunable(rules).map((r) => r.rule.rule_id));
  const costs: RuleCosts = {};
  const kept = new Map<string, number>();
  for (const { ruleId, list, unpruned } of snapshot.memory) {
    costs[ruleId] = (costs[ruleId] ?? 0) + list.length;
    if (unpruned) kept.set(ruleId, list.length / unpruned);
  }
  for (const { ruleId, runs } of snapshot.runs) {
    const perRead = DECODE_ONLY + (1 - DECODE_ONLY) * (kept.get(ruleId) ?? 0);
    let cost = 0;
    for (const r of runs) {
      if (!pruned.has(ruleId)) cost += r.count;
      else if (keys[ruleId]?.length === 0) cost += r.untimed;
      else cost += r.count * perRead;
    }
    costs[ruleId] = (costs[ruleId] ?? 0) + cost;
  }
  return costs;
}

/**
 * Which scanner evaluates each rule: the costliest rules first, each to the least loaded thread
 * (ties to the lower scanner, the main thread first), so shares come out even and the same for
 * the same candidates. Returns the rule ids of each scanner but the main thread (0), which keeps
 * every other rule.
 */
export function assignRules(rules: readonly StatefulRule[], costs: ReadonlyMap<number, RuleCosts>): Map<number, string[]> {
  const scanners = [...costs.keys()].sort((a, b) => a - b);
  const load = new Map(scanners.map((s) => [s, 0]));
  const owned = new Map<number, string[]>(scanners.filter((s) => s !== 0).map((s) => [s, []]));
  const total = rules.map((r, order) => {
    let cost = 0;
    for (const c of costs.values()) cost += c[r.rule.rule_id] ?? 0;
    return { id: r.rule.rule_id, cost, order };
  });
  total.sort((a, b) => b.cost - a.cost || a.order - b.order);
  for (const { id, cost } of total) {
    if (cost === 0) break;
    let to = scanners[0];
    for (const s of scanners) if (load.get(s)! < load.get(to)!) to = s;
    load.set(to, load.get(to)! + cost);
    owned.get(to)?.push(id);
  }
  return owned;
}

/** Split off the in-memory lists of `ruleIds` (kept by this scanner); the rest, runs included, goes to the main thread. */
export function keepLists(snapshot: CandidateSnapshot, ruleIds: ReadonlySet<string>): CandidateSnapshot {
  const kept = snapshot.memory.filter((m) => ruleIds.has(m.ruleId));
  snapshot.memory = snapshot.memory.filter((m) => !ruleIds.has(m.ruleId));
  return { memory: kept, runs: [] };
}
