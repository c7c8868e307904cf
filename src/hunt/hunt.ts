import os from 'node:os';
import { evaluateStateful, sortHits, type Hit, type StatefulRule } from '../engine/index.js';
import { createProgress, discoverEvidence, SkipLedger, sniffFile } from '../input/index.js';
import type { LineageIndex } from '../lineage/index.js';
import type { Rule } from '../rules/index.js';
import { filterHits, type HitFilter } from './filter-hits.js';
import { mergeScans } from './merge-scans.js';
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
  let outputs: ScanOutput[];
  try {
    outputs =
      workers <= 1
        ? [await scanTasks(tasks, set, hooks, opts.lineage ?? false)]
        : await runPool(tasks, workers, { rules: ruleOpts, lineage: opts.lineage ?? false }, hooks);
  } finally {
    progress.stop();
  }
  const scan = mergeScans(outputs, opts.lineage ?? false);
  scan.ledger.merge(discovery.byKind);

  const warnings: string[] = [];
  const stats: Record<string, number> = {};
  const stateful = set.compiled.filter((r): r is StatefulRule => r.stateful);
  const statefulHits = evaluateStateful(
    stateful,
    scan.candidates,
    (rule) => ({
      warn: (m) => warnings.push(`${rule.rule.name} [${rule.rule.rule_id}]: ${m}`),
      stat: (name, v) => (stats[name] = Math.max(stats[name] ?? 0, v)),
    }),
    (rule, err) => warnings.push(`${rule.rule.name} [${rule.rule.rule_id}]: evaluation failed: ${(err as Error).message}`),
  );
  for (const f of scan.faults) {
    warnings.push(`rule ${f.rule_id} failed on ${f.count} event(s), first at ${f.first.file}:${f.first.line}: ${f.first.message}`);
  }
  const hits = sortHits(filterHits([...scan.hits, ...statefulHits], opts.filter ?? {}));
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
    incomplete: scan.interrupted,
  });
  return { hits, summary, rules, lineage: scan.lineage };
}
