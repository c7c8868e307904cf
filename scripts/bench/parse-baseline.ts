/**
 * The ceiling for any Node scanner: read files, gunzip when gzip, split lines on Buffers and
 * JSON.parse each — no field access, no rules. With --workers N, files (and byte ranges of
 * plain files) are shared across N threads. `--no-parse` measures only read (+ gunzip).
 * Prints one JSON line: {bytes, lines, ms}.
 */
import { createReadStream, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { spawnWorker } from '../../src/hunt/spawn-worker.js';

interface Job {
  file: string;
  start: number;
  end: number;
  gzip: boolean;
}

async function scanJob(job: Job, parse: boolean): Promise<number> {
  // A range owns the lines that start inside it: begin one byte early and skip through the first
  // newline (a line starting exactly at `start` follows the newline at start - 1), then stop at
  // the first line starting at or after `end`.
  const from = job.start > 0 ? job.start - 1 : 0;
  const raw = createReadStream(job.file, { highWaterMark: 1 << 20, start: from });
  const source = job.gzip ? raw.pipe(createGunzip({ chunkSize: 256 * 1024 })) : raw;
  let lines = 0;
  let tail: Buffer | undefined;
  let base = from;
  let skipFirst = job.start > 0;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    const buf = tail ? Buffer.concat([tail, chunk]) : chunk;
    let s = 0;
    let nl = buf.indexOf(10, s);
    while (nl !== -1) {
      if (!job.gzip && base + s >= job.end) return lines;
      if (skipFirst) skipFirst = false;
      else if (nl > s) {
        if (parse) JSON.parse(buf.toString('utf8', s, nl));
        lines++;
      }
      s = nl + 1;
      nl = buf.indexOf(10, s);
    }
    base += s;
    tail = s < buf.length ? buf.subarray(s) : undefined;
  }
  if (tail && tail.length && !skipFirst && (job.gzip || base < job.end)) {
    if (parse) JSON.parse(tail.toString('utf8'));
    lines++;
  }
  return lines;
}

function plan(files: string[], workers: number): Job[] {
  const jobs: Job[] = [];
  for (const file of files) {
    const size = statSync(file).size;
    const gzip = file.endsWith('.gz');
    if (gzip || workers === 1) jobs.push({ file, start: 0, end: size, gzip });
    else {
      const step = Math.ceil(size / workers);
      for (let s = 0; s < size; s += step) jobs.push({ file, start: s, end: Math.min(size, s + step), gzip });
    }
  }
  return jobs;
}

if (isMainThread) {
  const args = process.argv.slice(2);
  const workers = Number(args.find((a) => a.startsWith('--workers='))?.split('=')[1] ?? 1);
  const parse = !args.includes('--no-parse');
  const files = args.filter((a) => !a.startsWith('--'));
  const jobs = plan(files, workers);
  const t0 = performance.now();
  let lines = 0;
  if (workers === 1) {
    for (const j of jobs) lines += await scanJob(j, parse);
  } else {
    // One thread per worker for the whole run, each claiming the next job from a shared counter:
    // a thread per job would add a thread start-up to every job and understate the ceiling.
    const next = new Int32Array(new SharedArrayBuffer(4));
    const counts = await Promise.all(
      Array.from({ length: workers }, () => {
        const w = spawnWorker(new URL(import.meta.url), { workerData: { jobs, next, parse } });
        return new Promise<number>((resolve, reject) => {
          w.once('message', resolve);
          w.once('error', reject);
        });
      }),
    );
    lines = counts.reduce((a, b) => a + b, 0);
  }
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  process.stdout.write(`${JSON.stringify({ bytes, lines, ms: Math.round(performance.now() - t0) })}\n`);
} else {
  const { jobs, next, parse } = workerData as { jobs: Job[]; next: Int32Array; parse: boolean };
  let lines = 0;
  for (let i = Atomics.add(next, 0, 1); i < jobs.length; i = Atomics.add(next, 0, 1)) lines += await scanJob(jobs[i], parse);
  parentPort!.postMessage(lines);
}
