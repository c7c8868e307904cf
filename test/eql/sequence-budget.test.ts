import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSequence, type SeqSpec } from '../../src/lang/eql/sequence.js';
import { PartialIndex } from '../../src/lang/eql/sequence-partials.js';

type Doc = Record<string, unknown>;
interface Ev { doc: Doc; line: number }

const spec = (maxspan: number | null = null): SeqSpec => ({
  stages: [0, 1].map((tag) => ({ filter: (d: Doc) => d['stage'] === tag, keys: (d: Doc) => [d['k']] })),
  missing: [],
  until: null,
  maxspan,
  time: (d) => d['t'] as number,
});
const ev = (line: number, stage: number, k: string): Ev => ({ doc: { t: line, stage, k }, line });
const lines = (ms: { events: Ev[] }[]) => ms.map((m) => m.events.map((e) => e.line));

test('a state budget that is never reached changes nothing and warns nothing', () => {
  const events = Array.from({ length: 5_000 }, (_, i) => ev(i, i % 3 === 0 ? 1 : 0, `k${i % 700}`));
  const warnings: string[] = [];
  const stats = { peakPartials: 0 };
  const bounded = runSequence(spec(), events, stats, { stateBytes: 1e12, sizeOf: () => 500, onWarning: (w) => warnings.push(w) });
  const freeStats = { peakPartials: 0 };
  const free = runSequence(spec(), events, freeStats);
  assert.ok(free.length > 1_000);
  assert.deepEqual(lines(bounded), lines(free));
  assert.deepEqual(warnings, []);
  assert.equal(stats.peakPartials, freeStats.peakPartials);
});

test('over the state budget the least recently active keys are dropped, with one warning', () => {
  // ~1 KB per partial and key: a 100 KB budget holds about a hundred keys.
  const events: Ev[] = [ev(0, 0, 'cold'), ev(1, 0, 'hot')];
  for (let i = 0; i < 1_000; i++) {
    events.push(ev(events.length, 0, `k${i}`));
    // The hot key keeps reopening, so it is never the least recently active.
    if (i % 50 === 0) events.push(ev(events.length, 0, 'hot'));
  }
  events.push(ev(events.length, 1, 'hot'), ev(events.length + 1, 1, 'cold'), ev(events.length + 2, 1, 'k999'));
  const warnings: string[] = [];
  const stats = { peakPartials: 0 };
  const got = runSequence(spec(), events, stats, { stateBytes: 100_000, sizeOf: () => 800, onWarning: (w) => warnings.push(w) });
  const keys = got.map((m) => m.join_keys?.[0]);
  assert.deepEqual(keys, ['hot', 'k999']);
  assert.ok(stats.peakPartials > 50 && stats.peakPartials < 110, `peak ${stats.peakPartials}`);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /^\d+ partial sequence\(s\) of \d+ join key\(s\) were dropped, least recently active first, to stay within the memory limit/);
  const [dropped] = /^\d+/.exec(warnings[0]) ?? [];
  assert.ok(Number(dropped) > 900, warnings[0]);
});

test('without sizeOf a budget weighs each held event at a flat 1 KB', () => {
  const events = Array.from({ length: 1_000 }, (_, i) => ev(i, 0, `k${i}`));
  const stats = { peakPartials: 0 };
  runSequence(spec(), events, stats, { stateBytes: 200_000 });
  assert.ok(stats.peakPartials > 100 && stats.peakPartials < 200, `peak ${stats.peakPartials}`);
});

test('the byte count returns to zero once every partial has left, whichever way', () => {
  const index = new PartialIndex<Ev>(3, 10, { bytes: Number.MAX_SAFE_INTEGER, sizeOf: () => 100 });
  const open = (k: string, t: number) => {
    const p = index.open(ev(t, 0, k), t, [k], JSON.stringify([k]));
    index.put(p, 0);
    return p;
  };
  open('a', 0);
  open('a', 1); // replaces
  open('b', 1);
  open('c', 2);
  const taken = index.take(JSON.stringify(['b']), 0);
  assert.ok(taken);
  index.extend(taken, ev(3, 1, 'b'), 3, ['b']);
  index.put(taken, 1);
  assert.equal(index.live, 3);
  assert.ok(index.bytes > 0);
  index.dropKey(JSON.stringify(['a']));
  index.take(JSON.stringify(['b']), 1);
  index.take(JSON.stringify(['c']), 0);
  assert.equal(index.live, 0);
  assert.equal(index.bytes, 0);
});
