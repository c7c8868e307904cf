import os from 'node:os';
import { SpillDir, type CandidateStoreOptions } from '../engine/candidates/index.js';
import { sortHits, type Hit, type StatefulRule } from '../engine/index.js';
import { createProgress, discoverEvidence, SkipLedger, sniffFile } from '../input/index.js';
import type { LineageIndex } from '../lineage/index.js';
import type { Rule } from '../rules/index.js';
import { filterHits, type HitFilter } from './filter-hits.js';
import { evaluateStatefulRules, type StatefulOutcome } from './evaluate-stateful.js';
import { defaultMaxMemory, planMemory } from './memory-budget.js';
import { mergeScans, type MergedScan } from './merge-scans.js';
import { runPool } from './pool.js';
import { loadRuleSet, type RuleSetOptions } from './rule-set.js';
import { planTasks } from './scan-plan.js';
import { scanTasks, type ScanOutput } from './scan-tasks.js';
import { summarize } from './summarize.js';
import type { HuntSummary } from './summary.js';

export interface HuntOptions extends Omit<RuleSetOptions, 'now' | 'strictIndex'> {
  evidence: string[];
  strictIndex?: boolean;
  /** Evaluation clock for date math in queries; default now. */
  now?: number;
  /** Which hits to keep. */
  filter?: HitFilter;
  progress?: boolean;
  /** Build the process lineage index while scanning (TUI, `lineage`). */
  lineage?: boolean;
  /** Worker threads; default: one per core, never more than there are tasks. 1 = in-process. */
  workers?: number;
  signal?: AbortSignal;
  /** Bytes the hunt's growing state should stay within (candidates spill to disk past a share). */
  maxMemory?: number;
  /** Parent of the temporary spill directory; default the OS temp dir. */
  tempDir?: string;
}

export interface HuntResult {
  hits: Hit[];
  summary: HuntSummary;
  rules: Rule[];
  lineage?: LineageIndex;
}

export async function hunt(opts: HuntOptions): Promise<HuntResult> {
  const started = performance.now();
  const ruleOpts: RuleSetOptions = {
    rulePaths: opts.rulePaths,
    includeDeprecated: opts.includeDeprecated,
    ruleIds: opts.ruleIds,
    minSeverity: opts.minSeverity,
    tags: opts.tags,
    now: opts.now ?? Date.now(),
    strictIndex: opts.strictIndex ?? false,
  };
  const { rules, set, failed, loadedCount } = await loadRuleSet(ruleOpts);

  const discovery = new SkipLedger();
  const files = await discoverEvidence(opts.evidence, discovery);
  const totalBytes = files.reduce((n, f) => n + f.size, 0);
  const stdinOnly = files.every((f) => f.path === '-');
  const wanted = opts.workers ?? os.availableParallelism();
  const splittable = await Promise.all(
    files.map(async (file) => ({
      file,
      splittable: wanted > 1 && file.path !== '-' && (await sniffFile(file.path).then((s) => !s.gzip && s.format === 'ndjson', () => false)),
    })),
  );
  const tasks = planTasks(splittable, wanted);
  const workers = stdinOnly ? 1 : Math.max(1, Math.min(wanted, tasks.length));

  const progress = createProgress({ totalBytes, totalFiles: files.length, enabled: opts.progress ?? false });
  const hooks = {
    onBytes: (n: number) => progress.addBytes(n),
    onEvents: (n: number) => progress.addEvents(n),
    onTaskDone: () => progress.fileDone(),
    aborted: () => opts.signal?.aborted ?? false,
  };
  const withLineage = opts.lineage ?? false;
  const memory = planMemory(opts.maxMemory ?? defaultMaxMemory(), workers);
  const stateful = set.compiled.filter((r): r is StatefulRule => r.stateful);
  const notes = { warnings: [] as string[], stats: {} as Record<string, number> };
  const spillDir = stateful.length ? openSpillDir(opts.tempDir, notes.warnings) : undefined;
  let scan: MergedScan;
  let evaluated: StatefulOutcome;
  try {
    const store: CandidateStoreOptions | undefined = spillDir && { budget: memory.scanBytesPerScanner, dir: spillDir.path };
    let outputs: ScanOutput[];
    try {
      outputs =
        workers <= 1
          ? [await scanTasks(tasks, set, hooks, withLineage, store)]
          : await runPool(tasks, workers, { rules: ruleOpts, lineage: withLineage, store }, hooks);
    } finally {
      progress.stop();
    }
    scan = mergeScans(outputs, withLineage);
    evaluated = await evaluateStatefulRules(stateful, scan.candidates, memory, notes, hooks.aborted);
  } finally {
    spillDir?.remove();
  }
  scan.ledger.merge(discovery.byKind);
  const { warnings, stats } = notes;
  for (const f of scan.faults) {
    warnings.push(`rule ${f.rule_id} failed on ${f.count} event(s), first at ${f.first.file}:${f.first.line}: ${f.first.message}`);
  }
  const hits = sortHits(filterHits([...scan.hits, ...evaluated.hits], opts.filter ?? {}));
  const summary = summarize({
    files: files.length,
    bytes: totalBytes,
    events: scan.events,
    skipped: scan.ledger.byKind,
    loaded: loadedCount,
    compiled: set.compiled.length,
    failed,
    unsupported: set.unsupported,
    hits,
    rules,
    warnings,
    stats,
    elapsedMs: performance.now() - started,
    incomplete: scan.interrupted || evaluated.notEvaluated > 0,
  });
  return { hits, summary, rules, lineage: scan.lineage };
}

/** Without a place to spill, a hunt still runs — in memory, with a warning. */
function openSpillDir(parent: string | undefined, warnings: string[]): SpillDir | undefined {
  try {
    return new SpillDir(parent);
  } catch (err) {
    warnings.push(`no temporary directory for spilling candidates (${(err as Error).message}); they are kept in memory`);
    return undefined;
  }
}
