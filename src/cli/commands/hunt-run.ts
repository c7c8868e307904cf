import { hunt, type HuntResult } from '../../hunt/hunt.js';
import { EXIT_OK, EXIT_SKIPPED_INPUT, EXIT_USAGE } from '../exit-codes.js';
import { openSink, parseInstant, parseMaxMemory, parseWorkers, stderr, UsageError } from '../output.js';
import { bundledRulesDir, ruleCacheDir } from '../paths.js';
import { FORMATS, SEVERITIES, type HuntFlags } from './hunt.js';

export async function runHunt(evidence: string[], flags: HuntFlags): Promise<number> {
  if (flags.format && !FORMATS.includes(flags.format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  if (flags.severity && !SEVERITIES.includes(flags.severity)) throw new UsageError(`--severity must be one of ${SEVERITIES.join(', ')}`);
  const format = flags.format ?? (flags.output ? 'json' : undefined);
  const workers = parseWorkers(flags.workers);
  const maxMemory = parseMaxMemory(flags.maxMemory);
  const interactive = !format && flags.tui && process.stdout.isTTY === true && process.stdin.isTTY === true && !flags.output;
  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) process.exit(130);
    stderr('trawl: interrupted: finishing with the hits found so far (Ctrl-C again to quit now)');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  // The TUI lists hits past their memory share by a few fields, and reads a document back when it shows it.
  const hitSummary = interactive ? (await import('../../tui/hit-facts.js')).HIT_SUMMARY_FIELDS : undefined;
  let result: HuntResult;
  try {
    result = await hunt({
      evidence,
      rulePaths: flags.rules?.length ? flags.rules : [bundledRulesDir()],
      includeDeprecated: flags.includeDeprecated,
      strictIndex: flags.strictIndex,
      now: flags.now ? parseInstant(flags.now, '--now') : undefined,
      ruleIds: flags.ruleId,
      minSeverity: flags.severity,
      tags: flags.tag,
      filter: {
        since: flags.since ? parseInstant(flags.since, '--since') : undefined,
        until: flags.until ? parseInstant(flags.until, '--until') : undefined,
        hosts: flags.host,
      },
      progress: flags.progress && process.stderr.isTTY === true,
      lineage: interactive,
      workers,
      maxMemory,
      signal: abort.signal,
      cacheDir: flags.cache ? ruleCacheDir() : undefined,
      // Written hits are read back as they are written, so they never all hold documents at once.
      readBack: interactive,
      hitSummary,
    });
    if (!interactive) await writeResult(result, format, flags.output, maxMemory, flags.progress && process.stderr.isTTY === true);
  } finally {
    // Kept while the output is written: a first Ctrl-C then lets the file be completed.
    process.off('SIGINT', onSigint);
  }
  const { hits, summary } = result;
  if (interactive) {
    const { runTui } = await import('../../tui/index.js');
    const rules = Object.fromEntries(result.rules.map((r) => [r.rule_id, { description: r.description, note: r.note }]));
    await runTui({ hits, summary, lineage: result.lineage, rules, placed: result.projected, maxMemory });
  }
  if (summary.rules.failed.length > 0) return EXIT_USAGE;
  if (Object.keys(summary.skipped).length > 0 || summary.incomplete) return EXIT_SKIPPED_INPUT;
  return EXIT_OK;
}

async function writeResult(result: HuntResult, format: string | undefined, output: string | undefined, maxMemory: number | undefined, progress: boolean): Promise<void> {
  // Loaded once there is something to write: until then the hunt's start-up has better uses.
  const [{ writeHits, formatSummary }, { readBackInOrder, missingDocumentsWarning }, { createStage }] = await Promise.all([
    import('../../export/index.js'),
    import('../../hunt/read-back.js'),
    import('../../input/progress.js'),
  ]);
  const { summary } = result;
  // Read as they are written (the table prints the summary alone, so it never starts reading);
  // a warning lands before the summary is written: JSON ends with it, the others print it after.
  const hits = readBackInOrder(result.hits, result.projected ?? new Set(), {
    maxMemory,
    stage: (files) => createStage("evidence files read again for hits' documents", files, progress),
    onMissing: (n) => summary.warnings.push(missingDocumentsWarning(n)),
  });
  const sink = openSink(output);
  await writeHits(sink, format ?? 'table', hits, summary);
  await sink.close();
  if (format && format !== 'table') stderr(formatSummary(summary));
}
