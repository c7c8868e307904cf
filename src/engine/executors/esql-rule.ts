import { compileEsql, type EsqlResult } from '../../lang/esql/index.js';
import { compileIndexPatterns, eventIndex } from '../../input/index-name.js';
import type { StreamingStatefulRule } from '../candidates/streaming-rule.js';
import type { Candidate, EvaluateContext, StatefulRule } from '../compiled-rule.js';
import type { CompileOptions, RuleBase } from '../compile-rule.js';
import type { Hit } from '../hit.js';
import { hostOf, provenanceOf } from '../make-hit.js';
import { isoTime } from '../rule-time.js';
import { runWindow, runsContaining, scheduleOf } from '../schedule.js';

/**
 * ES|QL rules: every result row is a hit. The query's FROM routes events (not the rule's
 * `index`), its leading WHERE picks candidates while streaming.
 *  - no STATS: one pass over all candidates; each row keeps its source event;
 *  - STATS by a time bucket of the rule's time: the query windows itself, one pass;
 *  - other STATS: emulate the rule's runs (look-back windows stepped by interval) and report a
 *    group once, from the window where its aggregate was largest.
 */
export function compileEsqlRule(base: RuleBase, options: CompileOptions): StatefulRule {
  const query = compileEsql(base.rule.query ?? '', { now: options.now });
  const matchesIndex = query.sources.length ? compileIndexPatterns(query.sources, options.strictIndex) : () => true;
  const schedule = scheduleOf(base.rule);
  const selfWindowed = !query.aggregating || query.timeBucketField !== undefined;

  function run(events: Iterable<Candidate>, ctx: EvaluateContext): EsqlResult<Candidate> {
    const exec = query.createExecutor<Candidate>();
    for (const ev of events) exec.push(ev.doc, { _id: ev.id, _index: ev.index ?? eventIndex(ev) }, ev);
    const result = exec.finish();
    for (const w of result.warnings) ctx.warn(`${w.message} (${w.count}×)`);
    ctx.stat('esql_peak_groups', result.peakGroups);
    return result;
  }

  const common = {
    ...base,
    matchesIndex,
    stateful: true as const,
    route: [],
    discriminators: query.discriminators,
    candidate: query.prefilter,
  };
  // Emulated look-back windows need random access to the candidates: they are loaded whole.
  if (!selfWindowed) return { ...common, evaluate: (candidates, ctx) => windowedHits(base, candidates, ctx) };
  // One pass over the candidates in order: spilled ones stream back from disk.
  const rule: StreamingStatefulRule = {
    ...common,
    evaluate: (candidates, ctx) => rule.evaluateStream(candidates, { ...ctx, stateBytes: Number.POSITIVE_INFINITY }),
    evaluateStream(candidates, ctx) {
      let firstTs: number | undefined;
      let first = true;
      const noted = (function* () {
        for (const c of candidates) {
          if (first) {
            firstTs = c.ts;
            first = false;
          }
          yield c;
        }
      })();
      const result = run(noted, ctx);
      return rowsToHits(base, result, firstTs);
    },
  };
  return rule;

  function windowedHits(b: RuleBase, candidates: Candidate[], ctx: EvaluateContext): Hit[] {
    const runs = new Set<number>();
    for (const ev of candidates) {
      if (ev.ts === undefined) continue;
      const [first, last] = runsContaining(ev.ts, schedule);
      for (let k = first; k <= last; k++) runs.add(k);
    }
    const best = new Map<string, { hit: Hit; weight: number; windows: number }>();
    let lo = 0;
    for (const k of [...runs].sort((x, y) => x - y)) {
      const [from, to] = runWindow(k, schedule);
      while (lo < candidates.length && (candidates[lo].ts ?? -Infinity) < from) lo++;
      let hi = lo;
      while (hi < candidates.length && (candidates[hi].ts ?? Infinity) <= to) hi++;
      const window = candidates.slice(lo, hi);
      for (const hit of rowsToHits(b, run(window, ctx), window[0]?.ts)) {
        const row = hit.row ?? {};
        const key = groupKey(row, query.groupColumns);
        const weight = aggregateWeight(row);
        const seen = best.get(key);
        if (!seen) best.set(key, { hit, weight, windows: 1 });
        else {
          seen.windows++;
          if (weight > seen.weight) Object.assign(seen, { hit, weight });
        }
      }
    }
    return [...best.values()].map(({ hit, windows }) =>
      windows > 1
        ? { ...hit, notes: [`group seen in ${windows} overlapping look-back windows; reported once (largest aggregate)`] }
        : hit,
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
