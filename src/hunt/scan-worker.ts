/**
 * Worker thread entry: scans with the rules the main thread read and compiled, each compiled here
 * on the first event that reaches it (deterministic from the same inputs); claims tasks from the
 * plan shared by every scanner of the hunt, and returns everything the main thread merges.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { lazyRuleSet } from './rule-set.js';
import { TaskClaims } from './scan-plan.js';
import { scanTasks } from './scan-tasks.js';
import type { FromWorker, ToWorker, WorkerInit } from './pool-messages.js';
import { localPruneKeys, prunable, pruneSnapshot } from './prune-exchange.js';
import type { StatefulRule } from '../engine/compiled-rule.js';

const port = parentPort;
if (!port) throw new Error('scan-worker must run in a worker thread');
const init = workerData as WorkerInit;
const claims = new TaskClaims(init.plan, init.scanners, init.claims);
const post = (m: FromWorker) => port.postMessage(m);

/** Progress goes out a few times a second: often enough for the bar, too rarely to cost anything. */
const PROGRESS_EVERY_MS = 150;

const next = () => new Promise<ToWorker>((resolve) => port.once('message', resolve));
const first = await next();
if (first.type !== 'rules') throw new Error(`scan worker expected the rules first, got ${first.type}`);
const set = lazyRuleSet(first.rules, init.rules);
let bytes = 0;
let events = 0;
let flushed = performance.now();
const flush = () => {
  if (bytes || events) post({ type: 'progress', bytes, events });
  bytes = 0;
  events = 0;
  flushed = performance.now();
};
const output = await scanTasks(
  claims.claim(init.scanner),
  set,
  {
    onBytes: (n) => (bytes += n),
    onEvents: (n) => {
      events += n;
      if (performance.now() - flushed > PROGRESS_EVERY_MS) flush();
    },
    onTaskDone: (task) => {
      flush();
      post({ type: 'taskDone', path: task.file.path });
    },
    aborted: () => claims.stopped,
  },
  { lineage: init.lineage, store: init.store, claims, projectCandidates: init.projectCandidates, lineGate: init.lineGate },
);
flush();
// The main thread decides the same from the same rules: the exchange happens or not for both.
const stateful = set.compiled.filter((r): r is StatefulRule => r.stateful);
if (prunable(stateful).length) {
  const all = next();
  post({ type: 'pruneKeys', keys: localPruneKeys(stateful, output.candidates) });
  const answer = await all;
  if (answer.type !== 'pruneKeys') throw new Error(`scan worker expected prune keys, got ${answer.type}`);
  pruneSnapshot(stateful, output.candidates, answer.keys);
}
post({ type: 'result', output });
