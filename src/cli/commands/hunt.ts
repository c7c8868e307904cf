import type { Command } from 'commander';
import { collect } from '../output.js';

export interface HuntFlags {
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
  cache: boolean;
  includeDeprecated?: boolean;
  strictIndex?: boolean;
  now?: string;
  workers?: string;
  maxMemory?: string;
}

export const FORMATS = ['json', 'ndjson', 'csv', 'table'];
export const SEVERITIES = ['low', 'medium', 'high', 'critical'];

export function registerHunt(program: Command): void {
  program
    .command('hunt', { isDefault: true })
    .summary('run detection rules over evidence (the default command)')
    .description(
      'Stream evidence files (NDJSON, gzip, Elasticsearch hits or _search exports,\n' +
        'JSON arrays) and run every detection rule: KQL queries, EQL events and\n' +
        'sequences, ES|QL, new_terms and threshold.',
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
    .option('--no-cache', 'parse and compile every rule afresh (default: reuse what earlier runs of this build kept in ~/.cache/trawl; TRAWL_CACHE_DIR moves it, TRAWL_CACHE_DIR=off disables it)')
    .option('-w, --workers <n>', 'scanning threads, the main one included (default: up to one per core, started once the first half second of scanning shows the work is long enough to pay for them; 1 = no worker threads)')
    .option(
      '--max-memory <size>',
      'memory budget, e.g. 512MB or 4GB: past a share of it, events kept by stateful rules (sequences, ' +
        'new_terms, threshold, ES|QL) spill to temporary files, and the TUI\'s process lineage index ' +
        'stops growing (default: half the RAM, at most 2GB)',
    )
    .addHelpText(
      'after',
      `
Examples:
  trawl hunt evidence/                          hunt with the bundled rules; TUI on a terminal
  trawl evidence/*.ndjson.gz -r detection-rules/rules --severity high
  trawl hunt dump.json -f json -o hits.json     save hits for 'trawl view hits.json'
  zcat export.ndjson.gz | trawl hunt - -f ndjson --no-progress
  trawl hunt <(zstd -dc a.ndjson.zst)           a pipe: any decompressor, one per export
  trawl hunt dump/ --max-memory 1GB             stay within 1 GB, spilling to disk if needed

Exit codes: 0 clean, 1 completed but some input was skipped, 2 usage or rule errors.
TRAWL_NATIVE=off: parse every line, without the native line reader (same results, slower).`,
    )
    .action(async (evidence: string[], flags: HuntFlags) => {
      // Loaded on use: `trawl --help` must not pay for the rule engine, the readers and the exports.
      const { runHunt } = await import('./hunt-run.js');
      process.exitCode = await runHunt(evidence, flags);
    });
}
