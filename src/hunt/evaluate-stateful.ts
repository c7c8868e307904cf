import { evaluateCandidates, type CandidateSet, type EvaluationLimits } from '../engine/candidates/index.js';
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
 * One thread's share of the evaluation (see share-evaluation.ts), kept by rule so that the
 * shares of all threads merge in rule order: the same hits and warnings, in the same order, as
 * one thread evaluating every rule.
 */
export interface EvaluationShare {
  /** By rule id, the rules this thread evaluated that hit, warned or counted something. */
  rules: Record<string, { hits: Hit[]; warnings: string[]; stats: Record<string, number> }>;
  notEvaluated: number;
}

/** Evaluate the rules that have candidates in `candidates`, one at a time (see evaluateCandidates). */
export async function evaluateShare(
  rules: readonly StatefulRule[],
  candidates: CandidateSet,
  limits: EvaluationLimits,
  aborted: () => boolean,
  onRuleDone?: (rule: StatefulRule) => void,
): Promise<EvaluationShare> {
  const share: EvaluationShare = { rules: {}, notEvaluated: 0 };
  const of = (id: string) => (share.rules[id] ??= { hits: [], warnings: [], stats: {} });
  const label = (rule: StatefulRule) => `${rule.rule.name} [${rule.rule.rule_id}]`;
  const { hits, interruptedBefore } = await evaluateCandidates(rules, candidates, {
    ctx: (rule) => ({
      warn: (m) => of(rule.rule.rule_id).warnings.push(`${label(rule)}: ${m}`),
      stat: (name, v) => {
        const stats = of(rule.rule.rule_id).stats;
        stats[name] = Math.max(stats[name] ?? 0, v);
      },
    }),
    onError: (rule, err) => of(rule.rule.rule_id).warnings.push(`${label(rule)}: evaluation failed: ${(err as Error).message}`),
    aborted,
    limits,
    onRuleDone,
  });
  // Rule ids are unique in a rule set (a duplicate is a load error).
  for (const h of hits) of(h.rule.id).hits.push(h);
  share.notEvaluated = interruptedBefore;
  return share;
}

/**
 * The finishing half of a hunt: note what spilled, then evaluate every stateful rule over its
 * merged candidates — those this thread holds, while `others` (worker threads) evaluate the rules
 * handed to them. A Ctrl-C during the scan still evaluates what was gathered (a second one
 * quits); a Ctrl-C during evaluation leaves the remaining rules out.
 */
export async function evaluateStatefulRules(
  rules: readonly StatefulRule[],
  candidates: CandidateSet,
  memory: MemoryPlan,
  notes: SummaryNotes,
  aborted: () => boolean,
  others: Promise<EvaluationShare[]> = Promise.resolve([]),
  onRuleDone?: (rule: StatefulRule) => void,
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
  const mine = await evaluateShare(rules, candidates, memory, () => !interruptedScan && aborted(), onRuleDone);
  const shares = [mine, ...(await others)];
  const hits: Hit[] = [];
  let notEvaluated = 0;
  for (const rule of rules) {
    for (const share of shares) {
      const outcome = share.rules[rule.rule.rule_id];
      if (!outcome) continue;
      // push(...more) passes every element as an argument: a million hits overflow the stack.
      for (const h of outcome.hits) hits.push(h);
      for (const w of outcome.warnings) warnings.push(w);
      for (const [name, v] of Object.entries(outcome.stats)) stats[name] = Math.max(stats[name] ?? 0, v);
    }
  }
  for (const share of shares) notEvaluated += share.notEvaluated;
  if (notEvaluated > 0) warnings.push(`interrupted: ${notEvaluated} stateful rule(s) were not evaluated`);
  return { hits, notEvaluated };
}
