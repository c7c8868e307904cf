import type { ScanTask } from './scan-plan.js';
import type { ScanOutput } from './scan-tasks.js';

export type ToWorker = { type: 'task'; task: ScanTask } | { type: 'done' } | { type: 'abort' };
export type FromWorker =
  | { type: 'next' }
  | { type: 'progress'; bytes: number; events: number }
  | { type: 'taskDone' }
  | { type: 'result'; output: ScanOutput };
