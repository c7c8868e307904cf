import type { CandidateSnapshot, CandidateStoreOptions } from '../engine/candidates/store.js';
import type { EvaluationShare } from './evaluate-stateful.js';
import type { MemoryPlan } from './memory-budget.js';
import type { PruneKeys } from './prune-exchange.js';
import type { RuleSetOptions, RulesForWorkers } from './rule-set.js';
import type { ScanPlan } from './scan-plan.js';
import type { ScanOutput } from './scan-tasks.js';
import type { RuleCosts } from './share-evaluation.js';

/** What every worker starts with (its workerData). */
export interface WorkerInit {
  rules: RuleSetOptions;
  lineage: boolean;
  /** This worker's share of the lineage index's budget. */
  lineageBytes?: number;
  /** Keep candidates as rule projections (see StatefulRule.project). */
  projectCandidates: boolean;
  /** Screen out lines no rule can match before parsing them (see RoutingGate). */
  lineGate: boolean;
  /** This worker's share of the candidate budget and where it spills. */
  store?: CandidateStoreOptions;
  /** This worker's share of hits' documents before hits keep only their place; none when unset. */
  hitBytes?: number;
  /** The fields a hit past that share keeps of its document. */
  hitSummary?: readonly string[];
  plan: ScanPlan;
  /** Scanners in the hunt (the main thread is 0) and this worker's number among them. */
  scanners: number;
  scanner: number;
  /** The TaskClaims cells shared by every scanner of the hunt. */
  claims: SharedArrayBuffer;
}

/**
 * Workers claim their tasks from shared memory; messages report back. The rest is a dialogue at
 * the ends of the scan. First the rules, as the main thread read and compiled them (the files
 * once, not in every thread, and an outline per compiled rule, so that a worker compiles only the
 * rules events reach). After its scan, when rules prune their candidates, a worker sends its
 * prune keys and waits for everyone's before it prunes. When there are stateful rules, it then
 * sends what evaluating its candidates would cost and is told which rules it evaluates
 * (share-evaluation.ts): it keeps their in-memory candidates and sends its result with the rest;
 * given rules, it waits for the candidates other scanners held of them, evaluates, and sends
 * its share.
 */
export type FromWorker =
  | { type: 'progress'; bytes: number; events: number }
  | { type: 'taskDone'; path: string }
  | { type: 'pruneKeys'; keys: PruneKeys }
  | { type: 'costs'; costs: RuleCosts }
  | { type: 'result'; output: ScanOutput }
  | { type: 'ruleDone' }
  | { type: 'evaluated'; share: EvaluationShare };

export type ToWorker =
  | { type: 'rules'; rules: RulesForWorkers }
  | { type: 'pruneKeys'; keys: PruneKeys }
  | { type: 'assign'; ruleIds: string[] }
  | { type: 'evaluate'; candidates: CandidateSnapshot; limits: MemoryPlan }
  | { type: 'stop' };
