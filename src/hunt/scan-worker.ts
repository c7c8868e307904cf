/**
 * Worker thread entry: loads and compiles the same rules as the main thread (deterministic from
 * the same inputs), then pulls tasks one at a time — so a worker that finishes early takes the
 * next task — and returns everything the main thread merges.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadRuleSet } from './rule-set.js';
import type { ScanTask } from './scan-plan.js';
import { scanTasks } from './scan-tasks.js';
import type { FromWorker, ToWorker, WorkerInit } from './pool-messages.js';

const port = parentPort;
if (!port) throw new Error('scan-worker must run in a worker thread');
const init = workerData as WorkerInit;

let aborted = false;
let pending: ((t: ScanTask | undefined) => void) | undefined;
const post = (m: FromWorker) => port.postMessage(m);

port.on('message', (m: ToWorker) => {
  if (m.type === 'abort') aborted = true;
  else if (m.type === 'task' || m.type === 'done') {
    const resolve = pending;
    pending = undefined;
    resolve?.(m.type === 'task' ? m.task : undefined);
  }
});

async function* nextTasks(): AsyncGenerator<ScanTask> {
  for (;;) {
    const task = await new Promise<ScanTask | undefined>((resolve) => {
      pending = resolve;
      post({ type: 'next' });
    });
    if (!task) return;
    yield task;
  }
}

const { set } = await loadRuleSet(init.rules);
let bytes = 0;
let events = 0;
const flush = () => {
  if (bytes || events) post({ type: 'progress', bytes, events });
  bytes = 0;
  events = 0;
};
const output = await scanTasks(
  nextTasks(),
  set,
  {
    onBytes: (n) => (bytes += n),
    onEvents: (n) => {
      events += n;
      if (events >= 20_000) flush();
    },
    onTaskDone: () => {
      flush();
      post({ type: 'taskDone' });
    },
    aborted: () => aborted,
  },
  init.lineage,
  init.store,
);
flush();
post({ type: 'result', output });
