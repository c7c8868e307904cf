import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Candidate } from '../compiled-rule.js';

/** A time-sorted run of one rule's candidates on disk, one JSON array per line. */
export interface RunFile {
  path: string;
  count: number;
  /** Estimated heap bytes of its candidates once read back (for load decisions). */
  heapBytes: number;
  /** Bytes on disk. */
  fileBytes: number;
  /** Of `count`, candidates without a time (they sort last). */
  untimed: number;
  /**
   * For a rule that prunes (StatefulRule.pruneKeys): the keys its timed candidates open. With
   * them a spilled rule is pruned as one held in memory: every key is known without reading
   * the runs back first.
   */
  openings?: string[];
}

/**
 * A positional array rather than an object: shorter on disk, and documents come from JSON.parse
 * (big integers already quoted), so JSON round-trips them exactly.
 *
 * With `files` (one per run file), a row names its evidence file the first time the run meets it
 * and gives its number in order of appearance afterwards: an evidence path was a quarter of a
 * sequence candidate's row (~55 of ~200 bytes), written and decoded again for every candidate.
 */
export function encodeCandidate(c: Candidate, files?: Map<string, number>): string {
  let file: string | number = c.file;
  if (files) {
    const known = files.get(file);
    if (known === undefined) files.set(file, files.size);
    else file = known;
  }
  const row: unknown[] = [c.ts ?? null, file, c.line, c.index ?? null, c.id ?? null, c.doc];
  if (c.mark !== undefined || c.tally !== undefined) row.push(c.mark ?? null);
  if (c.tally !== undefined) row.push([c.tally.group, c.tally.run, c.tally.count, c.tally.last]);
  return JSON.stringify(row);
}

/** A row of `encodeCandidate`; `files` (one per run file) collects the paths its rows named. */
export function decodeCandidate(line: string, files?: string[]): Candidate {
  const row = JSON.parse(line) as [number | null, string | number, number, string | null, string | null, Record<string, unknown>, (number | null)?, [string, number, number, number]?];
  const [ts, named, lineNo, index, id, doc, mark, tally] = row;
  let file: string;
  if (typeof named === 'number') {
    const known = files?.[named];
    if (known === undefined) throw new Error(`spilled candidate names evidence file #${named} before its path`);
    file = known;
  } else {
    file = named;
    files?.push(named);
  }
  const c: { -readonly [K in keyof Candidate]: Candidate[K] } = { doc, file, line: lineNo, ts: ts ?? undefined };
  if (index !== null) c.index = index;
  if (id !== null) c.id = id;
  if (mark !== undefined && mark !== null) c.mark = mark;
  if (tally !== undefined) c.tally = { group: tally[0], run: tally[1], count: tally[2], last: tally[3] };
  return c;
}

const WRITE_CHUNK = 1 << 20;

/**
 * A run's rows, about WRITE_CHUNK characters at a time, counted into `counts` as they go: the
 * rows of one run file, numbering its evidence files (see encodeCandidate).
 */
function* runChunks(sorted: Iterable<Candidate>, counts: { count: number; untimed: number }): Generator<string> {
  const files = new Map<string, number>();
  let chunk = '';
  for (const c of sorted) {
    chunk += `${encodeCandidate(c, files)}\n`;
    counts.count++;
    if (c.ts === undefined) counts.untimed++;
    if (chunk.length >= WRITE_CHUNK) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** Write sorted candidates as a run without blocking the scan's event loop. */
export async function writeRun(path: string, sorted: readonly Candidate[], heapBytes: number): Promise<RunFile> {
  const fh = await open(path, 'wx', 0o600);
  const counts = { count: 0, untimed: 0 };
  let fileBytes = 0;
  try {
    for (const chunk of runChunks(sorted, counts)) fileBytes += (await fh.write(chunk)).bytesWritten;
  } finally {
    await fh.close();
  }
  return { path, ...counts, heapBytes, fileBytes };
}

/**
 * Synchronous writer for merge passes at evaluation time, which run between synchronous rule
 * evaluations anyway.
 */
export function writeRunSync(path: string, sorted: Iterable<Candidate>, heapBytes: number): RunFile {
  const fd = openSync(path, 'wx', 0o600);
  const counts = { count: 0, untimed: 0 };
  let fileBytes = 0;
  try {
    for (const chunk of runChunks(sorted, counts)) fileBytes += writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  return { path, ...counts, heapBytes, fileBytes };
}

const READ_CHUNK = 64 * 1024;

/**
 * Reads a run back one candidate at a time with a small buffer, synchronously, because rule
 * evaluation consumes candidates from a plain iterator. Lines are split on bytes and decoded
 * whole, so a huge document costs one concatenation, not a rescan per chunk.
 */
export function* readRun(path: string): Generator<Candidate> {
  const fd = openSync(path, 'r');
  const files: string[] = [];
  try {
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    let partial: Buffer[] = [];
    for (;;) {
      const n = readSync(fd, buf, 0, READ_CHUNK, null);
      if (n === 0) break;
      let start = 0;
      let nl: number;
      while ((nl = buf.indexOf(0x0a, start)) >= 0 && nl < n) {
        const text = partial.length
          ? Buffer.concat([...partial, buf.subarray(start, nl)]).toString('utf8')
          : buf.toString('utf8', start, nl);
        partial = [];
        yield decodeCandidate(text, files);
        start = nl + 1;
      }
      if (start < n) partial.push(Buffer.from(buf.subarray(start, n)));
    }
    if (partial.length) yield decodeCandidate(Buffer.concat(partial).toString('utf8'), files);
  } finally {
    closeSync(fd);
  }
}
