import type { Command } from 'commander';
import { formatSummary } from '../../export/index.js';
import { hunt, type HuntResult } from '../../hunt/hunt.js';
import { parseSize } from '../../hunt/memory-budget.js';
import { EXIT_OK, EXIT_SKIPPED_INPUT, EXIT_USAGE } from '../exit-codes.js';
import { collect, openSink, parseInstant, stderr, UsageError } from '../output.js';
import { bundledRulesDir } from '../paths.js';
import { writeHits } from './hunt-output.js';

interface HuntFlags {
  rules?: string[];
  ruleId?: string[];
  severity?: string;
  tag?: string[];
  since?: string;
  until?: string;
  host?: string[];
  format?: string;
  output?: string;
  tui: boolean;
  progress: boolean;
  includeDeprecated?: boolean;
  strictIndex?: boolean;
  now?: string;
  workers?: string;
  maxMemory?: string;
}

const FORMATS = ['json', 'ndjson', 'csv', 'table'];
const SEVERITIES = ['low', 'medium', 'high', 'critical'];

export function registerHunt(program: Command): void {
  program
    .command('hunt', { isDefault: true })
    .summary('run detection rules over evidence (the default command)')
    .description(
      'Stream evidence files (NDJSON, gzip, Elasticsearch hits or _search exports, JSON arrays) and run\n' +
        'every detection rule: KQL queries, EQL events and sequences, ES|QL, new_terms and threshold.',
    )
    .argument('<evidence...>', 'files, directories (recursive), globs, or - for stdin')
    .option('-r, --rules <path>', 'rule file or directory, repeatable (default: the bundled rules/)', collect)
    .option('--rule-id <id>', 'run only these rule ids (repeatable, comma lists)', collect)
    .option('--severity <level>', `minimum severity: ${SEVERITIES.join('|')}`)
    .option('--tag <tag>', 'run only rules with one of these tags (repeatable)', collect)
    .option('--since <time>', 'keep hits at or after this time (ISO 8601 or epoch ms)')
    .option('--until <time>', 'keep hits at or before this time')
    .option('--host <name>', 'keep hits on these hosts (repeatable)', collect)
    .option('-f, --format <format>', `write hits as ${FORMATS.join('|')} instead of the TUI / summary`)
    .option('-o, --output <file>', 'write hits to a file (default stdout; json unless --format says otherwise)')
    .option('--no-tui', 'never open the interactive viewer; print the summary table')
    .option('--no-progress', 'no progress bar on stderr')
    .option('--include-deprecated', 'also run rules from _deprecated folders')
    .option('--strict-index', 'events whose index is unknown match no rule (default: they match every rule)')
    .option('--now <time>', 'evaluation clock for date math in queries (default: now)')
    .option('-w, --workers <n>', 'worker threads (default: one per core; 1 scans in-process)')
    .option(
      '--max-memory <size>',
      'memory budget, e.g. 512MB or 4GB: past a share of it, events kept by stateful rules (sequences, ' +
        'new_terms, threshold, ES|QL) spill to temporary files (default: half the RAM, at most 2GB)',
    )
    .addHelpText(
      'after',
      `
Examples:
  trawl hunt evidence/                          hunt with the bundled rules; TUI on a terminal
  trawl evidence/*.ndjson.gz -r detection-rules/rules --severity high
  trawl hunt dump.json -f json -o hits.json     save hits for 'trawl view hits.json'
  zcat export.ndjson.gz | trawl hunt - -f ndjson --no-progress
  trawl hunt dump/ --max-memory 1GB             stay within 1 GB, spilling to disk if needed

Exit codes: 0 clean, 1 completed but some input was skipped, 2 usage or rule errors.`,
    )
    .action(async (evidence: string[], flags: HuntFlags) => {
      process.exitCode = await runHunt(evidence, flags);
    });
}

async function runHunt(evidence: string[], flags: HuntFlags): Promise<number> {
  if (flags.format && !FORMATS.includes(flags.format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  if (flags.severity && !SEVERITIES.includes(flags.severity)) throw new UsageError(`--severity must be one of ${SEVERITIES.join(', ')}`);
  const format = flags.format ?? (flags.output ? 'json' : undefined);
  const workers = flags.workers === undefined ? undefined : Number(flags.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) throw new UsageError('--workers must be a whole number ≥ 1');
  const maxMemory = flags.maxMemory === undefined ? undefined : parseSize(flags.maxMemory);
  if (maxMemory === undefined && flags.maxMemory !== undefined) throw new UsageError('--max-memory must be a size such as 512MB or 2GB');
  const interactive = !format && flags.tui && process.stdout.isTTY === true && process.stdin.isTTY === true && !flags.output;
  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) process.exit(130);
    stderr('trawl: interrupted: finishing with the hits found so far (Ctrl-C again to quit now)');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
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
    });
    if (!interactive) await writeResult(result.hits, result.summary, format, flags.output);
  } finally {
    // Kept while the output is written: a first Ctrl-C then lets the file be completed.
    process.off('SIGINT', onSigint);
  }
  const { hits, summary } = result;
  if (interactive) {
    const { runTui } = await import('../../tui/index.js');
    const rules = Object.fromEntries(result.rules.map((r) => [r.rule_id, { description: r.description, note: r.note }]));
    await runTui({ hits, summary, lineage: result.lineage, rules });
  }
  if (summary.rules.failed.length > 0) return EXIT_USAGE;
  if (Object.keys(summary.skipped).length > 0 || summary.incomplete) return EXIT_SKIPPED_INPUT;
  return EXIT_OK;
}

async function writeResult(hits: HuntResult['hits'], summary: HuntResult['summary'], format: string | undefined, output: string | undefined): Promise<void> {
  const sink = openSink(output);
  await writeHits(sink, format ?? 'table', hits, summary);
  await sink.close();
  if (format && format !== 'table') stderr(formatSummary(summary));
}
