import { alignTable, tableLayout, tableText, type TableLayout } from '../../export/index.js';
import { compileField } from '../../fields/index.js';
import { runQuery, type QueryLanguage, type QueryOutput, type QueryStats } from '../../hunt/run-query.js';
import { SkipLedger, type TrawlEvent } from '../../input/index.js';
import { QueryError } from '../../lang/query-error.js';
import { EXIT_OK, EXIT_SKIPPED_INPUT, EXIT_USAGE } from '../exit-codes.js';
import { openSink, parseInstant, parseMaxMemory, parseWorkers, stderr, UsageError } from '../output.js';
import { loadMappingArgs, mappingFor } from './query-mapping.js';
import type { QueryFlags } from './query.js';

const LANGUAGES: Record<string, QueryLanguage> = { kuery: 'kuery', kql: 'kuery', eql: 'eql', esql: 'esql' };
const DEFAULT_FIELDS = ['@timestamp', 'host.name', 'event.category', 'event.action', 'process.name'];

export async function runQueryCommand(query: string, evidence: string[], flags: QueryFlags): Promise<number> {
  const language = LANGUAGES[flags.language.toLowerCase()];
  if (!language) throw new UsageError(`--language must be kuery, eql or esql (got "${flags.language}")`);
  if (!['ndjson', 'json', 'table', 'csv'].includes(flags.format)) throw new UsageError('--format must be ndjson, json, table or csv');
  if (flags.mapping?.length && language !== 'eql') throw new UsageError('--mapping applies to EQL queries only (--language eql)');
  const workers = parseWorkers(flags.workers);
  const maxMemory = parseMaxMemory(flags.maxMemory);
  const mappings = flags.mapping?.length ? await loadMappingArgs(flags.mapping) : undefined;
  const stats: QueryStats = { files: 0, bytes: 0, events: 0, ledger: new SkipLedger(), warnings: [] };
  const sink = openSink(flags.output);
  const printer = makePrinter(flags.format, flags.fields?.length ? flags.fields : DEFAULT_FIELDS);
  let matches = 0;
  try {
    const now = flags.now ? parseInstant(flags.now, '--now') : undefined;
    const progress = flags.progress && process.stderr.isTTY === true;
    const eqlFields = { timestampField: flags.timestampField, eventCategoryField: flags.eventCategoryField, tiebreakerField: flags.tiebreakerField };
    const outputs = runQuery(
      { language, query, evidence, now, ...eqlFields, progress, workers, maxMemory, ...(mappings ? { mappingFor: (file: string) => mappingFor(file, mappings) } : {}) },
      stats,
    );
    for await (const out of outputs) {
      const text = printed(printer, out, stats.ledger);
      if (text === undefined) continue;
      if (out.kind !== 'columns') matches++;
      if (text) await sink.write(text);
    }
  } catch (err) {
    if (err instanceof QueryError) {
      stderr(err.format(language));
      return EXIT_USAGE;
    }
    throw err;
  }
  for (const m of mappings ?? []) if (!m.used) stats.warnings.push(`--mapping ${m.arg}: no evidence file was read with it`);
  await sink.write(printer.end());
  await sink.close();
  const skipped = Object.entries(stats.ledger.report());
  stderr(
    `${matches} match(es) in ${stats.events} events from ${stats.files} file(s)` +
      (skipped.length ? `; skipped: ${skipped.map(([k, c]) => `${c?.count} ${k}`).join(', ')}` : ''),
  );
  for (const [kind, c] of skipped) for (const ex of c?.examples ?? []) stderr(`  ${kind}  ${ex.file}${ex.line !== undefined ? `:${ex.line}` : ''}: ${ex.message}`);
  for (const w of stats.warnings) stderr(`warning: ${w}`);
  return skipped.length ? EXIT_SKIPPED_INPUT : EXIT_OK;
}

/**
 * The printer's text for one output; undefined when it cannot be written: JSON.stringify
 * recurses, and a document with arrays or objects nested thousands deep overflows the stack.
 * Such a match is counted as skipped input at its place, not a crash of the whole query.
 */
function printed(printer: ReturnType<typeof makePrinter>, out: QueryOutput, ledger: SkipLedger): string | undefined {
  try {
    return printer.add(out);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    const ev = out.kind === 'event' ? out.event : out.kind === 'sequence' ? out.events[0] : undefined;
    ledger.add('too-deep', { file: ev?.file ?? '<result>', ...(ev ? { line: ev.line } : {}), message: `a match nested too deeply to write (${err.message})` });
    return undefined;
  }
}

function withProvenance(ev: TrawlEvent): Record<string, unknown> {
  return { ...ev.doc, '@trawl': { file: ev.file, line: ev.line } };
}

/** Rows a table is aligned on: later rows are printed as they come, in the same columns. */
const TABLE_ALIGN_ROWS = 1000;

/**
 * Formats query output as it comes: ndjson, json and csv stream (a json array's items are the
 * inside of JSON.stringify([item], null, 2), so the whole reads as one stringify would print it);
 * table buffers its first TABLE_ALIGN_ROWS rows to align the columns, then streams in them.
 */
function makePrinter(format: string, fields: string[]) {
  let columns: string[] | undefined;
  const rows: string[][] = [];
  let layout: TableLayout | undefined;
  let items = 0;
  const getters = fields.map((f) => compileField(f));
  const cell = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const esc = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const csvLine = (r: string[]) => `${r.map(esc).join(',')}\n`;
  const header = () => columns ?? [...fields, 'source'];
  return {
    add(out: QueryOutput): string {
      let obj: unknown;
      let row: string[] | undefined;
      if (out.kind === 'columns') {
        columns = out.columns.map((c) => c.name);
        return '';
      }
      if (out.kind === 'event') {
        obj = withProvenance(out.event);
        const doc = out.event.doc;
        row = [...getters.map((g) => cell(g(doc))), `${out.event.file}:${out.event.line}`];
      } else if (out.kind === 'sequence') {
        columns ??= ['join_keys', 'events'];
        obj = { join_keys: out.join_keys, events: out.events.map(withProvenance) };
        row = [cell(out.join_keys), out.events.map((e) => `${e.file}:${e.line}`).join(' ')];
      } else {
        const o: Record<string, unknown> = {};
        (columns ?? []).forEach((c, i) => (o[c] = out.values[i]));
        obj = o;
        row = out.values.map(cell);
      }
      const first = items++ === 0;
      if (format === 'ndjson') return `${JSON.stringify(obj)}\n`;
      if (format === 'json') {
        const inside = JSON.stringify([obj], null, 2);
        return `${first ? '[\n' : ',\n'}${inside.slice(2, -2)}`;
      }
      if (format === 'csv') return `${first ? csvLine(header()) : ''}${csvLine(row)}`;
      if (layout) return `${layout.line(row)}\n`;
      rows.push(row);
      if (rows.length < TABLE_ALIGN_ROWS) return '';
      layout = tableLayout(header(), rows, 80);
      const text = tableText(layout, header(), rows);
      rows.length = 0;
      return `${text}\n`;
    },
    end(): string {
      if (format === 'ndjson') return '';
      if (format === 'json') return items ? '\n]\n' : '[]\n';
      if (format === 'csv') return items ? '' : csvLine(header());
      return layout ? '' : `${alignTable(header(), rows, 80)}\n`;
    },
  };
}
