import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileField, toValues } from '../../src/fields/index.js';
import { isStreaming, type StreamingStatefulRule } from '../../src/engine/candidates/streaming-rule.js';
import { Scanner, type Candidate, type Hit } from '../../src/engine/index.js';
import { compareCandidates } from '../../src/engine/candidates/order.js';
import { eventHit } from '../../src/engine/make-hit.js';
import { isoTime } from '../../src/engine/rule-time.js';
import { runWindow, runsContaining, scheduleOf, type Schedule } from '../../src/engine/schedule.js';
import { valueCombinations } from '../../src/engine/executors/value-combinations.js';
import type { Rule } from '../../src/rules/rule.js';
import { random } from '../hunt/evidence-fixtures.js';
import { compile, makeRule } from './fixtures.js';

const T0 = Date.parse('2026-11-20T00:00:00Z');
const MIN = 60_000;

function thresholdRule(threshold: NonNullable<Rule['threshold']>, from = 'now-9m', interval = '5m'): Rule {
  return makeRule({ type: 'threshold', query: 'event.outcome:failure', threshold, from, interval });
}

function streaming(rule: Rule): StreamingStatefulRule {
  const c = compile(rule);
  assert.ok(c.stateful && isStreaming(c), 'threshold rules read their candidates as a stream');
  return c;
}

interface Ctx {
  warnings: string[];
  stats: Record<string, number>;
}
function context(stateBytes = Number.POSITIVE_INFINITY) {
  const out: Ctx = { warnings: [], stats: {} };
  const ctx = {
    warn: (m: string) => out.warnings.push(m),
    stat: (name: string, v: number) => (out.stats[name] = Math.max(out.stats[name] ?? 0, v)),
    stateBytes,
  };
  return { ctx, out };
}

/**
 * The array-based evaluation threshold rules had before they streamed, kept as the oracle the
 * streaming one must equal: every group's events at once, every run of the group's windows.
 */
function reference(rule: Rule, candidates: Candidate[]): Hit[] {
  const spec = rule.threshold!;
  const fields = spec.field ?? [];
  const getters = fields.map((f) => compileField(f));
  const card = (spec.cardinality ?? []).map((c) => ({ ...c, get: compileField(c.field) }));
  const s: Schedule = scheduleOf(rule);
  const hitRule = compile(rule).hitRule;
  const groups = new Map<string, { values: unknown[]; events: Candidate[] }>();
  for (const ev of candidates) {
    if (ev.ts === undefined) continue;
    for (const values of valueCombinations(getters, ev.doc)) {
      const key = JSON.stringify(values);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { values, events: [] }));
      g.events.push(ev);
    }
  }
  const hits: Hit[] = [];
  for (const g of groups.values()) {
    const events = g.events;
    const runs = new Set<number>();
    for (const ev of events) {
      const [a, b] = runsContaining(ev.ts!, s);
      for (let k = a; k <= b; k++) runs.add(k);
    }
    type Burst = { count: number; cardinality: { field: string; value: number }[]; first: Candidate; last: Candidate };
    const bursts: Burst[] = [];
    let current: Burst | undefined;
    let lastRun = Number.NEGATIVE_INFINITY;
    let lo = 0;
    let hi = 0;
    for (const k of [...runs].sort((x, y) => x - y)) {
      const [from, to] = runWindow(k, s);
      while (lo < events.length && events[lo].ts! < from) lo++;
      if (hi < lo) hi = lo;
      while (hi < events.length && events[hi].ts! <= to) hi++;
      const count = hi - lo;
      const cards = card.map((c) => {
        const seen = new Set<string>();
        for (let i = lo; i < hi; i++) for (const v of toValues(c.get(events[i].doc))) seen.add(JSON.stringify(v));
        return { field: c.field, value: seen.size, min: c.value };
      });
      if (!(count >= spec.value && cards.every((c) => c.value >= c.min))) {
        current = undefined;
        continue;
      }
      const cardinality = cards.map(({ field, value }) => ({ field, value }));
      if (current && k === lastRun + 1) {
        current.last = events[hi - 1];
        if (count > current.count) Object.assign(current, { count, cardinality });
      } else bursts.push((current = { count, cardinality, first: events[lo], last: events[hi - 1] }));
      lastRun = k;
    }
    for (const b of bursts) {
      hits.push({
        ...eventHit(hitRule, b.first, b.first.ts),
        threshold: {
          terms: fields.map((field, i) => ({ field, value: g.values[i] })),
          count: b.count,
          ...(card.length ? { cardinality: b.cardinality } : {}),
          from: isoTime(b.first.ts),
          to: isoTime(b.last.ts),
        },
      });
    }
  }
  return hits;
}

/** Hit order up to ties the array version left to group order (same first event, several groups). */
function canonical(hits: Hit[]): string[] {
  return hits.map((h) => JSON.stringify(h)).sort();
}

interface Shape {
  seed: number;
  days: number;
  ips: number;
  users: number;
  /** Chance an event's source.ip is an array of two addresses (an event in two groups). */
  multi?: number;
}

/**
 * Failures from a few addresses, clustered in episodes (bursts of a few minutes, then quiet for
 * minutes to hours), generated on demand in time order: no array of the evidence exists.
 */
function* failures(shape: Shape): Generator<Candidate> {
  const rnd = random(shape.seed);
  const end = T0 + shape.days * 24 * 60 * MIN;
  let t = T0;
  let line = 0;
  let episode = 0;
  let ip = 0;
  while (t < end) {
    if (episode === 0) {
      // A pause: seconds (the same burst goes on) to hours (the group comes back after a gap).
      const r = rnd();
      t += r < 0.6 ? Math.floor(rnd() * 2 * MIN) : r < 0.9 ? Math.floor(rnd() * 30 * MIN) : Math.floor(rnd() * 3 * 60 * MIN);
      episode = 1 + Math.floor(rnd() * 30);
      ip = Math.floor(rnd() * shape.ips);
    }
    episode--;
    // Several events may share a millisecond; whole seconds also land exactly on run boundaries.
    t += rnd() < 0.2 ? 0 : Math.floor(rnd() * 40) * 1000;
    const addr = rnd() < (shape.multi ?? 0) ? [`10.0.0.${ip}`, `10.0.0.${(ip + 1) % shape.ips}`] : `10.0.0.${ip}`;
    const doc = {
      '@timestamp': new Date(t).toISOString(),
      event: { outcome: 'failure' },
      source: { ip: addr },
      user: { name: rnd() < 0.1 ? [`u${Math.floor(rnd() * shape.users)}`, 'admin'] : `u${Math.floor(rnd() * shape.users)}` },
      ...(rnd() < 0.05 ? { host: { name: 'h1' } } : {}),
    };
    // Some events lack the group field: they belong to no group.
    if (rnd() < 0.03) delete (doc as Partial<typeof doc>).source;
    yield { doc, file: 'auth.ndjson', line: ++line, ts: t };
  }
}

function compare(rule: Rule, shape: Shape): { stream: Hit[]; out: Ctx; total: number } {
  const r = streaming(rule);
  const { ctx, out } = context();
  const stream = r.evaluateStream(failures(shape), ctx);
  const all = [...failures(shape)];
  const whole = r.evaluate(all, { warn: () => {}, stat: () => {} });
  assert.deepEqual(stream, whole, 'evaluateStream over a generator equals evaluate over the array');
  assert.deepEqual(canonical(stream), canonical(reference(rule, all)), 'same hits as the array-based evaluation');
  if (r.tally) {
    for (const parts of [1, 3]) assert.deepEqual(folded(rule, all, parts, shape.seed), stream, `folded by ${parts} scanner(s)`);
  }
  return { stream, out, total: all.length };
}

/**
 * The rule's events scanned as a hunt scans them — shuffled, split among `parts` scanners, one
 * of them switching to projections midway — so they are folded into cells; the cells of every
 * scanner, in candidate order, are what the rule evaluates.
 */
function folded(rule: Rule, events: Candidate[], parts: number, seed: number): Hit[] {
  const compiled = compile(rule);
  const rnd = random(seed + 100);
  const shuffled = events.map(({ doc, file, line }) => ({ doc, file, line }));
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  const scanners = Array.from({ length: parts }, () => new Scanner([compiled]));
  shuffled.forEach((e, i) => {
    if (i === shuffled.length >> 1) scanners[0].startProjecting();
    scanners[i % parts].scan(e);
  });
  const cells = scanners.flatMap((sc) => sc.candidates.get(compiled.rule.rule_id) ?? []);
  assert.ok(cells.length > 0 && cells.every((c) => c.tally), 'events were folded into cells');
  assert.ok(cells.some((c) => c.tally!.count > 1), 'cells count several events');
  const hits = streaming(rule).evaluateStream(cells.sort(compareCandidates), context().ctx);
  // A hunt reads projected hits' documents back from the evidence.
  const byLine = new Map(events.map((e) => [e.line, e.doc]));
  for (const h of hits) h.event = byLine.get((h.source as { line: number }).line);
  return hits;
}

test('threshold stream: random episodes over 3 days equal the array evaluation (9m look-back, 5m interval)', () => {
  const rule = thresholdRule({ field: ['source.ip'], value: 4 });
  for (const seed of [1, 2, 3]) {
    const { stream, out, total } = compare(rule, { seed, days: 3, ips: 6, users: 5 });
    assert.ok(stream.length > 20, `seed ${seed}: enough bursts to compare (${stream.length})`);
    // Memory follows one look-back window, not the evidence.
    assert.ok(out.stats['threshold_window_events'] < total / 20, `seed ${seed}: ${out.stats['threshold_window_events']} held of ${total}`);
  }
});

test('threshold stream: long overlapping look-backs, multi-window bursts, cardinality, events in two groups', () => {
  const card = thresholdRule({ field: ['source.ip'], value: 5, cardinality: [{ field: 'user.name', value: 3 }] }, 'now-60m', '5m');
  const two = thresholdRule({ field: ['source.ip', 'user.name'], value: 3 }, 'now-30m', '10m');
  const none = thresholdRule({ field: [], value: 20 }, 'now-15m', '5m');
  for (const seed of [4, 5]) {
    const shape = { seed, days: 2, ips: 5, users: 4, multi: 0.15 };
    const a = compare(card, shape).stream;
    assert.ok(a.some((h) => h.threshold!.cardinality![0].value >= 3));
    // A 60-minute look-back stepped every 5 minutes: bursts span many runs.
    const longest = Math.max(...a.map((h) => Date.parse(h.threshold!.to) - Date.parse(h.threshold!.from)));
    assert.ok(longest > 60 * MIN, `longest burst ${longest / MIN} min`);
    assert.ok(compare(two, shape).stream.length > 10);
    assert.ok(compare(none, shape).stream.length > 5);
  }
});

test('threshold stream: a count of one over a look-back a little longer than the interval (Elastic\'s onboarding rule)', () => {
  const rule = thresholdRule({ field: ['source.ip'], value: 1 }, 'now-35m', '30m');
  assert.ok(compare(rule, { seed: 12, days: 2, ips: 4, users: 3, multi: 0.1 }).stream.length > 5);
});

test('threshold stream: interval and look-back of one second (runs on every event boundary)', () => {
  const rule = thresholdRule({ field: ['source.ip'], value: 2 }, 'now-1s', '1s');
  compare(rule, { seed: 9, days: 0.5, ips: 3, users: 3 });
});

test('threshold stream: a group reappearing after a gap starts a new burst; quiet groups are dropped', () => {
  const rule = thresholdRule({ field: ['source.ip'], value: 3 });
  function* events(): Generator<Candidate> {
    let line = 0;
    const at = (min: number, ip: string): Candidate => {
      const t = T0 + min * MIN;
      return { doc: { '@timestamp': new Date(t).toISOString(), event: { outcome: 'failure' }, source: { ip } }, file: 'f', line: ++line, ts: t };
    };
    for (const m of [0, 1, 2, 6, 7, 8]) yield at(m, 'a'); // one burst over two runs
    for (const m of [3, 4, 5]) yield at(m, 'b');
    for (const m of [300, 301, 302]) yield at(m, 'a'); // hours later: a second burst of the same group
  }
  const r = streaming(rule);
  const { ctx, out } = context();
  const hits = r.evaluateStream(events(), ctx);
  assert.deepEqual(
    hits.map((h) => [h.threshold!.terms[0].value, h.threshold!.count, h.threshold!.from.slice(11, 16), h.threshold!.to.slice(11, 16)]),
    [
      ['a', 5, '00:00', '00:08'],
      ['b', 3, '00:03', '00:05'],
      ['a', 3, '05:00', '05:02'],
    ],
  );
  assert.deepEqual(canonical(hits), canonical(reference(rule, [...events()])));
  assert.equal(out.stats['threshold_groups'], 2, 'at most two groups were ever held at once');
});

test('threshold stream: warns when the events of one window outgrow the state budget, and still counts exactly', () => {
  const rule = thresholdRule({ field: ['source.ip'], value: 4 });
  const shape = { seed: 7, days: 1, ips: 4, users: 3 };
  const r = streaming(rule);
  const { ctx, out } = context(2048);
  const hits = r.evaluateStream(failures(shape), ctx);
  assert.equal(out.warnings.length, 1);
  assert.match(out.warnings[0], /events inside one look-back window .* exceeded the memory share for rule state/);
  assert.deepEqual(hits, r.evaluate([...failures(shape)], { warn: () => {}, stat: () => {} }));
});

test('threshold stream: bursts starting at the same event follow the order of the values in that event', () => {
  const rule = thresholdRule({ field: ['source.ip'], value: 2 });
  const at = (sec: number, ip: string | string[], line: number): Candidate => {
    const t = T0 + sec * 1000;
    return { doc: { '@timestamp': new Date(t).toISOString(), event: { outcome: 'failure' }, source: { ip } }, file: 'f', line, ts: t };
  };
  // 'a' was seen first (and long ago), but the event starting both bursts lists 'b' first.
  const events = [at(-7200, 'a', 1), at(0, ['b', 'a'], 2), at(10, 'a', 3), at(20, 'b', 4)];
  const hits = streaming(rule).evaluateStream(events.values(), context().ctx);
  assert.deepEqual(
    hits.map((h) => [h.threshold!.terms[0].value, h.source]),
    [
      ['b', { file: 'f', line: 2 }],
      ['a', { file: 'f', line: 2 }],
    ],
  );
});

test('threshold stream: candidates out of time order fail the rule instead of skewing counts', () => {
  const rule = thresholdRule({ field: ['source.ip'], value: 2 });
  const at = (min: number, line: number): Candidate => {
    const t = T0 + min * MIN;
    return { doc: { '@timestamp': new Date(t).toISOString(), event: { outcome: 'failure' }, source: { ip: 'a' } }, file: 'f', line, ts: t };
  };
  assert.throws(() => streaming(rule).evaluateStream([at(5, 1), at(1, 2)].values(), context().ctx), /out of time order/);
});
