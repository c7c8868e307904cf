import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Candidate, StatefulRule } from '../../src/engine/compiled-rule.js';
import type { CandidateSnapshot, RunFile } from '../../src/engine/candidates/index.js';
import { hunt } from '../../src/hunt/hunt.js';
import { NO_PROGRESS, type Progress } from '../../src/input/progress.js';
import { assignRules, candidateCosts, keepLists, type RuleCosts } from '../../src/hunt/share-evaluation.js';
import { compile, makeRule } from '../engine/fixtures.js';
import { failThenSuccessRule, tempDir, writeEvidence, writeRules } from './evidence-fixtures.js';

/** Only the rule ids matter to the assignment. */
const ruleOf = (id: string) => ({ rule: { rule_id: id } }) as StatefulRule;

test('shared evaluation: the costliest rules first, each to the least loaded thread, ties to the main thread', () => {
  const rules = ['a', 'b', 'c', 'd', 'e', 'f'].map(ruleOf);
  const costs = new Map<number, RuleCosts>([
    [0, { a: 4, b: 6, c: 1, e: 0 }],
    [1, { a: 6, c: 4, d: 2 }],
  ]);
  // a 10 → main; b 6 → worker; c 5 → worker (6 < 10); d 2 → main (11 > 10); e and f cost nothing.
  assert.deepEqual([...assignRules(rules, costs)], [[1, ['b', 'c']]]);
  // Three threads; equal costs go in rule order, to the lower scanner first.
  const three = new Map<number, RuleCosts>([
    [0, { a: 1, b: 1, c: 1, d: 1 }],
    [1, {}],
    [2, {}],
  ]);
  assert.deepEqual([...assignRules(rules, three)], [[1, ['b']], [2, ['c']]]);
  // Alone, the main thread keeps everything.
  assert.deepEqual([...assignRules(rules, new Map([[0, { a: 1 }]]))], []);
});

test('shared evaluation: costs count candidates reaching the rule; spilled ones of a sequence cost as many as its prune keeps, nothing but the untimed when no key opens', () => {
  const sequence = failThenSuccessRule();
  assert.notEqual(sequence.rule.rule_id, 'th');
  const threshold = compile(makeRule({ rule_id: 'th', type: 'threshold', query: 'event.category:authentication', threshold: { field: ['user.name'], value: 2 } })) as StatefulRule;
  assert.ok(sequence.prune && !threshold.prune, 'one pruned rule and one not');
  const run = (count: number, untimed = 0): RunFile => ({ path: '/nonexistent.run', count, heapBytes: count, fileBytes: count, untimed });
  const list = (n: number) => Array.from({ length: n }, (_, line) => ({ doc: {}, file: 'x', line, ts: line }) as Candidate);
  const snapshot: CandidateSnapshot = {
    memory: [
      { ruleId: sequence.rule.rule_id, list: list(3), heapBytes: 3 },
      { ruleId: threshold.rule.rule_id, list: list(5), heapBytes: 5 },
    ],
    runs: [
      { ruleId: sequence.rule.rule_id, runs: [run(400, 2), run(400)] },
      { ruleId: threshold.rule.rule_id, runs: [run(100)] },
    ],
  };
  const rules = [sequence, threshold];
  const seq = sequence.rule.rule_id;
  const th = threshold.rule.rule_id;
  assert.deepEqual(candidateCosts(rules, snapshot, { [seq]: ['["ann"]'] }), { [seq]: 3 + 800 * 0.25, [th]: 105 });
  assert.deepEqual(candidateCosts(rules, snapshot, { [seq]: [] }), { [seq]: 3 + 2, [th]: 105 });
  // Keys unknown (null) or not exchanged: every spilled candidate may be read.
  assert.deepEqual(candidateCosts(rules, snapshot, {})[seq], 3 + 800 * 0.25);
  // The prune kept a quarter of the in-memory list: a quarter of what is read back should reach the rule too.
  snapshot.memory[0].unpruned = 12;
  assert.deepEqual(candidateCosts(rules, snapshot, { [seq]: ['["ann"]'] })[seq], 3 + 800 * (0.25 + 0.75 * 0.25));

  // A worker keeps the lists of its rules and hands over the rest, runs included.
  const kept = keepLists(snapshot, new Set([th]));
  assert.deepEqual(kept.memory.map((m) => [m.ruleId, m.list.length]), [[th, 5]]);
  assert.deepEqual(snapshot.memory.map((m) => m.ruleId), [seq]);
  assert.equal(snapshot.runs.length, 2);
});

/**
 * The steps a hunt reports after its scan: one per stateful rule with candidates, whichever
 * thread evaluates it, then one per evidence file read again for hits' documents.
 */
const recorder = {
  stages: [] as { what: string; total: number; advanced: number; stopped: boolean }[],
  progress(): Progress {
    recorder.stages = [];
    return {
      ...NO_PROGRESS,
      stage(what, total) {
        const s = { what, total, advanced: 0, stopped: false };
        recorder.stages.push(s);
        return { advance: () => s.advanced++, stop: () => (s.stopped = true) };
      },
    };
  },
  check(label: string) {
    const [evaluation, readBack, ...more] = recorder.stages;
    assert.match(evaluation?.what ?? '', /stateful rules/, label);
    assert.ok(evaluation.total >= 4, `${label}: ${JSON.stringify(evaluation)}`);
    assert.equal(evaluation.advanced, evaluation.total, `${label}: every rule counted once`);
    assert.match(readBack?.what ?? '', /read again/, label);
    assert.equal(readBack.advanced, readBack.total, label);
    assert.ok(evaluation.stopped && readBack.stopped, label);
    assert.deepEqual(more, [], label);
  },
};

test('shared evaluation: workers evaluate some stateful rules; hits and warnings are those of one thread, spilled or not', async () => {
  const root = tempDir('share-evaluation');
  try {
    const rules = writeRules(path.join(root, 'rules'), ['newTerms', 'sequence', 'threshold', 'esql', 'query']);
    const evidence = path.join(root, 'evidence');
    const spills = path.join(root, 'spills');
    mkdirSync(evidence);
    mkdirSync(spills);
    // Many files and a 1 MB limit: the main thread, spilling, cannot read them all before the
    // worker (slow to start under tsx) claims some, so the worker has candidates to evaluate.
    await writeEvidence(evidence, 24_000, { users: 300 }, 8);
    // Events without a time: every stateful rule warns that it left them out, so the warnings
    // of rules evaluated by different threads have an order to keep.
    const untimed = ['failure', 'success', 'failure'].map((outcome) => JSON.stringify({ host: { name: 'host-9' }, user: { name: 'user-1' }, event: { category: 'authentication', outcome }, source: { ip: '10.0.0.1' } }));
    writeFileSync(path.join(evidence, 'untimed.ndjson'), `${untimed.join('\n')}\n`);
    const base = { evidence: [evidence], rulePaths: [rules], now: Date.parse('2026-11-21T00:00:00Z'), tempDir: spills, maxMemory: 1024 * 1024 };
    const alone = await hunt({ ...base, workers: 1, progress: recorder.progress });
    assert.equal(alone.evaluatedByWorkers, 0);
    recorder.check('workers=1');
    // Spill counts and the peak memory (past this 1 MB budget) differ with the number of scanners;
    // every other warning is the same, in order.
    const warnings = (r: typeof alone) => r.summary.warnings.filter((w) => !/spilled to disk|^peak memory .* went past/.test(w));
    assert.ok(warnings(alone).filter((w) => /without a usable timestamp/.test(w)).length >= 3, 'several rules warn while evaluated');
    for (const workers of [2, 3]) {
      const shared = await hunt({ ...base, workers, progress: recorder.progress });
      assert.ok(shared.evaluatedByWorkers > 0, `workers=${workers}: no rule was evaluated by a worker`);
      recorder.check(`workers=${workers}`);
      assert.equal(JSON.stringify(shared.hits), JSON.stringify(alone.hits), `workers=${workers}`);
      assert.deepEqual(warnings(shared), warnings(alone), `workers=${workers}`);
      // The summary's figures too, in the same order.
      const figures = (r: typeof alone) => Object.entries(r.summary.stats).filter(([k]) => !k.startsWith('candidate_spill'));
      assert.deepEqual(figures(shared), figures(alone), `workers=${workers}`);
      assert.deepEqual(readdirSync(spills), [], 'every spill file is gone');
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
