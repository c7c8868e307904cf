import { compileEsql, type EsqlResult } from '../../lang/esql/index.js';
import { eventIndex, EVENT_INDEX_FIELDS, indexMatcher } from '../../input/index-name.js';
import type { StreamContext, StreamingStatefulRule } from '../candidates/streaming-rule.js';
import type { Candidate, EvaluateContext, StatefulRule } from '../compiled-rule.js';
import type { CompileOptions, RuleBase } from '../compile-rule.js';
import type { Hit } from '../hit.js';
import { hostOf, provenanceOf } from '../make-hit.js';
import { isoTime } from '../rule-time.js';
import { sampledWeigher } from '../candidates/heap-size.js';
import { RunWindow, scheduleOf } from '../schedule.js';
import { ruleProjection } from '../rule-projection.js';

/**
 * ES|QL rules: every result row is a hit. The query's FROM routes events (not the rule's
 * `index`), its leading WHERE picks candidates while streaming.
 *  - no STATS: one pass over all candidates; each row keeps its source event;
 *  - STATS by a time bucket of the rule's time: the query windows itself, one pass;
 *  - other STATS: emulate the rule's runs (look-back windows stepped by interval) and report a
 *    group once, from the window where its aggregate was largest; only the candidates inside
 *    the current window are held.
 */
export function compileEsqlRule(base: RuleBase, options: CompileOptions): StatefulRule {
  const query = compileEsql(base.rule.query ?? '', { now: options.now });
  const indexPatterns = query.sources.length ? query.sources : undefined;
  const matchesIndex = indexMatcher(indexPatterns, options.strictIndex);
  const schedule = scheduleOf(base.rule);
  const selfWindowed = !query.aggregating || query.timeBucketField !== undefined;

  /** Runs the query over the candidates `feed` pushes; its warnings are the caller's to report. */
  function run(feed: (push: (ev: Candidate) => void) => void, ctx: EvaluateContext): EsqlResult<Candidate> {
    const exec = query.createExecutor<Candidate>();
    feed((ev) => exec.push(ev.doc, { _id: ev.id, _index: ev.index ?? eventIndex(ev) }, ev));
    const result = exec.finish();
    ctx.stat('esql_peak_groups', result.peakGroups);
    return result;
  }

  const common = {
    ...base,
    matchesIndex,
    indexPatterns,
    stateful: true as const,
    route: [],
    discriminators: query.discriminators,
    candidate: query.prefilter,
    // Rows read the query's fields and `_index` (eventIndex). Held whole, the
    // aggregating rules' candidates were three quarters of what a corpus hunt's worker copied
    // back to the main thread.
    ...(query.readsDocuments ? {} : { project: ruleProjection(base.rule, [...query.fields, ...EVENT_INDEX_FIELDS]) }),
  };
  // One pass over the candidates in order: spilled ones stream back from disk.
  const rule: StreamingStatefulRule = {
    ...common,
    evaluate: (candidates, ctx) => rule.evaluateStream(candidates, { ...ctx, stateBytes: Number.POSITIVE_INFINITY }),
    evaluateStream: selfWindowed ? (candidates, ctx) => oncePass(candidates, ctx) : (candidates, ctx) => windowedHits(candidates, ctx),
  };
  return rule;

  function oncePass(candidates: Iterable<Candidate>, ctx: EvaluateContext): Hit[] {
    let firstTs: number | undefined;
    let first = true;
    const result = run((push) => {
      for (const c of candidates) {
        if (first) {
          firstTs = c.ts;
          first = false;
        }
        push(c);
      }
    }, ctx);
    for (const w of result.warnings) ctx.warn(`${w.message} (${w.count}×)`);
    return rowsToHits(base, result, firstTs);
  }

  /**
   * Emulated runs: a sliding buffer holds the candidates inside the current run's look-back and
   * the query runs over it for every run that holds at least one (the engine finds nothing in
   * the others). A run whose buffer did not change since the previous run (nothing came in,
   * nothing fell out) would give the same rows, the query being a function of its input (its
   * clock is fixed at compile time; SAMPLE, the one random command, is refused): it is
   * counted from the previous result instead of being run again.
   */
  function windowedHits(candidates: Iterable<Candidate>, ctx: StreamContext): Hit[] {
    const best = new Map<string, { hit: Hit; weight: number; windows: number }>();
    let heldBytes = 0;
    let peakHeld = 0;
    // Unbounded (evaluate over an array already in memory): nothing to warn about, no weighing.
    const weigh = Number.isFinite(ctx.stateBytes) ? sampledWeigher() : undefined;
    let warned = false;
    const window = new RunWindow<{ c: Candidate; bytes: number }>(
      schedule,
      (e) => e.c.ts as number,
      (e) => (heldBytes -= e.bytes),
    );
    const warnings = new Map<string, number>();
    let runs = 0;
    let windows = 0;
    let previous: { version: number; keys: string[]; warnings: { message: string; count: number }[] } | undefined;
    const visit = () => {
      windows++;
      if (previous && previous.version === window.version) {
        for (const key of previous.keys) (best.get(key) as { windows: number }).windows++;
        for (const w of previous.warnings) warnings.set(w.message, (warnings.get(w.message) ?? 0) + w.count);
        return;
      }
      runs++;
      const result = run((push) => window.forEach((e) => push(e.c)), ctx);
      for (const w of result.warnings) warnings.set(w.message, (warnings.get(w.message) ?? 0) + w.count);
      const keys: string[] = [];
      for (const hit of rowsToHits(base, result, window.first.c.ts)) {
        const row = hit.row ?? {};
        const key = groupKey(row, query.groupColumns);
        keys.push(key);
        const weight = aggregateWeight(row);
        const seen = best.get(key);
        if (!seen) best.set(key, { hit, weight, windows: 1 });
        else {
          seen.windows++;
          if (weight > seen.weight) Object.assign(seen, { hit, weight });
        }
      }
      previous = { version: window.version, keys, warnings: result.warnings };
    };
    for (const c of candidates) {
      if (c.ts === undefined) continue;
      window.advance(c.ts, visit);
      const bytes = weigh ? weigh(c.doc) : 0;
      window.add({ c, bytes });
      heldBytes += bytes;
      if (window.size > peakHeld) peakHeld = window.size;
      if (!warned && heldBytes > ctx.stateBytes) {
        warned = true;
        ctx.warn(
          `the candidates inside one look-back window (~${Math.round(heldBytes / 1024)} KB, ${window.size} events) ` +
            'exceeded the memory share for rule state; they were kept, as the query needs the whole window',
        );
      }
    }
    window.advance(Number.POSITIVE_INFINITY, visit);
    // One line per distinct warning, not one per window: overlapping windows repeat them.
    for (const [message, count] of warnings) ctx.warn(`${message} (${count}× over ${windows} look-back window(s))`);
    ctx.stat('esql_window_candidates', peakHeld);
    ctx.stat('esql_windows', windows);
    ctx.stat('esql_window_query_runs', runs);
    return [...best.values()].map(({ hit, windows: n }) =>
      n > 1 ? { ...hit, notes: [`group seen in ${n} overlapping look-back windows; reported once (largest aggregate)`] } : hit,
    );
  }
}

/** `fallbackTs` (the first candidate's time) dates rows that carry neither a source nor a date. */
function rowsToHits(base: RuleBase, result: EsqlResult<Candidate>, fallbackTs: number | undefined): Hit[] {
  return result.rows.map((r) => {
    const row: Record<string, unknown> = {};
    result.columns.forEach((c, i) => (row[c.name] = r.values[i]));
    const src = r.source;
    const ts = src?.ts ?? firstDate(result, r.values) ?? fallbackTs;
    const hit: Hit = { rule: base.hitRule, timestamp: isoTime(ts), host: hostOf(src?.doc) ?? hostOfRow(row), row };
    if (src) {
      hit.event = src.doc;
      hit.source = provenanceOf(src);
    }
    return hit;
  });
}

function firstDate(result: EsqlResult<Candidate>, values: unknown[]): number | undefined {
  for (let i = 0; i < result.columns.length; i++) {
    if (result.columns[i].type !== 'date') continue;
    const v = values[i];
    const ms = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN;
    if (Number.isFinite(ms)) return ms;
  }
  return undefined;
}

function hostOfRow(row: Record<string, unknown>): string | undefined {
  for (const k of ['host.name', 'host.hostname', 'host.id']) {
    const v = row[k];
    if (typeof v === 'string' && v) return v;
    if (Array.isArray(v) && v.length === 1) return String(v[0]);
  }
  return undefined;
}

/**
 * Identity of an aggregate row across windows: its STATS ... BY columns; when a later command
 * hides them from the compiler, the non-numeric columns stand in for them.
 */
function groupKey(row: Record<string, unknown>, byColumns: string[] | undefined): string {
  if (byColumns) return JSON.stringify(byColumns.map((c) => row[c] ?? null));
  return JSON.stringify(Object.entries(row).filter(([, v]) => typeof v !== 'number'));
}

function aggregateWeight(row: Record<string, unknown>): number {
  let w = 0;
  for (const v of Object.values(row)) if (typeof v === 'number' && Number.isFinite(v)) w += v;
  return w;
}
