/**
 * Worker thread entry: scans with the rules the main thread read and compiled, each compiled here
 * on the first event that reaches it (deterministic from the same inputs); claims tasks from the
 * plan shared by every scanner of the hunt, returns everything the main thread merges, and
 * evaluates the stateful rules it is given (see pool-messages.ts for the dialogue).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CandidateSet } from '../engine/candidates/candidate-set.js';
import type { StatefulRule } from '../engine/compiled-rule.js';
import { evaluateShare } from './evaluate-stateful.js';
import type { FromWorker, ToWorker, WorkerInit } from './pool-messages.js';
import { localPruneKeys, prunable, pruneSnapshot, type PruneKeys } from './prune-exchange.js';
import { lazyRuleSet } from './rule-set.js';
import { TaskClaims } from './scan-plan.js';
import { scanTasks } from './scan-tasks.js';
import { candidateCosts, keepLists } from './share-evaluation.js';

const port = parentPort;
if (!port) throw new Error('scan-worker must run in a worker thread');
const init = workerData as WorkerInit;
const claims = new TaskClaims(init.plan, init.scanners, init.claims);
const post = (m: FromWorker) => port.postMessage(m);

/** Progress goes out a few times a second: often enough for the bar, too rarely to cost anything. */
const PROGRESS_EVERY_MS = 150;

// Messages wait here until asked for; a stop (Ctrl-C while evaluating) is noted at once.
const inbox: ToWorker[] = [];
let waiting: ((m: ToWorker) => void) | undefined;
let stopEvaluating = false;
const onMessage = (m: ToWorker) => {
  if (m.type === 'stop') stopEvaluating = true;
  else if (waiting) {
    const w = waiting;
    waiting = undefined;
    w(m);
  } else inbox.push(m);
};
port.on('message', onMessage);
async function next<T extends ToWorker['type']>(type: T): Promise<Extract<ToWorker, { type: T }>> {
  const m = inbox.shift() ?? (await new Promise<ToWorker>((resolve) => (waiting = resolve)));
  if (m.type !== type) throw new Error(`scan worker expected ${type}, got ${m.type}`);
  return m as Extract<ToWorker, { type: T }>;
}

const set = lazyRuleSet((await next('rules')).rules, init.rules);
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
  { lineage: init.lineage, lineageBytes: init.lineageBytes, store: init.store, claims, projectCandidates: init.projectCandidates, lineGate: init.lineGate, hitBytes: init.hitBytes, hitSummary: init.hitSummary },
);
flush();
// The main thread decides the same from the same rules: each exchange happens or not for both.
const stateful = set.compiled.filter((r): r is StatefulRule => r.stateful);
let keys: PruneKeys = {};
if (prunable(stateful).length) {
  post({ type: 'pruneKeys', keys: localPruneKeys(stateful, output.candidates) });
  keys = (await next('pruneKeys')).keys;
  pruneSnapshot(stateful, output.candidates, keys);
}
if (!stateful.length) post({ type: 'result', output });
else {
  post({ type: 'costs', costs: candidateCosts(stateful, output.candidates, keys) });
  const owned = new Set((await next('assign')).ruleIds);
  const kept = keepLists(output.candidates, owned);
  post({ type: 'result', output });
  if (owned.size) {
    const given = await next('evaluate');
    const candidates = new CandidateSet();
    candidates.add(kept);
    candidates.add(given.candidates);
    const rules = stateful.filter((r) => owned.has(r.rule.rule_id));
    const done = () => post({ type: 'ruleDone' });
    post({ type: 'evaluated', share: await evaluateShare(rules, candidates, given.limits, () => stopEvaluating, done) });
  }
}
port.off('message', onMessage);
