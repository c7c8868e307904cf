import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { CandidateSet, CandidateStore, compareCandidates, evaluateCandidates, pruneCandidates, type EvaluationLimits } from '../../src/engine/candidates/index.js';
import { decodeCandidate, encodeCandidate, readRun, writeRunSync } from '../../src/engine/candidates/run-file.js';
import type { Candidate, StatefulRule } from '../../src/engine/compiled-rule.js';
import { LastSeen } from '../../src/engine/executors/last-seen.js';
import { parseSize } from '../../src/hunt/memory-budget.js';
import { failThenSuccessRule, random, tempDir } from './evidence-fixtures.js';

function candidates(n: number, seed: number, file = 'a.ndjson'): Candidate[] {
  const rnd = random(seed);
  return Array.from({ length: n }, (_, i) => ({
    doc: { '@timestamp': i, user: { name: `u${Math.floor(rnd() * 50)}` }, pad: 'x'.repeat(Math.floor(rnd() * 40)) },
    file,
    line: i + 1,
    // Coarse times so ties on time are common and provenance decides the order.
    ts: rnd() < 0.02 ? undefined : Math.floor(rnd() * 100),
  }));
}

const key = (c: Candidate) => `${c.file}:${c.line}`;

test('a candidate survives the trip to disk exactly, odd documents included', () => {
  const doc = JSON.parse('{"__proto__":{"polluted":true},"constructor":"x","s":"nul\\u0000 é 🦀 \\ud800","n":-0.5,"big":"9007199254740993","a":[1,[2,{"b":null}]],"t":true}');
  for (const c of [
    { doc, file: 'dir/f.ndjson', line: 7, ts: 1_700_000_000_123 },
    { doc, file: '<stdin>', line: 0, ts: undefined, index: '.ds-logs-x-2026', id: 'abc' },
    { doc, file: 'f', line: 3, ts: 5, mark: 0b101 },
    { doc, file: 'f', line: 4, ts: 6, tally: { group: '["a",1]', run: 3, count: 7, last: 9 } },
  ] as Candidate[]) {
    const back = decodeCandidate(encodeCandidate(c));
    assert.deepEqual(back, c);
    assert.equal(Object.getPrototypeOf(back.doc), Object.prototype);
    assert.deepEqual(Object.keys(back.doc), Object.keys(doc));
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  }
});

test('a run names each evidence file once, then by number: the same candidates come back, files interleaved', () => {
  const dir = tempDir('files');
  try {
    // Files whose names could pass for numbers or hold JSON's special characters.
    const names = ['a.ndjson', '0', 'dir "q"/b\\c.ndjson.gz', '<stdin>'];
    const list = candidates(200, 12).map((c, i) => ({ ...c, file: names[(i * 7) % names.length] })).sort(compareCandidates);
    const run = writeRunSync(path.join(dir, 'r.run'), list, 1_000);
    assert.deepEqual([...readRun(run.path)], list);
    const text = readFileSync(run.path, 'utf8');
    for (const n of names) assert.equal(text.split(JSON.stringify(n)).length - 1, 1, `${n} written once`);
    // A row that numbers a file before naming it is refused, not read as another file.
    assert.throws(() => decodeCandidate('[1,0,1,null,null,{}]', []), /evidence file #0 before its path/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the store spills its largest lists past its budget; the set merges every part back in order', async () => {
  const dir = tempDir('store');
  try {
    const stores = [new CandidateStore({ budget: 2_000, dir }), new CandidateStore({ budget: 2_000, dir })];
    const all = { big: [...candidates(400, 1, 'a'), ...candidates(300, 2, 'b')], small: candidates(5, 3, 'c') };
    all.big.forEach((c, i) => stores[i % 2].add('big', c, 100));
    all.small.forEach((c) => stores[0].add('small', c, 10));
    for (const s of stores) if (s.overBudget) await s.spill();
    assert.ok(stores.every((s) => !s.overBudget));
    const set = new CandidateSet();
    for (const s of stores) set.add(s.snapshot());
    assert.ok(set.spills.files > 0);
    assert.equal(set.spills.rules, 1, 'only the big list needed spilling');
    assert.deepEqual(set.size('big').count, 700);
    assert.deepEqual([...set.stream('big')].map(key), [...all.big].sort(compareCandidates).map(key));
    assert.deepEqual([...set.stream('small')].map(key), [...all.small].sort(compareCandidates).map(key));
    set.release('big');
    assert.deepEqual(readdirSync(dir), [], 'released runs are deleted');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('more runs than the merge fan-in are merged in passes to the same order', async () => {
  const dir = tempDir('fanin');
  try {
    const store = new CandidateStore({ budget: 500, dir });
    const list = candidates(2_000, 4);
    for (const c of list) {
      store.add('r', c, 60);
      if (store.overBudget) await store.spill();
    }
    const snapshot = store.snapshot();
    const runs = snapshot.runs[0].runs.length;
    assert.ok(runs > 20, `${runs} runs`);
    const set = new CandidateSet(3);
    set.add(snapshot);
    assert.deepEqual([...set.stream('r')].map(key), [...list].sort(compareCandidates).map(key));
    set.release('r');
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a store that cannot write keeps its candidates in memory and says why', async () => {
  const dir = tempDir('gone');
  rmSync(dir, { recursive: true });
  const store = new CandidateStore({ budget: 500, dir });
  const list = candidates(100, 8);
  for (const c of list) store.add('r', c, 60);
  assert.ok(store.overBudget);
  await store.spill();
  assert.equal(store.overBudget, false, 'no retry on every batch');
  const snapshot = store.snapshot();
  assert.match(snapshot.spillError ?? '', /ENOENT/);
  const set = new CandidateSet();
  set.add(snapshot);
  assert.match(set.spills.error ?? '', /ENOENT/);
  assert.deepEqual([...set.stream('r')].map(key), [...list].sort(compareCandidates).map(key));
});

test('a spilled sequence is pruned as one held in memory: its runs keep the keys they open', async () => {
  const rule = failThenSuccessRule();
  const rnd = random(9);
  // Few users fail, many succeed: most successes are under keys nothing opens.
  const list: Candidate[] = Array.from({ length: 3_000 }, (_, i) => {
    const failure = rnd() < 0.05;
    const user = failure ? `f${Math.floor(rnd() * 20)}` : rnd() < 0.1 ? `f${Math.floor(rnd() * 20)}` : `s${Math.floor(rnd() * 500)}`;
    return {
      doc: { '@timestamp': i, event: { category: 'authentication', outcome: failure ? 'failure' : 'success' }, user: { name: user } },
      file: 'a.ndjson',
      line: i + 1,
      ts: rnd() < 0.01 ? undefined : Math.floor(rnd() * 1_000),
    };
  });
  const expected = pruneCandidates([...list], rule.prune).sort(compareCandidates).map(key);
  assert.ok(expected.length < list.length / 3, `${expected.length} of ${list.length} kept`);
  const id = rule.rule.rule_id;
  const spilled = async (withKeys: boolean) => {
    const dir = tempDir('seq-spill');
    const store = new CandidateStore({ budget: 20_000, dir });
    const openings = (ruleId: string, timed: Candidate[]) => (ruleId === id ? rule.pruneKeys!(timed) : undefined);
    for (const c of list) {
      store.add(id, c, 60);
      if (store.overBudget) await store.spill(withKeys ? openings : undefined);
    }
    const set = new CandidateSet(3);
    set.add(store.snapshot());
    assert.ok(set.spills.files > 5, `${set.spills.files} runs`);
    const out = [...set.stream(id, rule)].map(key);
    set.release(id);
    rmSync(dir, { recursive: true, force: true });
    return out;
  };
  assert.deepEqual(await spilled(true), expected);
  // Runs that did not keep their keys: every candidate comes back, unpruned.
  assert.deepEqual(await spilled(false), [...list].sort(compareCandidates).map(key));
});

test('a spilled sequence no event opens: only its untimed candidates come back, runs without any are deleted unread', async () => {
  const rule = failThenSuccessRule();
  const id = rule.rule.rule_id;
  const successes = (n: number, untimedEvery: number): Candidate[] =>
    Array.from({ length: n }, (_, i) => ({
      doc: { '@timestamp': i, event: { category: 'authentication', outcome: 'success' }, user: { name: `u${i % 7}` } },
      file: 'b.ndjson',
      line: i + 1,
      ts: untimedEvery && i % untimedEvery === 0 ? undefined : i,
    }));
  for (const untimedEvery of [0, 97]) {
    const list = successes(2_000, untimedEvery);
    const dir = tempDir('seq-unopened');
    try {
      const store = new CandidateStore({ budget: 20_000, dir });
      for (const c of list) {
        store.add(id, c, 60);
        if (store.overBudget) await store.spill((ruleId, timed) => rule.pruneKeys!(timed));
      }
      const set = new CandidateSet();
      set.add(store.snapshot());
      const runs = set.spills.files;
      assert.ok(runs > 3, `${runs} runs`);
      const out = [...set.stream(id, rule)];
      assert.deepEqual(out.map(key), list.filter((c) => c.ts === undefined).sort(compareCandidates).map(key), `untimed every ${untimedEvery}`);
      if (!untimedEvery) assert.deepEqual(readdirSync(dir), [], 'no run was needed');
      set.release(id);
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

function fakeRule(id: string, seen: Candidate[][], streaming: boolean): StatefulRule {
  const base = { rule: { rule_id: id, name: id }, stateful: true, evaluate: (c: Candidate[]) => (seen.push([...c]), []) };
  const rule = streaming ? { ...base, evaluateStream: (c: Iterable<Candidate>) => (seen.push([...c]), []) } : base;
  return rule as unknown as StatefulRule;
}

const limits: EvaluationLimits = { loadBytes: 1e9, refuseBytes: 2e9, stateBytes: 1e9, label: '--max-memory 1 GB' };

test('evaluation: time order, untimed candidates left out with a warning, streaming or not', async () => {
  const dir = tempDir('eval');
  try {
    const store = new CandidateStore({ budget: 1_000, dir });
    const list = candidates(300, 5);
    for (const c of list) {
      store.add('s', c, 50);
      store.add('a', c, 50);
      if (store.overBudget) await store.spill();
    }
    const set = new CandidateSet();
    set.add(store.snapshot());
    const seen: Candidate[][] = [];
    const warnings: string[] = [];
    const result = await evaluateCandidates([fakeRule('s', seen, true), fakeRule('a', seen, false)], set, {
      ctx: () => ({ warn: (m) => warnings.push(m), stat: () => {} }),
      onError: (_r, err) => assert.fail(err as Error),
      aborted: () => false,
      limits,
    });
    const timed = list.filter((c) => c.ts !== undefined).sort(compareCandidates).map(key);
    assert.deepEqual(seen.map((s) => s.map(key)), [timed, timed]);
    const untimed = list.length - timed.length;
    assert.deepEqual(warnings, [0, 1].map(() => `${untimed} candidate event(s) without a usable timestamp were not evaluated`));
    assert.equal(result.interruptedBefore, 0);
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('evaluation: over-budget rules warn, rules that cannot fit are skipped, an interruption stops between rules', async () => {
  const set = new CandidateSet();
  set.add({ memory: ['x', 'y', 'z', 'w'].map((ruleId) => ({ ruleId, list: candidates(10, 6), heapBytes: 5_000 })), runs: [] });
  const seen: Candidate[][] = [];
  const warnings: string[] = [];
  let evaluated = 0;
  const ctx = () => ({ warn: (m: string) => warnings.push(m), stat: () => {} });
  const tight = { ...limits, loadBytes: 1_000, refuseBytes: 4_000 };
  const r1 = await evaluateCandidates([fakeRule('x', seen, false)], set, { ctx, onError: assert.fail, aborted: () => false, limits: tight });
  assert.equal(seen.length, 0);
  assert.match(warnings.at(-1) ?? '', /^not evaluated: 10 candidates \(~0\.0 MB\) would not fit/);
  assert.equal(r1.interruptedBefore, 0);
  await evaluateCandidates([fakeRule('y', seen, false)], set, { ctx, onError: assert.fail, aborted: () => false, limits: { ...tight, refuseBytes: 1e9 } });
  assert.equal(seen.length, 1);
  assert.match(warnings.find((w) => w.startsWith('10 candidates')) ?? '', /exceeded --max-memory 1 GB; this rule type needs them all in memory at once, so it was evaluated anyway/);
  // 'y' was evaluated (and released) above: only 'w' is left out.
  const r3 = await evaluateCandidates([fakeRule('z', seen, true), fakeRule('y', seen, true), fakeRule('w', seen, true)], set, {
    ctx,
    onError: assert.fail,
    aborted: () => evaluated++ > 0,
    limits,
  });
  assert.equal(r3.interruptedBefore, 1);
});

test('new_terms memory: forgetting values older than the history window changes nothing', () => {
  const rnd = random(7);
  const history = 50;
  const seen = new LastSeen(history, Number.POSITIVE_INFINITY);
  const naive = new Map<string, number>();
  let t = 0;
  for (let i = 0; i < 50_000; i++) {
    t += Math.floor(rnd() * 3);
    const k = `v${Math.floor(rnd() * 5_000)}`;
    const a = seen.get(k);
    const b = naive.get(k);
    const isNew = (x: number | undefined) => x === undefined || t - x > history;
    assert.equal(isNew(a), isNew(b), `event ${i}`);
    seen.set(k, t);
    naive.set(k, t);
    seen.settle(t);
  }
  assert.equal(seen.evicted, 0);
  assert.ok(seen.peak < naive.size, `${seen.peak} held at most, ${naive.size} ever seen`);
});

test('new_terms memory: past its budget the least recently seen values are evicted and counted', () => {
  const seen = new LastSeen(Number.POSITIVE_INFINITY, 100_000);
  for (let i = 0; i < 10_000; i++) {
    seen.set(`value-${i}`, i);
    seen.settle(i);
  }
  assert.ok(seen.evicted > 0);
  assert.equal(seen.get('value-9999'), 9999, 'the most recent value is kept');
  assert.equal(seen.get('value-0'), undefined, 'the oldest went first');
});

test('--max-memory sizes', () => {
  assert.equal(parseSize('512MB'), 512 * 2 ** 20);
  assert.equal(parseSize('2GB'), 2 * 2 ** 30);
  assert.equal(parseSize('1.5g'), 1.5 * 2 ** 30);
  assert.equal(parseSize('64 KiB'), 64 * 1024);
  assert.equal(parseSize('1000000'), 1_000_000);
  for (const bad of ['', 'lots', '-1GB', '0', '2PB', '1e9']) assert.equal(parseSize(bad), undefined, bad);
});

test('evaluation: a full collection follows a rule that held much, or once runs read back add up, not every spilled rule', async () => {
  const dir = tempDir('reclaim');
  try {
    const ids = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'];
    const store = new CandidateStore({ budget: 2_000, dir });
    for (const c of candidates(200, 8)) {
      for (const id of ids) store.add(id, c, 50);
      if (store.overBudget) await store.spill();
    }
    const set = new CandidateSet();
    set.add(store.snapshot());
    assert.equal(set.spills.rules, ids.length);
    let collections = 0;
    const o = { ctx: () => ({ warn: () => {}, stat: () => {} }), onError: assert.fail, aborted: () => false, limits, reclaim: () => collections++ };
    const seen: Candidate[][] = [];
    await evaluateCandidates(ids.map((id) => fakeRule(id, seen, true)), set, o);
    assert.equal(seen.length, ids.length);
    // A few KB read back from each rule's runs: no garbage worth a pause.
    assert.equal(collections, 0);
    // A rule that held (by its estimate) far more than the whole heap leaves garbage worth collecting.
    set.add({ memory: [{ ruleId: 'big', list: candidates(10, 9), heapBytes: 64 * 1024 ** 3 }], runs: [] });
    await evaluateCandidates([fakeRule('big', seen, true)], set, o);
    assert.equal(collections, 1);
    // Runs read back add up across rules: three rules' 6 MB each (by their files' size) pass 16 MB.
    const runOf = (id: string) => ({ ...writeRunSync(path.join(dir, `${id}.run`), candidates(5, 11), 1_000), fileBytes: 6 * 1024 ** 2 });
    const big = ['s1', 's2', 's3'];
    set.add({ memory: [], runs: big.map((ruleId) => ({ ruleId, runs: [runOf(ruleId)] })) });
    await evaluateCandidates(big.map((id) => fakeRule(id, seen, true)), set, o);
    assert.equal(collections, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
