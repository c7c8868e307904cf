/** Shared helpers for the hostile-input tests (test/hostile) and the fuzzers (test/fuzz). */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SkipReport, SkipKind } from '../../src/input/index.js';

export { readAll, lines, tempDir, write } from '../input/fixtures.js';

/** `[file, line]` of every recorded example of one skip kind (line undefined for whole-file problems). */
export const where = (skipped: SkipReport, kind: SkipKind) => skipped[kind]?.examples.map((e) => [e.file, e.line] as const) ?? [];

/** Counts by kind, for exact `deepEqual` on everything that was skipped. */
export const counts = (skipped: SkipReport): Record<string, number> =>
  Object.fromEntries(Object.entries(skipped).map(([k, v]) => [k, v!.count]));

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  ms: number;
  stdout: string;
  stderr: string;
}

const WORKER = fileURLToPath(new URL('./query-worker.ts', import.meta.url));

/**
 * Run one query over one document in a child process (query-worker.ts) and kill it after
 * `timeoutMs`: a hang check for regexes that could backtrack catastrophically.
 */
export function runQueryInChild(job: { language: 'kuery' | 'esql' | 'eql'; query: string; docs: unknown[] }, timeoutMs: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, ms: Date.now() - started, stdout, stderr });
    });
    child.stdin.end(JSON.stringify(job));
  });
}
