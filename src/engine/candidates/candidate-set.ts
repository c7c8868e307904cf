import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Candidate } from '../compiled-rule.js';
import { mergeSorted } from './merge.js';
import { compareCandidates, pruneCandidates } from './order.js';
import { readRun, writeRunSync, type RunFile } from './run-file.js';
import type { CandidateSnapshot } from './store.js';

/** Open run files per merge: bounds file descriptors and read buffers (64 KiB each). */
const DEFAULT_FAN_IN = 64;

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
  private merges = 0;
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

  get spills(): Readonly<SpillTotals> {
    return this.spilled;
  }

  size(ruleId: string): { count: number; heapBytes: number; spilled: boolean } {
    const m = this.memory.get(ruleId);
    const runs = this.runs.get(ruleId) ?? [];
    let count = 0;
    for (const l of m?.lists ?? []) count += l.length;
    let heapBytes = m?.heapBytes ?? 0;
    for (const r of runs) {
      count += r.count;
      heapBytes += r.heapBytes;
    }
    return { count, heapBytes, spilled: runs.length > 0 };
  }

  /**
   * The rule's candidates in time order; a plain array when nothing was spilled. `prune` (the
   * rule's) applies when they are all in memory: it needs to see every candidate at once.
   */
  stream(ruleId: string, prune?: (timed: Candidate[]) => Candidate[]): Iterable<Candidate> {
    const runs = this.reduceRuns(ruleId);
    const mem = this.sortedMemory(ruleId, runs.length ? undefined : prune);
    if (!runs.length) return mem;
    return mergeSorted([mem, ...runs.map((r) => readRun(r.path))]);
  }

  /** The rule's candidates in time order, all in memory (for rules that need random access). */
  load(ruleId: string, prune?: (timed: Candidate[]) => Candidate[]): Candidate[] {
    const s = this.stream(ruleId, prune);
    return Array.isArray(s) ? s : [...s];
  }

  /** Forget a rule once evaluated: its memory goes back to the next rule, its runs off the disk. */
  release(ruleId: string): void {
    this.memory.delete(ruleId);
    for (const r of this.runs.get(ruleId) ?? []) rmSync(r.path, { force: true });
    this.runs.delete(ruleId);
  }

  private sortedMemory(ruleId: string, prune: ((timed: Candidate[]) => Candidate[]) | undefined): Candidate[] {
    const m = this.memory.get(ruleId);
    if (!m) return [];
    if (m.lists.length !== 1) m.lists = [m.lists.flat()];
    if (prune) m.lists = [pruneCandidates(m.lists[0], prune)];
    return m.lists[0].sort(compareCandidates);
  }

  /** Merge runs in groups until they fit one final merge beside the in-memory list. */
  private reduceRuns(ruleId: string): RunFile[] {
    let runs = this.runs.get(ruleId) ?? [];
    while (runs.length > this.fanIn - 1) {
      const next: RunFile[] = [];
      for (let i = 0; i < runs.length; i += this.fanIn) {
        const group = runs.slice(i, i + this.fanIn);
        if (group.length === 1) {
          next.push(group[0]);
          continue;
        }
        const file = path.join(path.dirname(group[0].path), `merge-${this.merges++}.run`);
        const heapBytes = group.reduce((n, r) => n + r.heapBytes, 0);
        next.push(writeRunSync(file, mergeSorted(group.map((r) => readRun(r.path))), heapBytes));
        for (const r of group) rmSync(r.path, { force: true });
      }
      runs = next;
      this.runs.set(ruleId, runs);
    }
    return runs;
  }
}
