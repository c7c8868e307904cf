import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isStreaming, type StreamingStatefulRule } from '../../src/engine/candidates/streaming-rule.js';
import type { Candidate } from '../../src/engine/index.js';
import { runWindow, runsContaining, scheduleOf } from '../../src/engine/schedule.js';
import { compileEsql } from '../../src/lang/esql/index.js';
import type { Rule } from '../../src/rules/rule.js';
import { random } from '../hunt/evidence-fixtures.js';
import { compile, makeRule } from './fixtures.js';

const T0 = Date.parse('2026-11-20T00:00:00Z');
const MIN = 60_000;
const NOW = Date.parse('2026-11-23T00:00:00Z'); // the fixtures' compile clock

function esqlRule(query: string, from = 'now-9m', interval = '5m'): Rule {
  return makeRule({ type: 'esql', query, from, interval });
}

function streaming(rule: Rule): StreamingStatefulRule {
  const c = compile(rule);
  assert.ok(c.stateful && isStreaming(c), 'windowed ES|QL rules read their candidates as a stream');
  return c;
}

function context(stateBytes = Number.POSITIVE_INFINITY) {
  const warnings: string[] = [];
  const stats: Record<string, number> = {};
  const ctx = {
    warn: (m: string) => warnings.push(m),
    stat: (name: string, v: number) => (stats[name] = Math.max(stats[name] ?? 0, v)),
    stateBytes,
  };
  return { ctx, warnings, stats };
}

/**
 * The windowed evaluation as it was when it needed the whole array, reduced to what identifies
 * a hit here (row, notes, the window's first event time): every run holding a candidate, the
 * query over that run's slice, a group kept from the window with its largest aggregate.
 */
function reference(rule: Rule, candidates: Candidate[]): { row: Record<string, unknown>; timestamp: string; notes?: string[] }[] {
  const query = compileEsql(rule.query ?? '', { now: NOW });
  const s = scheduleOf(rule);
  const runs = new Set<number>();
  for (const c of candidates) {
    const [a, b] = runsContaining(c.ts!, s);
    for (let k = a; k <= b; k++) runs.add(k);
  }
  const best = new Map<string, { row: Record<string, unknown>; timestamp: string; weight: number; windows: number }>();
  for (const k of [...runs].sort((x, y) => x - y)) {
    const [from, to] = runWindow(k, s);
    const slice = candidates.filter((c) => c.ts! >= from && c.ts! <= to);
    const exec = query.createExecutor<Candidate>();
    for (const c of slice) exec.push(c.doc, { _index: 'logs-auth-default' }, c);
    const result = exec.finish();
    for (const r of result.rows) {
      const row: Record<string, unknown> = {};
      result.columns.forEach((col, i) => (row[col.name] = r.values[i]));
      const key = JSON.stringify(query.groupColumns!.map((c) => row[c] ?? null));
      const weight = Object.values(row).reduce<number>((w, v) => (typeof v === 'number' && Number.isFinite(v) ? w + v : w), 0);
      const seen = best.get(key);
      const timestamp = new Date(slice[0].ts!).toISOString();
      if (!seen) best.set(key, { row, timestamp, weight, windows: 1 });
      else {
        seen.windows++;
        if (weight > seen.weight) Object.assign(seen, { row, timestamp, weight });
      }
    }
  }
  return [...best.values()].map(({ row, timestamp, windows }) =>
    windows > 1 ? { row, timestamp, notes: [`group seen in ${windows} overlapping look-back windows; reported once (largest aggregate)`] } : { row, timestamp },
  );
}

interface Shape {
  seed: number;
  days: number;
  /** Longest pause between episodes of activity. */
  maxGapMs: number;
}

/** Authentication events in episodes separated by pauses, generated in time order on demand. */
function* logins(shape: Shape): Generator<Candidate> {
  const rnd = random(shape.seed);
  const end = T0 + shape.days * 24 * 60 * MIN;
  let t = T0;
  let line = 0;
  let episode = 0;
  while (t < end) {
    if (episode === 0) {
      t += rnd() < 0.5 ? Math.floor(rnd() * 3 * MIN) : Math.floor(rnd() * shape.maxGapMs);
      episode = 1 + Math.floor(rnd() * 15);
    }
    episode--;
    t += rnd() < 0.2 ? 0 : Math.floor(rnd() * 30) * 1000;
    const doc = {
      '@timestamp': new Date(t).toISOString(),
      data_stream: { dataset: 'auth', namespace: 'default' },
      event: { category: 'authentication', outcome: rnd() < 0.6 ? 'failure' : 'success' },
      host: { name: `h${Math.floor(rnd() * 3)}` },
      user: { name: `u${Math.floor(rnd() * 6)}` },
    };
    yield { doc, file: 'auth.ndjson', line: ++line, ts: t, index: 'logs-auth-default' };
  }
}

function compare(rule: Rule, shape: Shape) {
  const r = streaming(rule);
  const c = context();
  const hits = r.evaluateStream(logins(shape), c.ctx);
  const all = [...logins(shape)];
  assert.deepEqual(hits, r.evaluate(all, { warn: () => {}, stat: () => {} }), 'evaluateStream over a generator equals evaluate over the array');
  assert.deepEqual(
    hits.map((h) => (h.notes ? { row: h.row, timestamp: h.timestamp, notes: h.notes } : { row: h.row, timestamp: h.timestamp })),
    reference(rule, all),
    'same hits, notes and order as the array-based evaluation',
  );
  return { hits, ...c, total: all.length };
}

const BUSY = `FROM logs-*
| WHERE event.category == "authentication" AND event.outcome == "failure"
| STATS failures = COUNT(*), users = COUNT_DISTINCT(user.name) BY host.name
| WHERE failures >= 6`;

test('esql windows: 3 days stepped every 5m equal the array evaluation, holding one window', () => {
  const rule = esqlRule(BUSY);
  for (const seed of [1, 2]) {
    const { hits, stats, total } = compare(rule, { seed, days: 3, maxGapMs: 40 * MIN });
    assert.ok(hits.length >= 3, `seed ${seed}: ${hits.length} hits`);
    assert.ok(hits.some((h) => h.notes), 'some groups are seen in several windows');
    assert.ok(stats['esql_window_candidates'] < total / 20, `held ${stats['esql_window_candidates']} of ${total}`);
    // Runs over no candidate are never made: fewer than the 864 runs of three days.
    assert.ok(stats['esql_windows'] < 864, `${stats['esql_windows']} windows`);
  }
});

test('esql windows: long overlapping look-backs, a STATS without BY, groups reappearing after gaps', () => {
  const long = esqlRule(BUSY, 'now-60m', '5m');
  const total = esqlRule(
    `FROM logs-* | WHERE event.category == "authentication" | STATS n = COUNT(*), hosts = COUNT_DISTINCT(host.name) | WHERE n >= 25`,
    'now-30m',
    '10m',
  );
  const renamed = esqlRule(
    `FROM logs-* | STATS n = COUNT(*) BY user.name, event.outcome | RENAME user.name AS who | WHERE n >= 5 | SORT n DESC`,
    'now-20m',
    '5m',
  );
  for (const seed of [3, 4]) {
    const shape = { seed, days: 2, maxGapMs: 3 * 60 * MIN };
    const a = compare(long, shape).hits;
    assert.ok(a.some((h) => h.notes && /seen in (\d{2,}) overlapping/.test(h.notes[0])), 'a 60m look-back stepped by 5m: groups in 10+ windows');
    assert.equal(compare(total, shape).hits.length <= 1, true, 'no BY: one group');
    assert.ok(compare(renamed, shape).hits.length > 3);
  }
});

test('esql windows: a window holding the same candidates as the one before is not queried again', () => {
  // Sparse evidence, 60m look-back every 5m: an isolated event sits alone in 12 windows.
  const rule = esqlRule(`FROM logs-* | STATS n = COUNT(*) BY host.name`, 'now-60m', '5m');
  function* sparse(): Generator<Candidate> {
    let line = 0;
    for (let h = 0; h < 72; h += 3) {
      for (const m of [0, 0.5, 1]) {
        const t = T0 + h * 60 * MIN + m * MIN;
        yield { doc: { '@timestamp': new Date(t).toISOString(), host: { name: `h${h % 2}` } }, file: 'f', line: ++line, ts: t };
      }
    }
  }
  const r = streaming(rule);
  const c = context();
  const hits = r.evaluateStream(sparse(), c.ctx);
  // 24 episodes, each in 13 runs: run 0 (and 1 for the later events) change, the rest repeat.
  assert.equal(c.stats['esql_windows'], 24 * 13);
  assert.equal(c.stats['esql_window_query_runs'], 24 * 2);
  assert.deepEqual(hits.map((h) => [h.row, h.notes]), [
    [{ n: 3, 'host.name': 'h0' }, ['group seen in 156 overlapping look-back windows; reported once (largest aggregate)']],
    [{ n: 3, 'host.name': 'h1' }, ['group seen in 156 overlapping look-back windows; reported once (largest aggregate)']],
  ]);
  const all = [...sparse()];
  assert.deepEqual(
    hits.map((h) => ({ row: h.row, timestamp: h.timestamp, notes: h.notes })),
    reference(rule, all),
  );
});

test('esql windows: query warnings are reported once, not once per window', () => {
  const rule = esqlRule(`FROM logs-* | EVAL x = TO_INTEGER(user.name) | STATS n = COUNT(*), s = SUM(x) BY host.name | WHERE n >= 3`);
  const r = streaming(rule);
  const c = context();
  r.evaluateStream(logins({ seed: 5, days: 0.5, maxGapMs: 30 * MIN }), c.ctx);
  assert.ok(c.stats['esql_windows'] > 10);
  const lines = c.warnings.filter((w) => /TO_INTEGER/.test(w));
  assert.ok(lines.length >= 1 && lines.length <= 2, lines.join('\n'));
  assert.match(lines[0], /\(\d+× over \d+ look-back window\(s\)\)$/);
});

test('esql windows: warns when the candidates of one window outgrow the state budget, same hits', () => {
  const rule = esqlRule(BUSY);
  const shape = { seed: 6, days: 1, maxGapMs: 20 * MIN };
  const r = streaming(rule);
  const c = context(4096);
  const hits = r.evaluateStream(logins(shape), c.ctx);
  assert.equal(c.warnings.length, 1);
  assert.match(c.warnings[0], /candidates inside one look-back window .* exceeded the memory share for rule state/);
  assert.deepEqual(hits, r.evaluate([...logins(shape)], { warn: () => {}, stat: () => {} }));
});
