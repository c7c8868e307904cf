import { evaluateCandidates, type CandidateSet } from '../engine/candidates/index.js';
import type { Hit, StatefulRule } from '../engine/index.js';
import { formatSize, type MemoryPlan } from './memory-budget.js';

export interface SummaryNotes {
  warnings: string[];
  stats: Record<string, number>;
}

export interface StatefulOutcome {
  hits: Hit[];
  /** Stateful rules left out because the hunt was interrupted while evaluating. */
  notEvaluated: number;
}

/**
 * The finishing half of a hunt: note what spilled, then evaluate every stateful rule over its
 * merged candidates. A Ctrl-C during the scan still evaluates what was gathered (a second one
 * quits); a Ctrl-C during evaluation leaves the remaining rules out.
 */
export async function evaluateStatefulRules(
  rules: readonly StatefulRule[],
  candidates: CandidateSet,
  memory: MemoryPlan,
  notes: SummaryNotes,
  aborted: () => boolean,
): Promise<StatefulOutcome> {
  const { warnings, stats } = notes;
  const spills = candidates.spills;
  if (spills.files > 0) {
    Object.assign(stats, { candidate_spill_rules: spills.rules, candidate_spill_files: spills.files, candidate_spill_bytes: spills.bytes });
    warnings.push(
      `candidates of ${spills.rules} rule(s) were spilled to disk to stay within ${memory.label}: ` +
        `${spills.files} file(s), ${formatSize(spills.bytes)}`,
    );
  }
  if (spills.error !== undefined) {
    warnings.push(`could not spill candidates to disk (${spills.error}); they were kept in memory beyond ${memory.label}`);
  }
  const interruptedScan = aborted();
  const label = (rule: StatefulRule) => `${rule.rule.name} [${rule.rule.rule_id}]`;
  const { hits, interruptedBefore } = await evaluateCandidates(rules, candidates, {
    ctx: (rule) => ({
      warn: (m) => warnings.push(`${label(rule)}: ${m}`),
      stat: (name, v) => (stats[name] = Math.max(stats[name] ?? 0, v)),
    }),
    onError: (rule, err) => warnings.push(`${label(rule)}: evaluation failed: ${(err as Error).message}`),
    aborted: () => !interruptedScan && aborted(),
    limits: memory,
  });
  if (interruptedBefore > 0) warnings.push(`interrupted: ${interruptedBefore} stateful rule(s) were not evaluated`);
  return { hits, notEvaluated: interruptedBefore };
}
