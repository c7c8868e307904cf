import { rmSync } from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import type { Candidate, StatefulRule } from '../compiled-rule.js';
import { mergeSorted } from './merge.js';
import { compareCandidates, pruneCandidates, timedCandidates } from './order.js';
import { readRun, writeRunSync, type RunFile } from './run-file.js';
import type { CandidateSnapshot } from './store.js';

/** Merged runs written by this thread. */
let merges = 0;

/** Open run files per merge: bounds file descriptors and read buffers (64 KiB each). */
const DEFAULT_FAN_IN = 64;

/** What pruning a rule's candidates takes of the rule (see StatefulRule.prune). */
export type Pruning = Pick<StatefulRule, 'prune' | 'pruneKeys'>;

/** A rule's prune with the keys of all its candidates: each candidate is kept or not on its own. */
type Keep = (list: Candidate[]) => Candidate[];

/** Candidates read back from a run are pruned this many at a time. */
const KEEP_BATCH = 512;

/** A run's candidates in order, pruned by `keep` when given. */
function readKept(run: RunFile, keep: Keep | undefined): Iterable<Candidate> {
  return keep ? keptOf(readRun(run.path), keep) : readRun(run.path);
}

/** A sorted stream pruned a batch at a time; pruning keeps order, and untimed candidates (last) stay last. */
function* keptOf(source: Iterable<Candidate>, keep: Keep): Generator<Candidate> {
  let batch: Candidate[] = [];
  for (const c of source) {
    batch.push(c);
    if (batch.length === KEEP_BATCH) {
      yield* keep(batch);
      batch = [];
    }
  }
  if (batch.length) yield* keep(batch);
}

/**
 * Every key a rule's candidates open (StatefulRule.pruneKeys), in memory or spilled (the keys
 * each run kept, RunFile.openings); undefined when a run did not keep them.
 */
export function openedKeys(pruneKeys: NonNullable<StatefulRule['pruneKeys']>, lists: readonly Candidate[][], runs: readonly RunFile[]): Set<string> | undefined {
  if (runs.some((r) => r.openings === undefined)) return undefined;
  const opened = new Set<string>();
  for (const list of lists) for (const k of pruneKeys(timedCandidates(list))) opened.add(k);
  for (const r of runs) for (const k of r.openings!) opened.add(k);
  return opened;
}

export interface SpillTotals {
  rules: number;
  files: number;
  bytes: number;
  /** The first reason a scanner had to stop spilling and keep candidates in memory. */
  error?: string;
}

/**
 * Every scanner's candidates, gathered for evaluation one rule at a time: the in-memory lists
 * of all workers plus their spilled runs, merged into one time-ordered stream per rule.
 */
export class CandidateSet {
  private readonly memory = new Map<string, { lists: Candidate[][]; heapBytes: number }>();
  private readonly runs = new Map<string, RunFile[]>();
  private readonly spilled: SpillTotals = { rules: 0, files: 0, bytes: 0 };
  /** Rules some scanner kept projected candidates of. */
  readonly projected = new Set<string>();

  constructor(private readonly fanIn = DEFAULT_FAN_IN) {
    if (fanIn < 2) throw new Error('fan-in must be at least 2');
  }

  add(s: CandidateSnapshot): void {
    for (const id of s.projected ?? []) this.projected.add(id);
    if (s.spillError !== undefined) this.spilled.error ??= s.spillError;
    for (const { ruleId, list, heapBytes } of s.memory) {
      const m = this.memory.get(ruleId);
      if (m) {
        m.lists.push(list);
        m.heapBytes += heapBytes;
      } else this.memory.set(ruleId, { lists: [list], heapBytes });
    }
    for (const { ruleId, runs } of s.runs) {
      const into = this.runs.get(ruleId);
      if (!into) this.spilled.rules++;
      for (const r of runs) {
        this.spilled.files++;
        this.spilled.bytes += r.fileBytes;
      }
      if (into) into.push(...runs);
      else this.runs.set(ruleId, [...runs]);
    }
  }

  /**
   * Hand the candidates of some rules over, as a snapshot another thread evaluates them from
   * (in-memory lists and run files alike; the runs stay counted in `spills` here).
   */
  take(ruleIds: Iterable<string>): CandidateSnapshot {
    const out: CandidateSnapshot = { memory: [], runs: [] };
    for (const ruleId of ruleIds) {
      const m = this.memory.get(ruleId);
      if (m) out.memory.push({ ruleId, list: m.lists.length === 1 ? m.lists[0] : m.lists.flat(), heapBytes: m.heapBytes });
      const runs = this.runs.get(ruleId);
      if (runs?.length) out.runs.push({ ruleId, runs });
      this.memory.delete(ruleId);
      this.runs.delete(ruleId);
    }
    return out;
  }

  get spills(): Readonly<SpillTotals> {
    return this.spilled;
  }

  /** `memoryHeapBytes`: of `heapBytes`, the candidates that were never spilled. */
  size(ruleId: string): { count: number; heapBytes: number; memoryHeapBytes: number; spilled: boolean } {
    const m = this.memory.get(ruleId);
    const runs = this.runs.get(ruleId) ?? [];
    let count = 0;
    for (const l of m?.lists ?? []) count += l.length;
    const memoryHeapBytes = m?.heapBytes ?? 0;
    let heapBytes = memoryHeapBytes;
    for (const r of runs) {
      count += r.count;
      heapBytes += r.heapBytes;
    }
    return { count, heapBytes, memoryHeapBytes, spilled: runs.length > 0 };
  }

  /**
   * The rule's candidates in time order; a plain array when nothing was spilled. The rule's
   * `prune` needs the keys of every candidate: when some were spilled, those of its runs
   * (RunFile.openings, with `pruneKeys` for the ones in memory), and runs are pruned as they
   * are read back. Runs without keys leave the rule unpruned.
   */
  stream(ruleId: string, rule?: Pruning): Iterable<Candidate> {
    const prune = rule?.prune;
    if (!this.runs.get(ruleId)?.length) return this.sortedMemory(ruleId, prune && ((list) => pruneCandidates(list, prune)));
    const opened = rule?.pruneKeys && openedKeys(rule.pruneKeys, this.memory.get(ruleId)?.lists ?? [], this.runs.get(ruleId)!);
    const keep = prune && opened && ((list: Candidate[]) => pruneCandidates(list, prune, opened));
    // With no key opened anywhere only untimed candidates survive the prune (to be counted):
    // a run without any has nothing to give, and is deleted unread.
    if (keep && opened.size === 0) {
      const [unread, read] = partition(this.runs.get(ruleId)!, (r) => r.untimed === 0);
      for (const r of unread) rmSync(r.path, { force: true });
      this.runs.set(ruleId, read);
    }
    const runs = this.reduceRuns(ruleId, keep);
    return mergeSorted([this.sortedMemory(ruleId, keep), ...runs.map((r) => readKept(r, keep))]);
  }

  /** The rule's candidates in time order, all in memory (for rules that need random access). */
  load(ruleId: string, rule?: Pruning): Candidate[] {
    const s = this.stream(ruleId, rule);
    return Array.isArray(s) ? s : [...s];
  }

  /**
   * Forget a rule once evaluated: its memory goes back to the next rule, its runs off the disk.
   * Returns the bytes of its runs still on disk: what `stream` read back, as it skips runs
   * nothing in could survive the prune.
   */
  release(ruleId: string): number {
    this.memory.delete(ruleId);
    let readBack = 0;
    for (const r of this.runs.get(ruleId) ?? []) {
      readBack += r.fileBytes;
      rmSync(r.path, { force: true });
    }
    this.runs.delete(ruleId);
    return readBack;
  }

  private sortedMemory(ruleId: string, keep: Keep | undefined): Candidate[] {
    const m = this.memory.get(ruleId);
    if (!m) return [];
    if (m.lists.length !== 1) m.lists = [m.lists.flat()];
    if (keep) m.lists = [keep(m.lists[0])];
    return m.lists[0].sort(compareCandidates);
  }

  /** Merge runs in groups until they fit one final merge beside the in-memory list; `keep` prunes what they write. */
  private reduceRuns(ruleId: string, keep: Keep | undefined): RunFile[] {
    let runs = this.runs.get(ruleId) ?? [];
    while (runs.length > this.fanIn - 1) {
      const next: RunFile[] = [];
      for (let i = 0; i < runs.length; i += this.fanIn) {
        const group = runs.slice(i, i + this.fanIn);
        if (group.length === 1) {
          next.push(group[0]);
          continue;
        }
        // Unique across the threads evaluating from one spill directory.
        const file = path.join(path.dirname(group[0].path), `merge-${threadId}-${merges++}.run`);
        const heapBytes = group.reduce((n, r) => n + r.heapBytes, 0);
        next.push(writeRunSync(file, mergeSorted(group.map((r) => readKept(r, keep))), heapBytes));
        for (const r of group) rmSync(r.path, { force: true });
      }
      runs = next;
      this.runs.set(ruleId, runs);
    }
    return runs;
  }
}

function partition<T>(xs: readonly T[], test: (x: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const x of xs) (test(x) ? yes : no).push(x);
  return [yes, no];
}
