import type { FieldMapping } from '../fields/mapping.js';
import { compileEql, PipeStream, sortEvents, type EqlOptions } from '../lang/eql/index.js';
import { compileEsql, type EsqlColumn } from '../lang/esql/index.js';
import { compileKql } from '../lang/kql/index.js';
import { compileIndexPatterns, eventIndex } from '../input/index-name.js';
import { createProgress, discoverEvidence, readEvidenceFile, SkipLedger, type TrawlEvent } from '../input/index.js';
import type { LineGate } from '../input/line-gate.js';
import { createStage } from '../input/progress.js';
import { compileRule } from '../engine/compile-rule.js';
import { sourcesOf } from '../engine/hit.js';
import { Scanner } from '../engine/scanner.js';
import { ruleOfQuery } from '../rules/index.js';
import { defaultMaxMemory } from './memory-budget.js';
import { routingGate } from './routing-gate.js';

/**
 * Rows of an ES|QL query with no LIMIT, as Elasticsearch's default. Beside parity, it bounds
 * memory: rows without KEEP carry every field of their document, and all are held until the end.
 */
export const ESQL_DEFAULT_LIMIT = 1000;

export type QueryLanguage = 'kuery' | 'eql' | 'esql';

export interface QueryOptions {
  language: QueryLanguage;
  query: string;
  evidence: string[];
  now?: number;
  timestampField?: string;
  eventCategoryField?: string;
  tiebreakerField?: string;
  progress?: boolean;
  /** EQL: the index mapping an evidence file's documents are read through (`--mapping`). */
  mappingFor?: (file: string) => FieldMapping | undefined;
  /**
   * Screen out lines the query cannot match before parsing them, as hunts do (default; needs the
   * native line reader, see RoutingGate). Results are the same; false parses every line.
   */
  lineGate?: boolean;
  /** EQL sequences and samples: bytes their kept events may take before spilling (as `hunt --max-memory`). */
  maxMemory?: number;
  /** EQL sequences and samples: scanning threads (as `hunt --workers`). */
  workers?: number;
  /** Parent of temporary files; default the OS temp dir. */
  tempDir?: string;
}

/** What an ad-hoc query yields, in order: matching events, sequence/sample matches, or ES|QL rows. */
export type QueryOutput =
  | { kind: 'event'; event: TrawlEvent }
  | { kind: 'sequence'; join_keys: unknown[]; events: TrawlEvent[] }
  | { kind: 'columns'; columns: EsqlColumn[] }
  | { kind: 'row'; values: unknown[] };

export interface QueryStats {
  files: number;
  bytes: number;
  events: number;
  ledger: SkipLedger;
  warnings: string[];
  /** Of the events, lines screened out without being parsed. */
  screened?: number;
}

/**
 * The query's verdict on one event. Evaluating recurses into nested values, and a document nested
 * thousands deep (hostile or broken evidence) overflows the stack: that event is counted as
 * skipped input at its place, and the query goes on (a hunt reports it per rule instead).
 */
function evaluated(test: (ev: TrawlEvent) => boolean, ev: TrawlEvent, stats: QueryStats): boolean {
  try {
    return test(ev);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    stats.ledger.add('too-deep', { file: ev.file, line: ev.line, message: `a document nested too deeply to evaluate (${err.message})` });
    return false;
  }
}

/**
 * Run one query over evidence. Single-event queries stream matches as they are read; sequences,
 * samples and ES|QL need the whole input first. Compile errors throw QueryError before any read.
 */
export async function* runQuery(opts: QueryOptions, stats: QueryStats): AsyncGenerator<QueryOutput> {
  const now = opts.now ?? Date.now();
  if (opts.language === 'kuery') {
    const match = compileKql(opts.query, { now });
    const test = (ev: TrawlEvent) => match(ev.doc);
    for await (const ev of readAll(opts, stats)) if (evaluated(test, ev, stats)) yield { kind: 'event', event: ev };
    return;
  }
  if (opts.language === 'eql') {
    // A mapping travels with each document in a WeakMap the compiled query reads: documents are
    // never touched, so printed hits show their original values.
    const byDoc = new WeakMap<object, FieldMapping>();
    const mappingFor = opts.mappingFor;
    const eqlOpts: EqlOptions = {
      timestampField: opts.timestampField,
      eventCategoryField: opts.eventCategoryField,
      tiebreakerField: opts.tiebreakerField,
      ...(mappingFor ? { mapping: (doc: object) => byDoc.get(doc) } : {}),
    };
    const q = compileEql(opts.query, eqlOpts);
    if (q.kind !== 'event' && !mappingFor) {
      yield* sequencesByHunt(opts, stats);
      return;
    }
    // Event queries stream (their head/tail pipes hold at most the tails' n). Sequences and
    // samples read through a mapping keep what their filter passes, to run over it in time order.
    const window = q.kind === 'event' ? new PipeStream<TrawlEvent>(q.limits) : undefined;
    const out: TrawlEvent[] = [];
    const kept: TrawlEvent[] = [];
    let file: string | undefined;
    let mapping: FieldMapping | undefined;
    const test = (ev: TrawlEvent) => q.filter(ev.doc);
    for await (const ev of readAll(opts, stats)) {
      if (mappingFor) {
        if (ev.file !== file) mapping = mappingFor((file = ev.file));
        if (mapping) byDoc.set(ev.doc, mapping);
      }
      // The rest of the evidence is still read when the pipes are closed: its skips are reported.
      if (window?.closed || !evaluated(test, ev, stats)) continue;
      if (!window) {
        kept.push(ev);
        continue;
      }
      window.push(ev, out);
      for (const m of out) yield { kind: 'event', event: m };
      out.length = 0;
    }
    if (window) {
      window.end(out);
      for (const m of out) yield { kind: 'event', event: m };
      return;
    }
    for (const m of q.run(sortEvents(kept, eqlOpts))) yield { kind: 'sequence', join_keys: m.join_keys ?? [], events: m.events };
    return;
  }
  const q = compileEsql(opts.query, { now, allFields: true, defaultLimit: ESQL_DEFAULT_LIMIT });
  const routed = q.sources.length ? compileIndexPatterns(q.sources) : () => true;
  const exec = q.createExecutor<TrawlEvent>();
  const push = (ev: TrawlEvent) => {
    const index = eventIndex(ev);
    if (!routed(index) || !q.prefilter(ev.doc)) return false;
    exec.push(ev.doc, { _id: ev.id, _index: index }, ev);
    return true;
  };
  for await (const ev of readAll(opts, stats)) evaluated(push, ev, stats);
  const result = exec.finish();
  for (const w of result.warnings) stats.warnings.push(`${w.message} (${w.count}×)`);
  if (result.cut > 0) {
    stats.warnings.push(
      `the query has no LIMIT: printed the first ${ESQL_DEFAULT_LIMIT} of ${ESQL_DEFAULT_LIMIT + result.cut} rows, as Elasticsearch does; add "| LIMIT n" for more`,
    );
  }
  yield { kind: 'columns', columns: result.columns };
  for (const row of result.rows) yield { kind: 'row', values: row.values };
}

/**
 * An EQL sequence or sample query, run as a hunt with the query as its only rule: the events its
 * stages pass are the rule's candidates, so they stay within `maxMemory` as a hunt's do (kept as
 * projections, spilled to disk), the scan may use worker threads, and matches come out in the
 * order the query completes them. Their documents are read back as they are written.
 */
async function* sequencesByHunt(opts: QueryOptions, stats: QueryStats): AsyncGenerator<QueryOutput> {
  const { hunt } = await import('./hunt.js');
  const { readBackInOrder } = await import('./read-back.js');
  const rule = ruleOfQuery({
    type: 'eql',
    language: 'eql',
    query: opts.query,
    ...(opts.timestampField ? { timestamp_override: opts.timestampField } : {}),
    ...(opts.eventCategoryField ? { event_category_override: opts.eventCategoryField } : {}),
    ...(opts.tiebreakerField ? { tiebreaker_field: opts.tiebreakerField } : {}),
  });
  const maxMemory = opts.maxMemory ?? defaultMaxMemory();
  const result = await hunt({
    evidence: opts.evidence,
    rulePaths: [],
    rules: [rule],
    now: opts.now,
    progress: opts.progress ?? false,
    maxMemory,
    ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
    ...(opts.tempDir !== undefined ? { tempDir: opts.tempDir } : {}),
    lineGate: opts.lineGate ?? true,
    readBack: false,
    evaluationOrder: true,
  });
  const s = result.summary;
  // compileEql accepted the query above; the rule compiler reads it the same way.
  const failed = s.rules.failed[0]?.message ?? s.rules.unsupported[0]?.reason;
  if (failed !== undefined) throw new Error(`query did not compile as a rule: ${failed}`);
  stats.files = s.files;
  stats.bytes = s.bytes;
  stats.events = s.events;
  stats.ledger.merge(s.skipped);
  if (opts.lineGate !== false) stats.screened = result.linesScreened;
  stats.warnings.push(...s.warnings);
  const hits = readBackInOrder(result.hits, result.projected ?? new Set(), {
    maxMemory,
    tempDir: opts.tempDir,
    stage: (files) => createStage('evidence files read again for matched documents', files, opts.progress ?? false),
    onMissing: (n) => stats.warnings.push(`${n} matched document(s) could not be read back from the evidence (changed since the scan?); they show only the fields the query reads`),
  });
  for await (const h of hits) {
    const sources = sourcesOf(h);
    const events = (h.events ?? []).map((doc, i): TrawlEvent => ({ doc, file: sources[i]?.file ?? '', line: sources[i]?.line ?? 0 }));
    yield { kind: 'sequence', join_keys: h.join_keys ?? [], events };
  }
}

async function* readAll(opts: QueryOptions, stats: QueryStats): AsyncGenerator<TrawlEvent> {
  const gate = queryGate(opts);
  yield* readEvidence(opts.evidence, stats, opts.progress ?? false, gate);
  if (gate) stats.screened = gate.screened;
}

/**
 * The query as a rule of its language, routed as a hunt routes rules: its necessary conditions
 * (an event category, process.name in (…), …) screen out the lines it cannot match. None when
 * the query does not compile as a rule, a mapping renames fields (its conditions name fields as
 * written, not as mapped) or the event category is read from another field.
 */
function queryGate(opts: QueryOptions): ReturnType<typeof routingGate> {
  const otherCategory = opts.eventCategoryField !== undefined && opts.eventCategoryField !== 'event.category';
  if (opts.lineGate === false || opts.mappingFor || otherCategory) return undefined;
  const rule = ruleOfQuery({
    type: opts.language === 'kuery' ? 'query' : opts.language,
    language: opts.language,
    query: opts.query,
    ...(opts.timestampField ? { timestamp_override: opts.timestampField } : {}),
  });
  const outcome = compileRule(rule, { now: opts.now ?? Date.now(), strictIndex: false });
  return outcome.ok ? routingGate(new Scanner([outcome.compiled])) : undefined;
}

/**
 * Every event of the evidence paths, in file order, counting files, bytes and events into
 * `stats` and skipped input into its ledger; a progress bar on stderr when asked. Lines `gate`
 * screens out are counted, not yielded.
 */
export async function* readEvidence(
  paths: string[],
  stats: Pick<QueryStats, 'files' | 'bytes' | 'events' | 'ledger'>,
  progressBar: boolean,
  gate?: LineGate,
): AsyncGenerator<TrawlEvent> {
  const files = await discoverEvidence(paths, stats.ledger);
  stats.files = files.length;
  stats.bytes = files.reduce((n, f) => n + f.size, 0);
  const progress = await createProgress({ totalBytes: stats.bytes, totalFiles: files.length, enabled: progressBar });
  try {
    for (const file of files) {
      for await (const batch of readEvidenceFile(file, { ledger: stats.ledger, onBytes: (n) => progress.addBytes(n), gate })) {
        stats.events += batch.length;
        progress.addEvents(batch.length);
        for (const ev of batch) if (ev.screened !== true) yield ev;
      }
      progress.fileDone();
    }
  } finally {
    progress.stop();
  }
}
