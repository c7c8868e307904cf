import { CandidateStore, type CandidateSnapshot, type CandidateStoreOptions } from '../engine/candidates/index.js';
import { Scanner, type Hit, type RuleFault } from '../engine/index.js';
import { readEvidenceFile, SkipLedger, type SkipReport } from '../input/index.js';
import { LineageIndex } from '../lineage/index.js';
import type { ScanTask } from './scan-plan.js';
import type { CompiledSet } from './compile-rules.js';

/** What one scanner (in-process or a worker thread) hands back for merging. */
export interface ScanOutput {
  hits: Hit[];
  candidates: CandidateSnapshot;
  faults: RuleFault[];
  skipped: SkipReport;
  events: number;
  lineage?: unknown;
  interrupted: boolean;
}

export interface ScanHooks {
  onBytes(n: number): void;
  onEvents(n: number): void;
  onTaskDone(task: ScanTask): void;
  aborted(): boolean;
}

/** Stream tasks through the router and rules; the same code runs in workers and in-process. */
export async function scanTasks(
  tasks: Iterable<ScanTask> | AsyncIterable<ScanTask>,
  set: CompiledSet,
  hooks: ScanHooks,
  withLineage: boolean,
  store?: CandidateStoreOptions,
): Promise<ScanOutput> {
  const candidates = new CandidateStore(store);
  const scanner = new Scanner(set.compiled, candidates);
  const ledger = new SkipLedger();
  const lineage = withLineage ? new LineageIndex() : undefined;
  let events = 0;
  let interrupted = false;
  outer: for await (const task of tasks) {
    for await (const batch of readEvidenceFile(task.file, { ledger, onBytes: hooks.onBytes, range: task.range })) {
      for (let i = 0; i < batch.length; i++) {
        const ev = batch[i];
        scanner.scan(ev);
        if (lineage) lineage.add(ev);
      }
      events += batch.length;
      hooks.onEvents(batch.length);
      if (candidates.overBudget) await candidates.spill();
      if (hooks.aborted()) {
        interrupted = true;
        break outer;
      }
    }
    hooks.onTaskDone(task);
  }
  return {
    hits: scanner.hits,
    candidates: candidates.snapshot(),
    faults: [...scanner.faults.values()],
    skipped: ledger.byKind,
    events,
    lineage: lineage?.toJSON(),
    interrupted,
  };
}
