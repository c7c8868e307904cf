import { Worker, type WorkerOptions } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

/**
 * Start a worker on a module URL. Built code runs `.js` directly; under tsx (tests, `npm run
 * bench` from source) Node 20 workers don't inherit tsx's loader, so a `.ts` entry is started
 * through a tiny bootstrap that registers tsx in the worker first.
 */
export function spawnWorker(entry: URL, options: WorkerOptions): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(fileURLToPath(entry), options);
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { ...options, eval: true });
}
