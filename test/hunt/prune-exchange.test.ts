import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Candidate } from '../../src/engine/compiled-rule.js';
import type { CandidateSnapshot } from '../../src/engine/candidates/index.js';
import { hunt } from '../../src/hunt/hunt.js';
import { localPruneKeys, pruneSnapshot, unionPruneKeys } from '../../src/hunt/prune-exchange.js';
import { failThenSuccessRule, RULES, tempDir } from './evidence-fixtures.js';

const NOW = Date.parse('2026-11-23T00:00:00Z');
const rule = failThenSuccessRule();

let line = 0;
const cand = (user: string, outcome: string, timed = true): Candidate => ({
  doc: { '@timestamp': '2026-01-01T00:00:00Z', event: { category: 'authentication', outcome }, user: { name: user } },
  file: 'x.ndjson',
  line: ++line,
  ts: timed ? 1000 + line : undefined,
});
/** `openings`: the keys of a spilled run (undefined: a run that did not keep them). */
const snapshot = (list: Candidate[], spilled?: { openings?: string[] }): CandidateSnapshot => ({
  memory: [{ ruleId: rule.rule.rule_id, list, heapBytes: 100 * list.length }],
  runs: spilled ? [{ ruleId: rule.rule.rule_id, runs: [{ path: '/nonexistent.run', count: 1, heapBytes: 100, fileBytes: 100, untimed: 0, ...spilled }] }] : [],
});

test('prune exchange: a scanner keeps the later-stage events of keys another scanner opened', () => {
  // This scanner saw only successes; the failure that opens "ann" was read by another one.
  const here = snapshot([cand('ann', 'success'), cand('bob', 'success'), cand('bob', 'success', false)]);
  const there = snapshot([cand('ann', 'failure')]);
  const keys = unionPruneKeys([localPruneKeys([rule], here), localPruneKeys([rule], there)]);
  assert.deepEqual(keys, { [rule.rule.rule_id]: ['["ann"]'] });
  pruneSnapshot([rule], here, keys);
  // bob's timed success can matter to nobody; his untimed one stays to be counted.
  assert.deepEqual(here.memory[0].list.map((c) => [c.doc['user'], c.ts === undefined]), [[{ name: 'ann' }, false], [{ name: 'bob' }, true]]);
  assert.equal(here.memory[0].heapBytes, 200);
  assert.equal(here.memory[0].unpruned, 3, 'how long the list was, for the evaluation cost (share-evaluation.ts)');
});

test('prune exchange: the keys of a spilled run count; a run without them leaves the rule unpruned everywhere', () => {
  const here = snapshot([cand('bob', 'success'), cand('cid', 'success')]);
  const spilled = snapshot([cand('dan', 'failure')], { openings: ['["bob"]'] });
  const keys = unionPruneKeys([localPruneKeys([rule], here), localPruneKeys([rule], spilled)]);
  assert.deepEqual(keys[rule.rule.rule_id]?.sort(), ['["bob"]', '["dan"]']);
  pruneSnapshot([rule], here, keys);
  assert.deepEqual(here.memory[0].list.map((c) => c.doc['user']), [{ name: 'bob' }]);

  const unknown = snapshot([], {});
  const there = snapshot([cand('eve', 'success')]);
  const none = unionPruneKeys([localPruneKeys([rule], there), localPruneKeys([rule], unknown)]);
  assert.deepEqual(none, { [rule.rule.rule_id]: null });
  pruneSnapshot([rule], there, none);
  assert.equal(there.memory[0].list.length, 1);
});

test('prune exchange: hunts with 1, 2 and 3 workers give the same hits when openers and followers are in different files', async () => {
  const dir = tempDir('prune-exchange');
  try {
    writeFileSync(path.join(dir, 'rule.toml'), RULES.sequence);
    const ev = (s: number, user: string, outcome: string, pad = '') =>
      JSON.stringify({ '@timestamp': `2026-01-01T00:00:${String(s).padStart(2, '0')}Z`, event: { category: 'authentication', outcome }, user: { name: user }, pad });
    // File k opens user k and holds the only follower of user k+1: whenever more than one
    // scanner reads files, some sequence needs a key opened in another scanner's file. (Which
    // scanners take part depends on how fast workers start: under tsx the main thread may read
    // everything; the unit tests above pin the exchange itself.) Successes of users nobody
    // opened pad the files and are what pruning drops.
    const files = 6;
    const pad = 'p'.repeat(2000);
    for (let k = 0; k < files; k++) {
      const lines = [ev(1, `o${k}`, 'failure'), ev(2, `o${(k + 1) % files}`, 'success')];
      for (let i = 0; i < 1500; i++) lines.push(ev(3, `x${k}-${i}`, 'success', pad));
      writeFileSync(path.join(dir, `f${k}.ndjson`), `${lines.join('\n')}\n`);
    }
    const runs = [];
    for (const workers of [1, 2, 3]) runs.push(await hunt({ evidence: [dir], rulePaths: [path.join(dir, 'rule.toml')], workers, now: NOW }));
    assert.equal(runs[0].hits.length, files);
    for (const r of runs.slice(1)) assert.equal(JSON.stringify(r.hits), JSON.stringify(runs[0].hits));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
