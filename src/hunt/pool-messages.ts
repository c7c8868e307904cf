import type { CandidateStoreOptions } from '../engine/candidates/store.js';
import type { PruneKeys } from './prune-exchange.js';
import type { RuleSetOptions, RulesForWorkers } from './rule-set.js';
import type { ScanPlan } from './scan-plan.js';
import type { ScanOutput } from './scan-tasks.js';

/** What every worker starts with (its workerData). */
export interface WorkerInit {
  rules: RuleSetOptions;
  lineage: boolean;
  /** Keep candidates as rule projections (see StatefulRule.project). */
  projectCandidates: boolean;
  /** Screen out lines no rule can match before parsing them (see RoutingGate). */
  lineGate: boolean;
  /** This worker's share of the candidate budget and where it spills. */
  store?: CandidateStoreOptions;
  plan: ScanPlan;
  /** Scanners in the hunt (the main thread is 0) and this worker's number among them. */
  scanners: number;
  scanner: number;
  /** The TaskClaims cells shared by every scanner of the hunt. */
  claims: SharedArrayBuffer;
}

/**
 * Workers claim their tasks from shared memory; messages report back. Two messages go the other
 * way: the rules as the main thread read and compiled them (the files once, not in every thread,
 * and an outline per compiled rule, so that a worker compiles only the rules events reach), and,
 * when rules prune their candidates, everyone's keys — a worker done scanning sends its own and
 * waits for those before it prunes and sends its result.
 */
export type FromWorker =
  | { type: 'progress'; bytes: number; events: number }
  | { type: 'taskDone'; path: string }
  | { type: 'pruneKeys'; keys: PruneKeys }
  | { type: 'result'; output: ScanOutput };

export type ToWorker = { type: 'rules'; rules: RulesForWorkers } | { type: 'pruneKeys'; keys: PruneKeys };
