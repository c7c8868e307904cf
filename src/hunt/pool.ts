import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerInit } from './pool-messages.js';
import { spawnWorker } from './spawn-worker.js';
import type { ScanTask } from './scan-plan.js';
import type { ScanHooks, ScanOutput } from './scan-tasks.js';

/** The worker entry beside this module (.js when built, .ts under tsx in tests). */
function workerUrl(): URL {
  const ext = path.extname(fileURLToPath(import.meta.url));
  return new URL(`./scan-worker${ext}`, import.meta.url);
}

/** Run tasks on `count` worker threads, handing out the next task to whichever asks first. */
export async function runPool(
  tasks: ScanTask[],
  count: number,
  init: WorkerInit,
  hooks: Omit<ScanHooks, 'onTaskDone'> & { onTaskDone(): void },
): Promise<ScanOutput[]> {
  const queue = [...tasks];
  const workers: Worker[] = [];
  let abortSent = false;
  const abortTimer = setInterval(() => {
    if (!abortSent && hooks.aborted()) {
      abortSent = true;
      for (const w of workers) w.postMessage({ type: 'abort' } satisfies ToWorker);
    }
  }, 100);
  try {
    return await Promise.all(
      Array.from({ length: count }, () =>
        new Promise<ScanOutput>((resolve, reject) => {
          const w = spawnWorker(workerUrl(), { workerData: init });
          workers.push(w);
          let result: ScanOutput | undefined;
          w.on('message', (m: FromWorker) => {
            if (m.type === 'next') {
              const task = abortSent ? undefined : queue.shift();
              w.postMessage((task ? { type: 'task', task } : { type: 'done' }) satisfies ToWorker);
            } else if (m.type === 'progress') {
              hooks.onBytes(m.bytes);
              hooks.onEvents(m.events);
            } else if (m.type === 'taskDone') {
              hooks.onTaskDone();
            } else if (m.type === 'result') {
              // Tasks no worker started are evidence left unread: the hunt is incomplete.
              result = { ...m.output, interrupted: m.output.interrupted || (abortSent && queue.length > 0) };
              resolve(result);
              void w.terminate();
            }
          });
          w.on('error', reject);
          w.on('exit', (code) => {
            if (!result) reject(new Error(`scan worker exited with code ${code} before returning results`));
          });
        }),
      ),
    );
  } catch (err) {
    // One failed worker fails the hunt: stop the others before the caller removes their spill files.
    await Promise.all(workers.map((w) => w.terminate()));
    throw err;
  } finally {
    clearInterval(abortTimer);
  }
}
