import { rmSync } from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import type { Projection } from '../../fields/projection.js';
import type { TrawlEvent } from '../../input/event.js';
import type { Candidate, Tally } from '../compiled-rule.js';
import { approxHeapBytes, CANDIDATE_OVERHEAD } from './heap-size.js';
import { compareCandidates, timedCandidates } from './order.js';
import { reclaimMemory } from './reclaim.js';
import { writeRun, type RunFile } from './run-file.js';

/** What a scanner hands over for evaluation: the in-memory remainder and the spilled runs. */
export interface CandidateSnapshot {
  /** `unpruned`: how long the list was before the prune exchange cut it (see pruneSnapshot). */
  memory: { ruleId: string; list: Candidate[]; heapBytes: number; unpruned?: number }[];
  runs: { ruleId: string; runs: RunFile[] }[];
  /** Why spilling stopped (a full or vanished temp dir), if it did. */
  spillError?: string;
  /** Rules whose candidates were (some or all) kept as projections: their hits need read-back. */
  projected?: string[];
}

export interface CandidateStoreOptions {
  /**
   * Estimated heap bytes this store may hold before spilling; Infinity never spills. Read at every
   * check, so the owner may change it while scanning (a hunt's main thread scans alone with the
   * whole budget until workers join it).
   */
  budget: number;
  /** Where runs go; required for a finite budget. */
  dir?: string;
}

/** After a spill the store holds at most this share of its budget, so spills are few and large. */
const SPILL_DOWN_TO = 0.5;

/**
 * A candidate as one literal of a fixed shape: spreading the event, then adding `mark`, cost a
 * third of the scan loop's own time in a corpus hunt (a generic clone, then a map transition and
 * an out-of-object property store per candidate).
 */
export function candidateOf(ev: TrawlEvent, doc: Record<string, unknown>, ts: number | undefined, mark: number | undefined, tally?: Tally): Candidate {
  if (ev.index !== undefined || ev.id !== undefined || tally !== undefined) {
    // Hits of an Elasticsearch export, and cells (few): the slow general way.
    const c: Candidate = ev.index !== undefined || ev.id !== undefined ? { ...ev, doc, ts } : { doc, file: ev.file, line: ev.line, ts };
    if (mark !== undefined) c.mark = mark;
    if (tally !== undefined) c.tally = tally;
    return c;
  }
  return mark === undefined ? { doc, file: ev.file, line: ev.line, ts } : { doc, file: ev.file, line: ev.line, ts, mark };
}

/** Run names must be unique across workers (thread id) and stores within a thread. */
let storesInThread = 0;

/**
 * Per-rule candidate lists of one scanner. Past its budget, the largest lists are sorted and
 * written to disk as runs, so a scan's memory stays bounded whatever the evidence size.
 */
export class CandidateStore {
  /** In-memory lists by rule id, unsorted (a scanner's `candidates`). */
  readonly memory = new Map<string, Candidate[]>();
  private readonly heap = new Map<string, number>();
  private readonly runs = new Map<string, RunFile[]>();
  private held = 0;
  private seq = 0;
  private readonly name = `${threadId}-${storesInThread++}`;
  private spillError: string | undefined;
  private readonly projected = new Set<string>();

  constructor(private readonly opts: CandidateStoreOptions = { budget: Number.POSITIVE_INFINITY }) {
    if (Number.isFinite(opts.budget) && !opts.dir) throw new Error('a candidate budget needs a spill directory');
  }

  add(ruleId: string, c: Candidate, heapBytes: number): void {
    let list = this.memory.get(ruleId);
    if (!list) this.memory.set(ruleId, (list = []));
    list.push(c);
    this.heap.set(ruleId, (this.heap.get(ruleId) ?? 0) + heapBytes);
    this.held += heapBytes;
  }

  /** Estimated heap bytes of the candidates in memory. */
  get heldBytes(): number {
    return this.held;
  }

  get overBudget(): boolean {
    return this.held > this.opts.budget && this.spillError === undefined;
  }

  /**
   * Replace the held candidates of these rules by their projections: the whole documents they
   * shared are freed, each projection weighed on its own. The rules' later candidates are
   * expected to arrive projected too.
   */
  projectAll(projections: ReadonlyMap<string, Projection>): void {
    for (const [ruleId, project] of projections) {
      this.projected.add(ruleId);
      const list = this.memory.get(ruleId);
      if (!list) continue;
      let bytes = 0;
      for (let i = 0; i < list.length; i++) {
        const c = list[i];
        const doc = project(c.doc);
        list[i] = candidateOf(c, doc, c.ts, c.mark, c.tally);
        bytes += approxHeapBytes(doc) + CANDIDATE_OVERHEAD;
      }
      this.held += bytes - (this.heap.get(ruleId) ?? 0);
      this.heap.set(ruleId, bytes);
    }
  }

  /**
   * Spill the largest lists until the store is well under budget. `openings` gives, for a rule
   * that prunes, the keys a list's timed candidates open: kept with the run (RunFile.openings).
   */
  async spill(openings?: (ruleId: string, timed: Candidate[]) => Set<string> | undefined): Promise<void> {
    const target = this.opts.budget * SPILL_DOWN_TO;
    const bySize = [...this.heap].sort((a, b) => b[1] - a[1]);
    for (const [ruleId, bytes] of bySize) {
      if (this.held <= target) break;
      const list = this.memory.get(ruleId);
      if (!list?.length) continue;
      // Detach before the await: the list is on its way to disk, not part of the store.
      this.memory.delete(ruleId);
      this.heap.delete(ruleId);
      this.held -= bytes;
      const file = path.join(this.opts.dir as string, `${this.name}-${this.seq++}.run`);
      let run: RunFile;
      try {
        const keys = openings?.(ruleId, timedCandidates(list));
        run = await writeRun(file, list.sort(compareCandidates), bytes);
        if (keys) run.openings = [...keys];
      } catch (err) {
        // Losing the hunt to a full disk is worse than exceeding the budget: keep going in memory.
        rmSync(file, { force: true });
        this.memory.set(ruleId, list);
        this.heap.set(ruleId, bytes);
        this.held += bytes;
        this.spillError = (err as Error).message;
        return;
      }
      let runs = this.runs.get(ruleId);
      if (!runs) this.runs.set(ruleId, (runs = []));
      runs.push(run);
    }
    reclaimMemory();
  }

  snapshot(): CandidateSnapshot {
    return {
      memory: [...this.memory].map(([ruleId, list]) => ({ ruleId, list, heapBytes: this.heap.get(ruleId) ?? 0 })),
      runs: [...this.runs].map(([ruleId, runs]) => ({ ruleId, runs })),
      projected: [...this.projected],
      ...(this.spillError === undefined ? {} : { spillError: this.spillError }),
    };
  }
}
