import { closeSync, openSync, readSync } from 'node:fs';
import type { EvidenceFile } from '../input/read-file.js';

/** One unit of scanning work: a whole file, or a byte range of a plain NDJSON file. */
export interface ScanTask {
  file: EvidenceFile;
  range?: TaskRange;
}

/**
 * Part `part` of a file cut at `bounds` (part j is [bounds[j], bounds[j+1]); one array shared by
 * the file's parts). `slot` is where the plan's shared table keeps the file's per-part newline
 * counts (parts 0…n-1 at slot…slot+n-1): the line numbers of a part need the newlines of every
 * part before it.
 */
export interface TaskRange {
  start: number;
  end: number;
  bounds: readonly number[];
  part: number;
  slot: number;
}

/** No range is bigger than this, however few scanners there are. */
const MAX_TASK_BYTES = 64 * 1024 * 1024;
/** Below this a range is not worth its start-up (counting newlines before it, a new reader). */
const MIN_TASK_BYTES = 4 * 1024 * 1024;
/** cutPoints never cuts a smaller file: its rest after one smallest range would be under half a range. */
const SMALLEST_CUT_FILE = MIN_TASK_BYTES * 1.5;
/**
 * A range is this share of one scanner's part of the bytes still unplanned: pieces shrink as the
 * work left does, so the last tasks are small and every scanner ends within one small task of the
 * others, while the first ones stay big enough that per-task costs are negligible.
 */
const PIECES_PER_SCANNER = 3;

export interface ScanPlan {
  tasks: ScanTask[];
  /** Newline-count slots the ranges need (see TaskRange). */
  slots: number;
}

/** Files opened at once to learn whether they can be cut (see splittableFiles). */
const SNIFF_AT_ONCE = 16;

/**
 * The files with whether each may be cut into ranges: plain NDJSON big enough for cutPoints to
 * cut. Only those are opened, a few at a time: evidence dumps often hold thousands of small
 * files, and sniffing all of them at once held a 64 KiB buffer and a descriptor for each
 * (4,350 files: 272 MB) to learn what their size already says.
 */
export async function splittableFiles(
  files: readonly EvidenceFile[],
  scanners: number,
  isPlainNdjson: (path: string) => Promise<boolean>,
): Promise<{ file: EvidenceFile; splittable: boolean }[]> {
  const out = files.map((file) => ({ file, splittable: false }));
  if (scanners < 2) return out;
  const big = out.filter((o) => o.file.size >= SMALLEST_CUT_FILE);
  let next = 0;
  const sniffer = async () => {
    while (next < big.length) {
      const o = big[next++];
      o.splittable = await isPlainNdjson(o.file.path).catch(() => false);
    }
  };
  await Promise.all(Array.from({ length: Math.min(SNIFF_AT_ONCE, big.length) }, sniffer));
  return out;
}

/**
 * Split the work so `scanners` threads stay busy to the end: plain NDJSON files become byte
 * ranges (the reader realigns them to line boundaries and keeps exact line numbers) whose size
 * shrinks with the work left; gzip and JSON files stay whole (gzip can't be entered mid-stream).
 * Largest tasks first, so the small ones fill the gaps at the end. Equal pieces made every
 * scanner but the last one to finish wait half a piece on average: 16 MB tasks on Elastic's rule
 * corpus, ~0.17 s of a 6 s hunt with 2 workers; 64 MB pieces of a multi-GB file, ~0.7 s.
 */
export function planTasks(files: { file: EvidenceFile; splittable: boolean }[], scanners: number): ScanPlan {
  if (scanners < 2) return { tasks: files.map(({ file }) => ({ file })), slots: 0 };
  const tasks: ScanTask[] = [];
  let slots = 0;
  // Ranges are cut from the bytes of splittable files still unplanned; whole files take their
  // place among them by size.
  let left = files.reduce((n, f) => n + (f.splittable ? f.file.size : 0), 0);
  for (const { file, splittable } of files) {
    const bounds = splittable ? cutPoints(file.size, left, scanners) : [0, file.size];
    if (splittable) left -= file.size;
    if (bounds.length <= 2) {
      tasks.push({ file });
      continue;
    }
    for (let part = 0; part < bounds.length - 1; part++) {
      tasks.push({ file, range: { start: bounds[part], end: bounds[part + 1], bounds, part, slot: slots } });
    }
    slots += bounds.length - 1;
  }
  // Stable: equal parts of a file stay in file order, so earlier parts are usually claimed first.
  tasks.sort((a, b) => taskBytes(b) - taskBytes(a));
  return { tasks, slots };
}

/** Where to cut a file of `size` bytes when `left` bytes (this file included) remain to be planned. */
function cutPoints(size: number, left: number, scanners: number): number[] {
  const bounds = [0];
  for (let pos = 0; pos < size; ) {
    const want = Math.min(MAX_TASK_BYTES, Math.max(MIN_TASK_BYTES, left / (scanners * PIECES_PER_SCANNER)));
    let piece = Math.min(want, size - pos);
    // No sliver at the end of a file: a rest under half a piece joins this one (within the cap).
    const rest = size - pos - piece;
    if (rest > 0 && rest < want / 2 && piece + rest <= MAX_TASK_BYTES) piece += rest;
    // The last piece is exactly the rest, so the last cut is at `size`.
    pos += Math.floor(piece);
    left -= piece;
    bounds.push(pos);
  }
  return bounds;
}

export function taskBytes(t: ScanTask): number {
  return t.range ? t.range.end - t.range.start : t.file.size;
}

const NEXT = 0;
const STOP = 1;
const HEADER = 2;
const UNKNOWN = -1;
/** A scanner's state cell: it never got a task (and never will once none is left), or it may have. */
const IDLE = 0;
const CLAIMING = 1;

/**
 * The plan shared by every scanner of a hunt (the main thread is scanner 0, workers 1…n-1) in one
 * SharedArrayBuffer: each claims the next task with one atomic increment, so nobody waits on a
 * busy thread to hand work out; a stop (Ctrl-C, a failed worker) reaches every thread at once;
 * and the newline counts of range parts are shared, so the lines before a range are counted
 * once per hunt instead of once per range (which grows with the square of a file's size) — and
 * not at all for a part some scanner has read already (it reports them, recordNewlines).
 */
export class TaskClaims {
  private readonly cells: Int32Array;
  private readonly counts: number;

  constructor(
    readonly plan: ScanPlan,
    readonly scanners: number,
    buffer?: SharedArrayBuffer,
  ) {
    this.counts = HEADER + scanners;
    if (buffer) this.cells = new Int32Array(buffer);
    else {
      this.cells = new Int32Array(new SharedArrayBuffer((this.counts + plan.slots) * Int32Array.BYTES_PER_ELEMENT));
      this.cells.fill(UNKNOWN, this.counts);
    }
  }

  get buffer(): SharedArrayBuffer {
    return this.cells.buffer as SharedArrayBuffer;
  }

  /** Tasks for `scanner` until the list is exhausted or the hunt stops. */
  *claim(scanner: number): Generator<ScanTask> {
    const { tasks } = this.plan;
    const state = HEADER + scanner;
    let got = false;
    for (;;) {
      if (this.stopped) return;
      // Marked before the increment: whoever sees IDLE once no task is left knows this scanner
      // holds none and never will (see idle()).
      if (!got) Atomics.store(this.cells, state, CLAIMING);
      const i = Atomics.add(this.cells, NEXT, 1);
      if (i >= tasks.length) {
        if (!got) Atomics.store(this.cells, state, IDLE);
        return;
      }
      got = true;
      yield tasks[i];
    }
  }

  /**
   * True when `scanner` has no task and can get none: its output would be empty, so there is no
   * need to wait for it (a worker still compiling a large rule set, say, after the main thread
   * has already scanned a small evidence set alone).
   */
  idle(scanner: number): boolean {
    return (this.unclaimed === 0 || this.stopped) && Atomics.load(this.cells, HEADER + scanner) === IDLE;
  }

  stop(): void {
    Atomics.store(this.cells, STOP, 1);
  }

  get stopped(): boolean {
    return Atomics.load(this.cells, STOP) !== 0;
  }

  /** Tasks no scanner started: evidence left unread when the hunt stopped early. */
  get unclaimed(): number {
    return Math.max(0, this.plan.tasks.length - Atomics.load(this.cells, NEXT));
  }

  /** Bytes of the tasks no scanner has claimed yet. */
  get unclaimedBytes(): number {
    const { tasks } = this.plan;
    let n = 0;
    for (let i = Atomics.load(this.cells, NEXT); i < tasks.length; i++) n += taskBytes(tasks[i]);
    return n;
  }

  /** The newlines of a range part, counted by the scanner that read it (see ReadRange.onNewlines). */
  recordNewlines(range: TaskRange, n: number): void {
    Atomics.compareExchange(this.cells, this.counts + range.slot + range.part, UNKNOWN, n);
  }

  /**
   * Newlines in [0, start - 1) of a range, the count the reader numbers its lines from. Parts are
   * counted over [start_j - 1, start_j+1 - 1) so that they add up to exactly that; a part nobody
   * read or counted yet is counted here (two threads racing count it twice, to the same result).
   */
  linesBefore(range: TaskRange, path: string): number {
    let n = 0;
    for (let j = 0; j < range.part; j++) {
      const cell = this.counts + range.slot + j;
      let c = Atomics.load(this.cells, cell);
      if (c === UNKNOWN) {
        c = countNewlines(path, j === 0 ? 0 : range.bounds[j] - 1, range.bounds[j + 1] - 1);
        Atomics.store(this.cells, cell, c);
      }
      n += c;
    }
    return n;
  }
}

/**
 * Synchronous on purpose: the page cache answers in microseconds, while each asynchronous read
 * waits its turn on libuv's thread pool — which, on a busy machine, is most of the cost.
 */
function countNewlines(path: string, from: number, to: number): number {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(Math.min(1 << 20, Math.max(1, to - from)));
    let n = 0;
    for (let pos = from; pos < to; ) {
      const bytesRead = readSync(fd, buf, 0, Math.min(buf.length, to - pos), pos);
      if (bytesRead === 0) break;
      for (let i = buf.indexOf(0x0a); i !== -1 && i < bytesRead; i = buf.indexOf(0x0a, i + 1)) n++;
      pos += bytesRead;
    }
    return n;
  } finally {
    closeSync(fd);
  }
}
