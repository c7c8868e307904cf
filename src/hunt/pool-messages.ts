import type { CandidateStoreOptions } from '../engine/candidates/index.js';
import type { RuleSetOptions } from './rule-set.js';
import type { ScanTask } from './scan-plan.js';
import type { ScanOutput } from './scan-tasks.js';

/** What every worker starts with (its workerData). */
export interface WorkerInit {
  rules: RuleSetOptions;
  lineage: boolean;
  /** This worker's share of the candidate budget and where it spills. */
  store?: CandidateStoreOptions;
}

export type ToWorker = { type: 'task'; task: ScanTask } | { type: 'done' } | { type: 'abort' };
export type FromWorker =
  | { type: 'next' }
  | { type: 'progress'; bytes: number; events: number }
  | { type: 'taskDone' }
  | { type: 'result'; output: ScanOutput };
