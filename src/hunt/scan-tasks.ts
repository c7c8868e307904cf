import { CandidateStore, type CandidateSnapshot, type CandidateStoreOptions } from '../engine/candidates/store.js';
import type { Hit } from '../engine/hit.js';
import { Scanner, type RuleFault } from '../engine/scanner.js';
import { readEvidenceFile } from '../input/read-file.js';
import { MAX_EXAMPLES, SkipLedger, type SkipExample, type SkipKind, type SkipReport } from '../input/skips.js';
import { LineageIndex } from '../lineage/lineage-index.js';
import { LINEAGE_FIELDS } from '../lineage/record.js';
import type { CompiledSet } from './compile-rules.js';
import { routingGate } from './routing-gate.js';
import type { ScanTask, TaskClaims } from './scan-plan.js';

/** What one scanner (in-process or a worker thread) hands back for merging. */
export interface ScanOutput {
  hits: Hit[];
  candidates: CandidateSnapshot;
  faults: RuleFault[];
  skipped: SkipReport;
  events: number;
  /** Of the events, lines the gate screened out (never parsed). */
  screened: number;
  /** Rules with hits that hold only their place, not their document (see Scanner.keepHitPlacesPast). */
  placed: string[];
  lineage?: unknown;
  interrupted: boolean;
}

export interface ScanHooks {
  onBytes(n: number): void;
  onEvents(n: number): void;
  onTaskDone(task: ScanTask): void;
  aborted(): boolean;
}

/**
 * A scan whose reads come from the page cache may never wait for I/O, and an async generator
 * alone yields only to microtasks: without a turn of the event loop now and then, Ctrl-C, worker
 * messages and the progress bar would wait for the whole scan.
 */
const YIELD_EVERY_MS = 50;

/** Estimated bytes of held candidates past which a scanner keeps projections (see scanTasks). */
const PROJECT_PAST_BYTES = 16 * 1024 * 1024;

export interface ScanOptions {
  /** Build the process lineage index while scanning, within this many (estimated) bytes. */
  lineage: boolean;
  lineageBytes?: number;
  /** This scanner's share of the candidate budget and where it spills. */
  store?: CandidateStoreOptions;
  /** Shared line counts for range tasks (see TaskClaims.linesBefore). */
  claims?: TaskClaims;
  /** Keep candidates as projections once they outgrow a few MB (see Scanner.startProjecting). */
  projectCandidates: boolean;
  /** Screen out lines no rule can match before parsing them, when the native reader is built (see RoutingGate). */
  lineGate: boolean;
  /** Bytes of hits' documents past which new hits keep only their place (see Scanner.keepHitPlacesPast); default none. */
  hitBytes?: number;
  /** The fields such hits keep of their document (see Scanner.keepHitPlacesPast); default none. */
  hitSummary?: readonly string[];
}

/** Stream tasks through the router and rules; the same code runs in workers and in-process. */
export async function scanTasks(
  tasks: Iterable<ScanTask> | AsyncIterable<ScanTask>,
  set: CompiledSet,
  hooks: ScanHooks,
  { lineage: withLineage, lineageBytes, store, claims, projectCandidates, lineGate, hitBytes, hitSummary }: ScanOptions,
): Promise<ScanOutput> {
  const candidates = new CandidateStore(store);
  const scanner = new Scanner(set.compiled, candidates);
  if (hitBytes !== undefined) scanner.keepHitPlacesPast(hitBytes, hitSummary);
  const skipped: SkipReport = {};
  const faults = new Map<string, RuleFault>();
  const lineage = withLineage ? new LineageIndex(lineageBytes) : undefined;
  // The lineage index wants every event, routed or not: screened lines carry its fields too.
  const gate = lineGate ? routingGate(scanner, lineage ? LINEAGE_FIELDS : []) : undefined;
  let events = 0;
  let interrupted = false;
  let lastYield = performance.now();
  for await (const task of tasks) {
    // One ledger per task: within a task examples come in line order, so its first ones are the
    // earliest; mergeEarliest keeps the earliest of all, whatever order the tasks came in.
    const ledger = new SkipLedger();
    const part = task.range;
    const range = part && {
      start: part.start,
      end: part.end,
      linesBefore: claims && part.part > 0 ? claims.linesBefore(part, task.file.path) : undefined,
      onNewlines: claims && ((n: number) => claims.recordNewlines(part, n)),
    };
    for await (const batch of readEvidenceFile(task.file, { ledger, onBytes: hooks.onBytes, range, gate })) {
      for (let i = 0; i < batch.length; i++) {
        const ev = batch[i];
        if (ev.screened !== true) scanner.scan(ev);
        if (lineage) lineage.add(ev);
      }
      events += batch.length;
      hooks.onEvents(batch.length);
      // Whole documents held by candidates survive young-generation GCs and are copied by each:
      // past a few MB, projections cost less than the copying (corpus hunt, against projecting
      // only at the memory share: wall 0.95x, peak RSS 492 -> 440 MB). Hunts keeping fewer
      // never project, so their hits need no read-back.
      if (projectCandidates && !scanner.isProjecting && candidates.heldBytes > PROJECT_PAST_BYTES) scanner.startProjecting();
      if (candidates.overBudget) {
        // Projections first: they usually bring the store back under budget without the disk.
        if (projectCandidates && !scanner.isProjecting) scanner.startProjecting();
        if (candidates.overBudget) await candidates.spill(scanner.openings);
      }
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
      if (hooks.aborted()) {
        interrupted = true;
        break;
      }
    }
    mergeEarliest(skipped, ledger.byKind);
    takeFaults(scanner, faults);
    if (interrupted) break;
    hooks.onTaskDone(task);
  }
  return {
    hits: scanner.hits,
    candidates: candidates.snapshot(),
    faults: [...faults.values()],
    skipped,
    events,
    screened: gate?.screened ?? 0,
    placed: [...scanner.placed],
    lineage: lineage?.toJSON(),
    interrupted,
  };
}

/**
 * Add `from` to `into`, keeping as examples the earliest by file and line rather than the first
 * seen: which scanner reads which task varies from run to run, the earliest examples do not, so
 * the summary is the same for any number of workers.
 */
export function mergeEarliest(into: SkipReport, from: SkipReport): void {
  for (const [kind, c] of Object.entries(from) as [SkipKind, NonNullable<SkipReport[SkipKind]>][]) {
    const entry = (into[kind] ??= { count: 0, examples: [] });
    entry.count += c.count;
    entry.examples = [...entry.examples, ...c.examples].sort(compareExamples).slice(0, MAX_EXAMPLES);
  }
}

/** Faults of the task just scanned, merged the same way: the earliest location of each rule's. */
function takeFaults(scanner: Scanner, into: Map<string, RuleFault>): void {
  for (const f of scanner.faults.values()) {
    const prev = into.get(f.rule_id);
    if (!prev) into.set(f.rule_id, { ...f });
    else {
      prev.count += f.count;
      if (compareExamples(f.first, prev.first) < 0) prev.first = f.first;
    }
  }
  scanner.faults.clear();
}

function compareExamples(a: { file: string; line?: number }, b: { file: string; line?: number }): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return (a.line ?? 0) - (b.line ?? 0);
}
