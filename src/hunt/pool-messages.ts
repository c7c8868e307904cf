import type { CandidateStoreOptions } from '../engine/candidates/store.js';
import type { RuleSetOptions } from './rule-set.js';
import type { ScanPlan } from './scan-plan.js';
import type { ScanOutput } from './scan-tasks.js';

/** What every worker starts with (its workerData). */
export interface WorkerInit {
  rules: RuleSetOptions;
  lineage: boolean;
  /** Keep candidates as rule projections (see StatefulRule.project). */
  projectCandidates: boolean;
  /** This worker's share of the candidate budget and where it spills. */
  store?: CandidateStoreOptions;
  plan: ScanPlan;
  /** Scanners in the hunt (the main thread is 0) and this worker's number among them. */
  scanners: number;
  scanner: number;
  /** The TaskClaims cells shared by every scanner of the hunt. */
  claims: SharedArrayBuffer;
}

/** Workers claim their tasks from shared memory; messages only report back. */
export type FromWorker =
  | { type: 'progress'; bytes: number; events: number }
  | { type: 'taskDone'; path: string }
  | { type: 'result'; output: ScanOutput };
