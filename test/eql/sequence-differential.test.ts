/**
 * The indexed sequence matcher against the one it replaced (sequence-reference.ts), on random
 * event streams: same matches in the same order, same join keys and missing positions, same peak
 * of live partials. Streams are in time order (with ties), as the engine feeds them, except the
 * few-key ones, which are also shuffled: below 1,024 live partials neither matcher expires early,
 * so even out-of-order input must agree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSequence, sequenceInput, type MissingStage, type SeqSpec, type SeqStage } from '../../src/lang/eql/sequence.js';
import { runSequenceReference } from './sequence-reference.js';

type Doc = Record<string, unknown>;
interface Ev { doc: Doc; line: number }

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Shape {
  real: number;
  /** Missing stages as the real-stage index each precedes (real = trailing). */
  missingBefore: number[];
  until: boolean;
  maxspan: number | null;
  keys: number;
  events: number;
  /** Largest step between consecutive event times (0 allowed: ties). */
  step: number;
  /** Chance an event carries each stage's tag. */
  density: number;
  shuffled: boolean;
}

const tagStage = (tag: number): SeqStage => ({
  filter: (d) => (d['tags'] as number[]).includes(tag),
  keys: (d) => [d['k'] ?? null],
});

function specOf(s: Shape): SeqSpec {
  const stages = Array.from({ length: s.real }, (_, i) => tagStage(i));
  const missing: MissingStage[] = [];
  const sortedMissing = [...s.missingBefore].sort((a, b) => a - b);
  let position = 0, real = 0;
  for (const before of sortedMissing) {
    while (real < before) { real++; position++; }
    missing.push({ ...tagStage(100 + missing.length), before, position: position++ });
  }
  return { stages, missing, until: s.until ? tagStage(99) : null, maxspan: s.maxspan, time: (d) => d['t'] as number };
}

function streamOf(s: Shape, rnd: () => number): Ev[] {
  const tags = [...Array.from({ length: s.real }, (_, i) => i), ...s.missingBefore.map((_, i) => 100 + i), ...(s.until ? [99] : [])];
  const out: Ev[] = [];
  let t = 1_000;
  for (let i = 0; i < s.events; i++) {
    t += Math.floor(rnd() * (s.step + 1));
    const own = tags.filter((tag) => rnd() < (tag === 99 ? s.density / 4 : s.density));
    // An occasional key missing altogether: the join value is then null, a key of its own.
    const doc: Doc = { t, tags: own.length ? own : [tags[Math.floor(rnd() * tags.length)]] };
    if (rnd() > 0.02) doc['k'] = `k${Math.floor(rnd() * s.keys)}`;
    out.push({ doc, line: i });
  }
  if (s.shuffled) {
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
  }
  return out;
}

function randomShape(rnd: () => number, many: boolean): Shape {
  const real = 1 + Math.floor(rnd() * 4);
  const missingBefore = Array.from({ length: real === 1 ? 1 + Math.floor(rnd() * 2) : Math.floor(rnd() * 3) }, () => Math.floor(rnd() * (real + 1)));
  const step = Math.floor(rnd() * 5);
  return {
    real,
    missingBefore,
    until: rnd() < 0.3,
    maxspan: rnd() < 0.7 ? Math.floor(rnd() * 60) : null,
    keys: many ? 1_500 + Math.floor(rnd() * 1_500) : 1 + Math.floor(rnd() * 12),
    events: many ? 6_000 : 40 + Math.floor(rnd() * 300),
    step,
    density: 0.15 + rnd() * 0.5,
    shuffled: !many && rnd() < 0.3,
  };
}

const view = (ms: { join_keys?: unknown[]; events: Ev[]; missing?: number[] }[]) =>
  ms.map((m) => ({ keys: m.join_keys, lines: m.events.map((e) => e.line), missing: m.missing }));

function compare(s: Shape, seed: number): void {
  const events = streamOf(s, rng(seed));
  const spec = specOf(s);
  const oldStats = { peakPartials: 0 };
  const newStats = { peakPartials: 0 };
  const expected = view(runSequenceReference(spec, events, oldStats));
  const got = view(runSequence(spec, events, newStats));
  const what = `seed ${seed} ${JSON.stringify(s)}`;
  assert.deepEqual(got, expected, what);
  // The old matcher counted each one-stage completion as a partial it never released.
  if (s.real > 1) assert.equal(newStats.peakPartials, oldStats.peakPartials, what);
}

test('differential: few keys, any order, every stage kind (2,000 random streams)', () => {
  const rnd = rng(20261120);
  let matched = 0;
  for (let run = 0; run < 2_000; run++) {
    const s = randomShape(rnd, false);
    const seed = Math.floor(rnd() * 2 ** 31);
    compare(s, seed);
    matched += runSequence(specOf(s), streamOf(s, rng(seed)), { peakPartials: 0 }).length > 0 ? 1 : 0;
  }
  // Streams too sparse to ever complete would prove nothing.
  assert.ok(matched > 800, `${matched} of 2000 streams had matches`);
});

test('differential: thousands of live keys, so partials expire by maxspan from the queue', () => {
  const rnd = rng(7);
  let expiring = 0;
  for (let run = 0; run < 12; run++) {
    const base = randomShape(rnd, true);
    const real = Math.max(2, base.real);
    const s = { ...base, real, maxspan: run % 4 === 3 ? null : 200 + Math.floor(rnd() * 2_000), missingBefore: run % 3 === 0 ? [] : [Math.floor(rnd() * (real + 1))] };
    const seed = Math.floor(rnd() * 2 ** 31);
    const stats = { peakPartials: 0 };
    runSequence(specOf(s), streamOf(s, rng(seed)), stats);
    if (stats.peakPartials > 1024 && s.maxspan !== null) expiring++;
    compare(s, seed);
  }
  assert.ok(expiring >= 4, `${expiring} runs went past the expiry threshold`);
});

test('one newer partial per key and stage replaces the older (Elasticsearch keeps only the latest)', () => {
  const spec = specOf({ real: 2, missingBefore: [], until: false, maxspan: null, keys: 1, events: 0, step: 0, density: 0, shuffled: false });
  const ev = (line: number, t: number, tag: number): Ev => ({ doc: { t, tags: [tag], k: 'a' }, line });
  const stats = { peakPartials: 0 };
  const got = view(runSequence(spec, [ev(0, 1, 0), ev(1, 2, 0), ev(2, 3, 0), ev(3, 4, 1), ev(4, 5, 1)], stats));
  assert.deepEqual(got, [{ keys: ['a'], lines: [2, 3], missing: undefined }]);
  assert.equal(stats.peakPartials, 1);
});

test('a partial exactly maxspan old is still live, past the expiry threshold too', () => {
  const spec = specOf({ real: 2, missingBefore: [], until: false, maxspan: 100, keys: 0, events: 0, step: 0, density: 0, shuffled: false });
  const events: Ev[] = Array.from({ length: 2_000 }, (_, i) => ({ doc: { t: 0, tags: [0], k: `k${i}` }, line: i }));
  events.push({ doc: { t: 100, tags: [0], k: 'other' }, line: 2_000 });
  events.push({ doc: { t: 100, tags: [1], k: 'k0' }, line: 2_001 });
  events.push({ doc: { t: 101, tags: [1], k: 'k1' }, line: 2_002 });
  const stats = { peakPartials: 0 };
  const got = view(runSequence(spec, events, stats));
  assert.deepEqual(got, [{ keys: ['k0'], lines: [0, 2_001], missing: undefined }]);
  assert.deepEqual(got, view(runSequenceReference(spec, events, { peakPartials: 0 })));
  assert.equal(stats.peakPartials, 2_001);
});

test('partials behind thousands of replaced ones still expire once the queue is compacted', () => {
  const spec = specOf({ real: 2, missingBefore: [], until: false, maxspan: 100, keys: 0, events: 0, step: 0, density: 0, shuffled: false });
  const open = (line: number, t: number, k: string): Ev => ({ doc: { t, tags: [0], k }, line });
  const events: Ev[] = [open(0, 0, 'a')];
  for (let i = 0; i < 3_000; i++) events.push(open(events.length, 0, 'b'));
  for (let i = 0; i < 1_100; i++) events.push(open(events.length, 200, `k${i}`));
  const stats = { peakPartials: 0 };
  const oldStats = { peakPartials: 0 };
  assert.deepEqual(view(runSequence(spec, events, stats)), view(runSequenceReference(spec, events, oldStats)));
  assert.equal(stats.peakPartials, oldStats.peakPartials);
  assert.equal(stats.peakPartials, 1_100);
});

test('sequenceInput drops only events that change nothing (2,000 random streams, as drawn and with a rare first stage)', () => {
  const rnd = rng(20261123);
  let dropped = 0;
  let total = 0;
  const check = (spec: SeqSpec, events: Ev[], what: string) => {
    const kept = sequenceInput(spec, events);
    assert.deepEqual(view(runSequence(spec, kept, { peakPartials: 0 })), view(runSequence(spec, events, { peakPartials: 0 })), what);
    // Order is kept: the survivors are a subsequence of the input.
    let at = 0;
    for (const e of kept) {
      at = events.indexOf(e, at) + 1;
      assert.ok(at > 0, what);
    }
    return events.length - kept.length;
  };
  for (let run = 0; run < 2_000; run++) {
    const s = randomShape(rnd, false);
    const seed = Math.floor(rnd() * 2 ** 31);
    const events = streamOf(s, rng(seed));
    const spec = specOf(s);
    check(spec, events, `seed ${seed} ${JSON.stringify(s)}`);
    // The engine's case: a narrow first stage, broad later ones, most keys never opened.
    const thin = events.map((e) => ({ ...e, doc: { ...e.doc, tags: (e.doc['tags'] as number[]).filter((t) => t !== 0 || rnd() < 0.05) } }));
    total += thin.length;
    dropped += check(spec, thin, `thinned, seed ${seed} ${JSON.stringify(s)}`);
  }
  // A pruner that kept everything would pass the comparisons trivially.
  assert.ok(dropped > total / 5, `${dropped} of ${total} events dropped`);
});

/**
 * The spec with a bit per stage and filters that throw, and the events marked with the bits of
 * the stages they pass and stripped to time and key: what the engine hands a sequence whose
 * candidates were marked while scanning and then projected.
 */
function markedInput(spec: SeqSpec, events: Ev[]): { spec: SeqSpec; events: (Ev & { mark: number })[] } {
  const all = [...spec.stages, ...spec.missing, ...(spec.until ? [spec.until] : [])];
  const bitOf = new Map(all.map((st, i) => [st, 1 << i]));
  // One throwing filter per stage: the matcher tells stages apart by their filters.
  const strip = <S extends SeqStage>(st: S): S => ({
    ...st,
    filter: () => {
      throw new Error('a marked event was re-tested');
    },
    bit: bitOf.get(st),
  });
  const marked = events.map((e) => {
    let mark = 0;
    for (const [st, bit] of bitOf) if (st.filter(e.doc)) mark |= bit;
    const doc: Doc = { t: e.doc['t'] };
    if ('k' in e.doc) doc['k'] = e.doc['k'];
    return { doc, line: e.line, mark };
  });
  return {
    spec: { ...spec, stages: spec.stages.map(strip), missing: spec.missing.map(strip), until: spec.until && strip(spec.until) },
    events: marked.filter((e) => e.mark !== 0),
  };
}

test('marked events: runSequence and sequenceInput read the marks, never the stage filters (1,000 random streams)', () => {
  const rnd = rng(20261124);
  for (let run = 0; run < 1_000; run++) {
    const s = randomShape(rnd, false);
    const seed = Math.floor(rnd() * 2 ** 31);
    const events = streamOf(s, rng(seed));
    const spec = specOf(s);
    const m = markedInput(spec, events);
    const what = `seed ${seed} ${JSON.stringify(s)}`;
    assert.deepEqual(view(runSequence(m.spec, m.events, { peakPartials: 0 })), view(runSequence(spec, events, { peakPartials: 0 })), what);
    const lines = (xs: Ev[]) => xs.map((e) => e.line);
    assert.deepEqual(lines(sequenceInput(m.spec, m.events)), lines(sequenceInput(spec, events).filter((e) => m.events.some((x) => x.line === e.line))), what);
  }
});
