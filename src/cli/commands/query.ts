import type { Command } from 'commander';
import { collect } from '../output.js';

export interface QueryFlags {
  language: string;
  format: string;
  fields?: string[];
  timestampField?: string;
  eventCategoryField?: string;
  tiebreakerField?: string;
  mapping?: string[];
  output?: string;
  progress: boolean;
  now?: string;
  workers?: string;
  maxMemory?: string;
}


export function registerQuery(program: Command): void {
  program
    .command('query')
    .summary('run one ad-hoc KQL, EQL or ES|QL query over evidence')
    .description(
      'Run one query and print what matches. NDJSON output (the default) is a\n' +
        'stable contract, one JSON value per line:\n' +
        '  kuery, single-event eql: the original document plus\n' +
        '    "@trawl": {"file", "line"}\n' +
        '  eql sequences and samples: {"join_keys": [...], "events": [doc, ...]}\n' +
        '  esql: one object per result row, keys in column order; a query with\n' +
        '    no LIMIT prints at most 1,000 rows, as Elasticsearch does (a warning\n' +
        '    says how many it left out: add | LIMIT n for more)\n' +
        'The match count and any skipped input go to stderr.',
    )
    .argument('<query>', 'the query text')
    .argument('<evidence...>', 'files, directories, globs, or - for stdin')
    .option('-l, --language <language>', 'kuery | eql | esql', 'kuery')
    .option('-f, --format <format>', 'ndjson | json | table | csv', 'ndjson')
    .option('--fields <a,b,c>', 'columns for table/csv output of events', collect)
    .option('--timestamp-field <field>', 'EQL: event time field', '@timestamp')
    .option('--event-category-field <field>', 'EQL: event category field', 'event.category')
    .option('--tiebreaker-field <field>', 'EQL: orders events with equal timestamps')
    .option(
      '--mapping <[GLOB=]FILE>',
      'EQL: read fields through an Elasticsearch index mapping (date formats, null_value, aliases), ' +
        'for the evidence files GLOB matches (a file, directory or glob), else for all; repeatable, the last match wins',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--no-progress', 'no progress bar on stderr')
    .option('--now <time>', 'evaluation clock for now-relative date math')
    .option('-w, --workers <n>', 'EQL sequences and samples: scanning threads, as for hunt (default: up to one per core, started when the scan is long enough to pay)')
    .option(
      '--max-memory <size>',
      'EQL sequences and samples: memory budget, e.g. 512MB: past a share of it the events their stages pass ' +
        'are kept as the fields the query reads, then spill to temporary files, and matched documents are read back ' +
        'as they are written (default: half the RAM, at most 2GB)',
    )
    .addHelpText(
      'after',
      `
Examples:
  trawl query 'event.category:process and process.name:python*' samples/
  trawl query -l eql 'sequence by process.entity_id [process where true] [file where true]' logs/
  trawl query -l esql 'FROM logs-* | STATS c = COUNT(*) BY host.name | SORT c DESC' logs/ -f table

  EQL with index mappings: each evidence file is read as Elasticsearch indexed it with its mapping
  (dates in the mapping's format compare and join as epoch millis, null_value replaces nulls,
  alias fields read their target). FILE is {"properties": ...}, {"mappings": ...} or a
  GET <index>/_mapping response; GLOB=FILE limits a mapping to the files GLOB matches:
  trawl query -l eql 'sample by @timestamp_pretty [alert where true] [failure where true]' eu/ us/ \\
    --mapping 'eu/**=eu-mapping.json' --mapping us/=us-mapping.json
  trawl query -l eql 'any where event.category == "alert"' logs/ --mapping mapping.json`,
    )
    .action(async (query: string, evidence: string[], flags: QueryFlags) => {
      // Loaded on use: `trawl --help` must not pay for every query language.
      const { runQueryCommand } = await import('./query-run.js');
      process.exitCode = await runQueryCommand(query, evidence, flags);
    });
}
