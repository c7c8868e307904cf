import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { RulesForWorkers } from './rule-set.js';
import type { FromWorker, ToWorker, WorkerInit } from './pool-messages.js';
import type { PruneKeys } from './prune-exchange.js';
import { spawnWorker } from './spawn-worker.js';
import type { ScanOutput } from './scan-tasks.js';

/** The worker entry beside this module (.js when built, .ts under tsx in tests). */
function workerUrl(): URL {
  const ext = path.extname(fileURLToPath(import.meta.url));
  return new URL(`./scan-worker${ext}`, import.meta.url);
}

export interface PoolHooks {
  onBytes(n: number): void;
  onEvents(n: number): void;
  onTaskDone(path: string): void;
}

export interface Pool {
  /** Every worker's output, in scanner order; rejects as soon as one worker fails. */
  results: Promise<ScanOutput[]>;
  /**
   * Stop waiting for workers that have nothing to contribute (`idle(scanner)`): their output is
   * empty and they are terminated, wherever they are in their start-up.
   */
  release(idle: (scanner: number) => boolean): void;
  /** Stop every worker still running (after a failure, before spill files are removed). */
  terminate(): Promise<void>;
  /**
   * Every worker's prune keys (see scan-worker), once all have sent theirs ({} for a released
   * one); rejects like `results` when a worker fails. Then `sendPruneKeys` answers them all.
   */
  pruneKeys(): Promise<PruneKeys[]>;
  sendPruneKeys(keys: PruneKeys): void;
  /** The rules as the main thread read and compiled them; every worker waits for them. */
  sendRules(rules: RulesForWorkers): void;
}

const empty = (): ScanOutput => ({ hits: [], candidates: { memory: [], runs: [] }, faults: [], skipped: {}, events: 0, screened: 0, interrupted: false });

/**
 * Start workers as scanners 1…count of a shared plan (the main thread is scanner 0). They start
 * at once — loading their modules while the main thread reads and compiles the rules, which it
 * then sends them — and claim tasks from shared memory, so the main thread never has to answer
 * them, even while it scans too.
 */
export function startPool(count: number, init: Omit<WorkerInit, 'scanner'>, hooks: PoolHooks): Pool {
  const running = new Map<number, { worker: Worker; settle(output: ScanOutput): void }>();
  const keysFrom = new Map<number, (keys: PruneKeys) => void>();
  const keys = Promise.all(Array.from({ length: count }, (_, k) => new Promise<PruneKeys>((resolve) => keysFrom.set(k + 1, resolve))));
  const results = Promise.all(
    Array.from(
      { length: count },
      (_, k) =>
        new Promise<ScanOutput>((resolve, reject) => {
          const scanner = k + 1;
          const worker = spawnWorker(workerUrl(), { workerData: { ...init, scanner } satisfies WorkerInit });
          const settle = (output: ScanOutput) => {
            keysFrom.get(scanner)?.({});
            if (!running.delete(scanner)) return;
            resolve(output);
            void worker.terminate();
          };
          running.set(scanner, { worker, settle });
          worker.on('message', (m: FromWorker) => {
            if (m.type === 'progress') {
              hooks.onBytes(m.bytes);
              hooks.onEvents(m.events);
            } else if (m.type === 'taskDone') {
              hooks.onTaskDone(m.path);
            } else if (m.type === 'pruneKeys') {
              keysFrom.get(scanner)?.(m.keys);
            } else if (m.type === 'result') {
              settle(m.output);
            }
          });
          worker.on('error', (err) => {
            if (running.delete(scanner)) reject(err);
          });
          worker.on('exit', (code) => {
            if (running.delete(scanner)) reject(new Error(`scan worker exited with code ${code} before returning results`));
          });
        }),
    ),
  );
  // A failure is handled by whoever awaits `results`; until then it must not count as unhandled.
  results.catch(() => {});
  return {
    results,
    release(idle) {
      for (const [scanner, { settle }] of [...running]) if (idle(scanner)) settle(empty());
    },
    async terminate() {
      const workers = [...running.values()].map((r) => r.worker);
      running.clear();
      await Promise.all(workers.map((w) => w.terminate()));
    },
    // A failed worker never sends its keys: `results` has rejected by then, and so does this.
    pruneKeys: () => Promise.race([keys, results.then(() => keys)]),
    sendPruneKeys(all) {
      for (const { worker } of running.values()) worker.postMessage({ type: 'pruneKeys', keys: all } satisfies ToWorker);
    },
    sendRules(rules) {
      for (const { worker } of running.values()) worker.postMessage({ type: 'rules', rules } satisfies ToWorker);
    },
  };
}
