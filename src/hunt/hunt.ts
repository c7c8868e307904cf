import os from 'node:os';
import type { CandidateStoreOptions } from '../engine/candidates/store.js';
import { SpillDir } from '../engine/candidates/spill-dir.js';
import type { StatefulRule } from '../engine/compiled-rule.js';
import type { Hit } from '../engine/hit.js';
import { discoverEvidence } from '../input/discover.js';
import { createProgress, NO_STAGE, type Progress, type ProgressOptions, type ProgressStage } from '../input/progress.js';
import { SkipLedger, type SkipReport } from '../input/skips.js';
import { sniffFile } from '../input/sniff.js';
import type { LineageIndex } from '../lineage/lineage-index.js';
import type { Rule } from '../rules/rule.js';
import type { StatefulOutcome } from './evaluate-stateful.js';
import type { HitFilter } from './filter-hits.js';
import { defaultMaxMemory, formatSize, planMemory } from './memory-budget.js';
import type { MergedScan } from './merge-scans.js';
import { startPool, type Pool } from './pool.js';
import { localPruneKeys, prunable, pruneSnapshot, unionPruneKeys, type PruneKeys } from './prune-exchange.js';
import type { RuleCacheStats } from './rule-cache.js';
import type { RuleSet, RuleSetOptions, RulesForWorkers } from './rule-set.js';
import { planTasks, splittableFiles, TaskClaims, type ScanTask } from './scan-plan.js';
import type { ScanHooks, ScanOutput } from './scan-tasks.js';
import { assignRules, candidateCosts } from './share-evaluation.js';
import type { HuntSummary } from './summary.js';
import { LateStart } from './worker-decision.js';

export interface HuntOptions extends Omit<RuleSetOptions, 'now' | 'strictIndex'> {
  evidence: string[];
  strictIndex?: boolean;
  /** Evaluation clock for date math in queries; default now. */
  now?: number;
  /** Which hits to keep. */
  filter?: HitFilter;
  /** A bar on stderr when it is a terminal; or the caller's own rendering of the same steps. */
  progress?: boolean | ((o: ProgressOptions) => Progress);
  /** Build the process lineage index while scanning (TUI, `lineage`). */
  lineage?: boolean;
  /**
   * Scanning threads: the main thread plus workers-1 worker threads, never more than there are
   * tasks; 1 = in-process only. Default: up to one per core, the workers started only once the
   * main thread's first moments of scanning show they would pay (see worker-decision.ts).
   */
  workers?: number;
  signal?: AbortSignal;
  /** Bytes the hunt's growing state should stay within (candidates spill to disk past a share). */
  maxMemory?: number;
  /** Parent of the temporary spill directory; default the OS temp dir. */
  tempDir?: string;
  /**
   * When candidates exceed their memory share, keep them as projections (the fields their rules
   * read) and read hits' documents back afterwards, before spilling to disk (default; never for
   * stdin). false keeps whole documents: the reference the tests compare to.
   */
  projectCandidates?: boolean;
  /**
   * Screen out NDJSON lines that no rule can match before parsing them, when the native line
   * reader is built (default; see RoutingGate). Results are the same; false parses every line.
   */
  lineGate?: boolean;
  /** Keep parsed and compiled rules here between runs (see rule-cache.ts); default: no cache. */
  cacheDir?: string;
  /** Rules given as values (an ad-hoc query made a rule) instead of read from `rulePaths`. */
  rules?: Rule[];
  /**
   * Read the documents of hits made from projected candidates back from the evidence before
   * returning (default). false leaves them projections and names their rules in `projected`:
   * the caller reads them back as it writes them (readBackInOrder), so they are never all in
   * memory at once.
   */
  readBack?: boolean;
  /**
   * Single-event hits past the hits' share of the memory budget keep only these fields of their
   * document beside their place, and their rules are named in `projected`, with `readBack` true
   * as well: the TUI lists them by these fields and reads a document back when it shows it.
   * Hits of stateful rules are read back before returning, as usual.
   */
  hitSummary?: readonly string[];
  /**
   * Hits in the order the rules made them instead of sorted by time and place: an ad-hoc EQL
   * query prints sequences in the order the language completes them.
   */
  evaluationOrder?: boolean;
}

export interface HuntResult {
  hits: Hit[];
  summary: HuntSummary;
  rules: Rule[];
  lineage?: LineageIndex;
  /** How much of the rule set the cache answered (when there was one). */
  ruleCache?: RuleCacheStats;
  /** Lines counted without being parsed: no rule could match them (see RoutingGate). */
  linesScreened: number;
  /** Scanning threads started, the main one included: 1 when workers did not pay (see worker-decision.ts). */
  scanners: number;
  /** Stateful rules evaluated by worker threads rather than the main one (see share-evaluation.ts). */
  evaluatedByWorkers: number;
  /**
   * With `readBack: false`: the rules whose hits hold projections rather than whole documents;
   * with `hitSummary`: the rules whose hits may hold only that summary.
   */
  projected?: ReadonlySet<string>;
}

/**
 * Everything is planned from the evidence before any rule is read, so that worker threads asked
 * for start first: they load their modules while the main thread reads and compiles the rules
 * (once, for everyone: workers compile a rule only when an event reaches it), then every thread —
 * the main one included — scans tasks claimed from a shared plan. By default the workers start
 * later, once the main thread's first moments of scanning show the work left is worth sharing.
 */
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

  const discovery = new SkipLedger();
  const files = await discoverEvidence(opts.evidence, discovery);
  const totalBytes = files.reduce((n, f) => n + f.size, 0);
  // Worker threads have no stdin of their own: it is always read by the main thread.
  const stdin: ScanTask[] = files.filter((f) => f.path === '-').map((file) => ({ file }));
  const cores = os.availableParallelism();
  const wanted = opts.workers ?? cores;
  const splittable = await splittableFiles(
    files.filter((f) => f.path !== '-'),
    wanted,
    (path) => sniffFile(path).then((s) => !s.gzip && s.format === 'ndjson'),
  );
  const plan = planTasks(splittable, wanted);
  const scanners = Math.max(1, Math.min(wanted, plan.tasks.length));

  const withLineage = opts.lineage ?? false;
  const memory = planMemory(opts.maxMemory ?? defaultMaxMemory(), scanners);
  const notes = { warnings: [] as string[], stats: {} as Record<string, number> };
  /** What the process held once the rules were ready, before any evidence: not the budget's to bound. */
  let rssBeforeScan = 0;
  // Made before the rules are known, since workers need it from the start; a failure to make it
  // only matters (and is only reported) if some rule keeps candidates.
  let spillError: string | undefined;
  const spillDir = openSpillDir(opts.tempDir, (message) => (spillError = message));
  const store: CandidateStoreOptions | undefined = spillDir && { budget: memory.scanBytesPerScanner, dir: spillDir.path };
  // Asked for workers start at once; by default they start only once the main thread's first
  // moments of scanning show they would pay (see worker-decision.ts). Until then, and for good
  // when they never do, the main thread scans alone and keeps the whole candidate budget.
  const late = scanners > 1 && opts.workers === undefined;
  const mainStore = store && late ? { ...store, budget: memory.scanBytes } : store;
  const claims = new TaskClaims(plan, scanners);
  // Past the memory budget candidates become projections, but only when hits' documents can be
  // read back afterwards: not from stdin.
  const projectCandidates = (opts.projectCandidates ?? true) && stdin.length === 0;
  const lineGate = opts.lineGate ?? true;
  // Hits the caller reads back as it writes or shows them keep only their place past their share.
  const placesPast = (opts.readBack === false || opts.hitSummary !== undefined) && projectCandidates;
  const progressOptions = { totalBytes, totalFiles: files.length, preparing: 'loading rules…' };
  const progress = typeof opts.progress === 'function' ? opts.progress(progressOptions) : await createProgress({ ...progressOptions, enabled: opts.progress === true });
  let evaluating: ProgressStage = NO_STAGE;
  // The bar counts files, not tasks: a file cut into ranges is done when its last range is.
  const partsLeft = new Map<string, number>();
  for (const t of plan.tasks) partsLeft.set(t.file.path, (partsLeft.get(t.file.path) ?? 0) + 1);
  const taskDone = (path: string) => {
    const left = (partsLeft.get(path) ?? 1) - 1;
    partsLeft.set(path, left);
    if (left <= 0) progress.fileDone();
  };
  const onAbort = () => claims.stop();
  opts.signal?.addEventListener('abort', onAbort);
  if (opts.signal?.aborted) claims.stop();
  const aborted = () => opts.signal?.aborted ?? false;

  let pool: Pool | undefined;
  let ruleSet: RuleSet;
  let stateful: StatefulRule[];
  let scan: MergedScan;
  let evaluated: StatefulOutcome;
  let cacheStats: RuleCacheStats | undefined;
  /** Stateful rules assigned to worker threads (see share-evaluation.ts). */
  let evaluatedByWorkers = 0;
  let leftProjected: ReadonlySet<string> | undefined;
  /** Bytes read by every scanner: a pipe or stdin is listed as empty, and only this tells its size. */
  let bytesRead = 0;
  const addBytes = (n: number) => {
    bytesRead += n;
    progress.addBytes(n);
  };
  const startWorkers = () => {
    const launched = startPool(
      scanners - 1,
      {
        rules: ruleOpts,
        lineage: withLineage,
        lineageBytes: memory.lineageBytesPerScanner,
        projectCandidates,
        lineGate,
        store,
        ...(placesPast ? { hitBytes: memory.hitBytesPerScanner, hitSummary: opts.hitSummary } : {}),
        plan,
        scanners,
        claims: claims.buffer,
      },
      { onBytes: (n) => addBytes(n), onEvents: (n) => progress.addEvents(n), onTaskDone: taskDone, onRuleDone: () => evaluating.advance() },
    );
    // A failed worker stops every scanner; the failure is rethrown when the results are awaited.
    launched.results.catch(() => claims.stop());
    return launched;
  };
  try {
    if (scanners > 1 && !late) pool = startWorkers();
    let outputs: ScanOutput[];
    try {
      const [{ readRuleFiles, compileRuleSet, rulesForWorkers }, { scanTasks }, { RuleCache }] = await Promise.all([
        import('./rule-set.js'),
        import('./scan-tasks.js'),
        import('./rule-cache.js'),
      ]);
      const cache = opts.rules ? undefined : RuleCache.open(opts.cacheDir, { strictIndex: ruleOpts.strictIndex });
      let forWorkers: RulesForWorkers | undefined;
      try {
        const loaded = opts.rules ? { rules: opts.rules, errors: [], files: 0, deprecatedSkipped: 0 } : await readRuleFiles(ruleOpts, cache);
        ruleSet = compileRuleSet(loaded, ruleOpts, cache);
        cacheStats = cache?.stats;
        // Workers compile a rule when an event first reaches it: two threads compiling every rule
        // at once took twice as long each, and most rules of a big set never meet an event. Packed
        // before the cache closes its file: most of the rules go as the bytes of their entries.
        forWorkers = pool || late ? rulesForWorkers(ruleSet, cache) : undefined;
        if (pool && forWorkers) pool.sendRules(forWorkers);
      } finally {
        // Failing to write costs the next run time, not this one its results.
        cache?.close();
      }
      stateful = ruleSet.set.compiled.filter((r): r is StatefulRule => r.stateful);
      const rules = ruleSet;
      const lateStart = late
        ? new LateStart(
            () => ({ unclaimedBytes: claims.unclaimedBytes, scanners, cores, rules: rules.set.compiled.length }),
            () => {
              // The store reads its budget at each check: past this share it projects or spills.
              if (mainStore) mainStore.budget = memory.scanBytesPerScanner;
              pool = startWorkers();
              // Packed above for this late start; it decides once, so they are still there.
              pool.sendRules(forWorkers!);
              forWorkers = undefined;
            },
            undefined,
            // Alone to the end: the packed rules (~19 MB for Elastic's corpus) can go.
            () => (forWorkers = undefined),
          )
        : undefined;
      const hooks: ScanHooks = {
        onBytes: (n) => {
          addBytes(n);
          lateStart?.observe(n);
        },
        onEvents: (n) => progress.addEvents(n),
        onTaskDone: (task) => taskDone(task.file.path),
        aborted: () => claims.stopped,
      };
      lateStart?.begin();
      rssBeforeScan = process.memoryUsage.rss();
      // Like the candidates, the lineage index of a main thread that may stay alone gets the whole share.
      const lineageBytes = late ? memory.lineageBytes : memory.lineageBytesPerScanner;
      const hitBytes = placesPast ? (late ? memory.hitBytes : memory.hitBytesPerScanner) : undefined;
      const own = await scanTasks(mainTasks(stdin, claims), ruleSet.set, hooks, { lineage: withLineage, lineageBytes, store: mainStore, claims, projectCandidates, lineGate, hitBytes, hitSummary: opts.hitSummary });
      // The workers may have started during the scan (the late start).
      pool?.release((scanner) => claims.idle(scanner));
      let keys: PruneKeys = {};
      if (pool && prunable(stateful).length) {
        // Every scanner prunes what it hands over with everyone's keys (see prune-exchange.ts).
        const theirs = await pool.pruneKeys();
        keys = unionPruneKeys([localPruneKeys(stateful, own.candidates), ...theirs]);
        pool.sendPruneKeys(keys);
        pruneSnapshot(stateful, own.candidates, keys);
      }
      if (pool && stateful.length) {
        // Each scanner evaluates a share of the stateful rules (see share-evaluation.ts).
        const costs = await pool.costs();
        costs.set(0, candidateCosts(stateful, own.candidates, keys));
        const owners = assignRules(stateful, costs);
        pool.assign(owners);
        for (const ids of owners.values()) evaluatedByWorkers += ids.length;
      }
      outputs = [own, ...(pool ? await pool.results : [])];
    } catch (err) {
      // Stop the other scanners before the cleanup below removes their spill files.
      claims.stop();
      await pool?.terminate();
      throw err;
    } finally {
      progress.stop();
      opts.signal?.removeEventListener('abort', onAbort);
    }
    if (spillError !== undefined && stateful.length) {
      notes.warnings.push(`no temporary directory for spilling candidates (${spillError}); they are kept in memory`);
    }
    const [{ mergeScans }, { evaluateStatefulRules }, { mergeEarliest }] = await Promise.all([
      import('./merge-scans.js'),
      import('./evaluate-stateful.js'),
      import('./scan-tasks.js'),
    ]);
    scan = mergeScans(outputs, withLineage, memory.lineageBytes);
    // mergeScans keeps the first examples in output order; the earliest by file and line are the
    // same whichever scanner read what.
    const skipped: SkipReport = {};
    for (const o of outputs) mergeEarliest(skipped, o.skipped);
    Object.assign(scan.ledger.byKind, skipped);
    // Tasks nobody started are evidence left unread: the hunt is incomplete.
    if (claims.stopped && claims.unclaimed > 0) scan.interrupted = true;
    pool?.evaluate((ruleIds) => scan.candidates.take(ruleIds), memory);
    // A step per rule with candidates, whichever thread evaluates it.
    const toEvaluate = stateful.filter((r) => scan.candidates.size(r.rule.rule_id).count > 0).length + evaluatedByWorkers;
    if (toEvaluate > 0) evaluating = progress.stage('stateful rules evaluated', toEvaluate);
    // A Ctrl-C during the scan still evaluates what was gathered, in every thread.
    const stopEvaluating = () => pool?.stopEvaluating();
    if (!aborted()) opts.signal?.addEventListener('abort', stopEvaluating);
    try {
      evaluated = await evaluateStatefulRules(stateful, scan.candidates, memory, notes, aborted, pool?.shares(), () => evaluating.advance());
    } finally {
      opts.signal?.removeEventListener('abort', stopEvaluating);
      evaluating.stop();
    }
    const projected = scan.candidates.projected;
    if (projected.size > 0) notes.stats['candidate_projected_rules'] = projected.size;
    if (scan.placed.size > 0) notes.stats['hit_place_rules'] = scan.placed.size;
    if (opts.readBack === false) {
      const either = new Set([...projected, ...scan.placed]);
      if (either.size > 0) leftProjected = either;
    } else if (scan.placed.size > 0) {
      // Placed hits hold their summary until the caller shows one (stateless rules: not in `projected`).
      leftProjected = scan.placed;
    }
    if (opts.readBack !== false && projected.size > 0) {
      const { readBackDocuments, missingDocumentsWarning } = await import('./read-back.js');
      const missing = await readBackDocuments(evaluated.hits, projected, (files) => progress.stage("evidence files read again for hits' documents", files));
      if (missing > 0) {
        notes.warnings.push(missingDocumentsWarning(missing));
      }
    }
  } finally {
    // Workers still evaluating (after a failure) read spill files.
    await pool?.terminate();
    spillDir?.remove();
  }
  const [{ sortHits }, { filterHits }, { summarize }] = await Promise.all([
    import('../engine/scanner.js'),
    import('./filter-hits.js'),
    import('./summarize.js'),
  ]);
  scan.ledger.merge(discovery.byKind);
  const { warnings, stats } = notes;
  // In the order of their first failure, as one scanner reading everything in order would see them.
  const faults = [...scan.faults].sort(
    (a, b) => (a.first.file < b.first.file ? -1 : a.first.file > b.first.file ? 1 : a.first.line - b.first.line || (a.rule_id < b.rule_id ? -1 : 1)),
  );
  for (const f of faults) {
    warnings.push(`rule ${f.rule_id} failed on ${f.count} event(s), first at ${f.first.file}:${f.first.line}: ${f.first.message}`);
  }
  const kept = filterHits([...scan.hits, ...evaluated.hits], opts.filter ?? {});
  const hits = opts.evaluationOrder ? kept : sortHits(kept);
  const lineage = scan.lineage;
  if (lineage && lineage.unindexed > 0) {
    let again: string[] = [];
    if (!aborted()) {
      const { completeLineageForHits } = await import('./lineage-fill.js');
      again = await completeLineageForHits(lineage, hits, files, (n) => progress.stage("evidence files read again for the lineage of hosts with hits", n));
    }
    if (again.length) stats['lineage_hosts_read_again'] = again.length;
    if (lineage.unindexed > 0) {
      const hosts = lineage.leftOut.size;
      warnings.push(
        `process lineage: ${lineage.unindexed} event(s) of ${hosts} host(s) not indexed: the lineage index reached its share of ${memory.label} (${formatSize(memory.lineageBytes)})` +
          `${again.length ? `; the ${again.length} host(s) with the most hits that fit were read again for it` : ''}; their processes show no lineage (a larger --max-memory indexes them)`,
      );
    }
  }
  const peak = process.resourceUsage().maxRSS * 1024;
  if (peak > memory.maxMemory) warnings.push(overBudgetWarning(peak, rssBeforeScan, memory.label, ruleSet.set.compiled.length));
  const summary = summarize({
    files: files.length,
    bytes: Math.max(totalBytes, bytesRead),
    events: scan.events,
    skipped: scan.ledger.report(),
    loaded: ruleSet.loadedCount,
    compiled: ruleSet.set.compiled.length,
    failed: ruleSet.failed,
    unsupported: ruleSet.set.unsupported,
    hits,
    rules: ruleSet.rules,
    warnings,
    stats,
    elapsedMs: performance.now() - started,
    incomplete: scan.interrupted || evaluated.notEvaluated > 0,
  });
  return {
    hits,
    summary,
    rules: ruleSet.rules,
    lineage,
    linesScreened: scan.screened,
    scanners: pool ? scanners : 1,
    evaluatedByWorkers,
    ...(cacheStats ? { ruleCache: cacheStats } : {}),
    ...(leftProjected ? { projected: leftProjected } : {}),
  };
}

/** The main thread's share: stdin (which only it can read), then whatever is left to claim. */
function* mainTasks(stdin: ScanTask[], claims: TaskClaims): Generator<ScanTask> {
  for (const t of stdin) {
    if (claims.stopped) return;
    yield t;
  }
  yield* claims.claim(0);
}

/** Without a place to spill, a hunt still runs — in memory. */
function openSpillDir(parent: string | undefined, onError: (message: string) => void): SpillDir | undefined {
  try {
    return new SpillDir(parent);
  } catch (err) {
    onError((err as Error).message);
    return undefined;
  }
}

/**
 * --max-memory bounds what grows with the evidence (candidates, rule state, hits' documents, the
 * lineage index); Node, the compiled rules and the scanners' working memory come first. A budget
 * below them cannot be kept, and the analyst who set it should hear so rather than find out.
 */
function overBudgetWarning(peak: number, beforeScan: number, label: string, rules: number): string {
  const base = beforeScan > 0 ? `: ${formatSize(beforeScan)} were in use before the first event was read (Node and ${rules} compiled rule(s))` : '';
  return `peak memory ${formatSize(peak)} went past ${label}${base}; the budget only bounds what grows with the evidence`;
}
