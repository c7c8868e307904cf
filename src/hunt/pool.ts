import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { CandidateSnapshot } from '../engine/candidates/store.js';
import type { EvaluationShare } from './evaluate-stateful.js';
import type { MemoryPlan } from './memory-budget.js';
import type { RulesForWorkers } from './rule-set.js';
import type { FromWorker, ToWorker, WorkerInit } from './pool-messages.js';
import type { PruneKeys } from './prune-exchange.js';
import type { RuleCosts } from './share-evaluation.js';
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
  /** A worker finished evaluating one of its stateful rules. */
  onRuleDone(): void;
}

/**
 * Every call that waits on the workers rejects as soon as one of them fails (an error, or an exit
 * before its last message).
 */
export interface Pool {
  /** Every worker's output, in scanner order. */
  results: Promise<ScanOutput[]>;
  /**
   * Stop waiting for workers that have nothing to contribute (`idle(scanner)`): their output is
   * empty, they evaluate nothing, and they are terminated wherever they are in their start-up.
   */
  release(idle: (scanner: number) => boolean): void;
  /** Stop every worker still running (after a failure, before spill files are removed). */
  terminate(): Promise<void>;
  /**
   * Every worker's prune keys (see scan-worker), once all have sent theirs ({} for a released
   * one). Then `sendPruneKeys` answers them all.
   */
  pruneKeys(): Promise<PruneKeys[]>;
  sendPruneKeys(keys: PruneKeys): void;
  /** The rules as the main thread read and compiled them; every worker waits for them. */
  sendRules(rules: RulesForWorkers): void;
  /** When there are stateful rules: each worker's evaluation costs (share-evaluation.ts), by scanner; released ones are absent. */
  costs(): Promise<Map<number, RuleCosts>>;
  /** Answer the costs: the rules each worker evaluates (none for a worker not in `owned`); then each sends its result. */
  assign(owned: ReadonlyMap<number, string[]>): void;
  /** Hand each worker `assign` gave rules to the candidates other scanners held of them (`take`), and let it evaluate. */
  evaluate(take: (ruleIds: string[]) => CandidateSnapshot, limits: MemoryPlan): void;
  /** The evaluations of the workers given rules, in scanner order. */
  shares(): Promise<EvaluationShare[]>;
  /** Ctrl-C during evaluation: workers leave their remaining rules out, as the main thread does. */
  stopEvaluating(): void;
}

const empty = (): ScanOutput => ({ hits: [], candidates: { memory: [], runs: [] }, faults: [], skipped: {}, events: 0, screened: 0, placed: [], interrupted: false });

interface Reply<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

function reply<T>(): Reply<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  // A failure is handled by whoever awaits the reply; until then it must not count as unhandled.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/** What the main thread waits for from one worker. */
interface Replies {
  pruneKeys: Reply<PruneKeys>;
  costs: Reply<RuleCosts | undefined>;
  result: Reply<ScanOutput>;
  evaluated: Reply<EvaluationShare>;
}

/**
 * Start workers as scanners 1…count of a shared plan (the main thread is scanner 0). They start
 * at once — loading their modules while the main thread reads and compiles the rules, which it
 * then sends them — and claim tasks from shared memory, so the main thread never has to answer
 * them, even while it scans too. After their scans, those given stateful rules evaluate them.
 */
export function startPool(count: number, init: Omit<WorkerInit, 'scanner'>, hooks: PoolHooks): Pool {
  const scanners = Array.from({ length: count }, (_, k) => k + 1);
  const workers = new Map<number, Worker>();
  const replies = new Map<number, Replies>(scanners.map((s) => [s, { pruneKeys: reply(), costs: reply(), result: reply(), evaluated: reply() }]));
  /** Workers given rules to evaluate, with their rules: their last message is `evaluated`, not `result`. */
  const evaluating = new Map<number, string[]>();
  const finished = new Set<number>();
  const finish = (scanner: number) => {
    finished.add(scanner);
    const worker = workers.get(scanner);
    workers.delete(scanner);
    void worker?.terminate();
  };
  const fail = (scanner: number, err: unknown) => {
    if (finished.has(scanner)) return;
    finished.add(scanner);
    workers.delete(scanner);
    for (const r of Object.values(replies.get(scanner)!) as Reply<unknown>[]) r.reject(err);
  };
  for (const scanner of scanners) {
    const worker = spawnWorker(workerUrl(), { workerData: { ...init, scanner } satisfies WorkerInit });
    workers.set(scanner, worker);
    const r = replies.get(scanner)!;
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'progress') {
        hooks.onBytes(m.bytes);
        hooks.onEvents(m.events);
      } else if (m.type === 'taskDone') hooks.onTaskDone(m.path);
      else if (m.type === 'ruleDone') hooks.onRuleDone();
      else if (m.type === 'pruneKeys') r.pruneKeys.resolve(m.keys);
      else if (m.type === 'costs') r.costs.resolve(m.costs);
      else if (m.type === 'result') {
        r.result.resolve(m.output);
        if (!evaluating.has(scanner)) finish(scanner);
      } else if (m.type === 'evaluated') {
        r.evaluated.resolve(m.share);
        finish(scanner);
      }
    });
    worker.on('error', (err) => fail(scanner, err));
    worker.on('exit', (code) => fail(scanner, new Error(`scan worker exited with code ${code} before returning results`)));
  }
  const all = <K extends keyof Replies>(kind: K, of: readonly number[] = scanners) =>
    Promise.all(of.map((s) => replies.get(s)![kind].promise as Replies[K]['promise'])) as Promise<Awaited<Replies[K]['promise']>[]>;
  const post = (scanner: number, m: ToWorker) => workers.get(scanner)?.postMessage(m);
  return {
    results: all('result'),
    release(idle) {
      for (const scanner of [...workers.keys()]) {
        if (!idle(scanner)) continue;
        const r = replies.get(scanner)!;
        r.pruneKeys.resolve({});
        r.costs.resolve(undefined);
        r.result.resolve(empty());
        finish(scanner);
      }
    },
    async terminate() {
      const running = [...workers.values()];
      for (const s of workers.keys()) finished.add(s);
      workers.clear();
      await Promise.all(running.map((w) => w.terminate()));
    },
    pruneKeys: () => all('pruneKeys'),
    sendPruneKeys(keys) {
      for (const s of workers.keys()) post(s, { type: 'pruneKeys', keys });
    },
    sendRules(rules) {
      for (const s of workers.keys()) post(s, { type: 'rules', rules });
    },
    async costs() {
      const costs = await all('costs');
      const out = new Map<number, RuleCosts>();
      // A released worker may have sent its costs before it was let go.
      scanners.forEach((s, k) => costs[k] && workers.has(s) && out.set(s, costs[k]!));
      return out;
    },
    assign(owned) {
      for (const s of [...workers.keys()]) {
        const ruleIds = owned.get(s) ?? [];
        if (ruleIds.length) evaluating.set(s, ruleIds);
        post(s, { type: 'assign', ruleIds });
      }
    },
    evaluate(take, limits) {
      for (const [s, ruleIds] of evaluating) post(s, { type: 'evaluate', candidates: take(ruleIds), limits });
    },
    shares: () => all('evaluated', scanners.filter((s) => evaluating.has(s))),
    stopEvaluating() {
      for (const s of evaluating.keys()) post(s, { type: 'stop' });
    },
  };
}
