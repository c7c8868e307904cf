import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, readdirSync, statSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { hunt } from '../../src/hunt/hunt.js';
import { readBackDocuments, readBackInOrder } from '../../src/hunt/read-back.js';
import { runQuery, type QueryOptions, type QueryOutput, type QueryStats } from '../../src/hunt/run-query.js';
import { SkipLedger } from '../../src/input/skips.js';
import { ruleOfQuery } from '../../src/rules/index.js';
import { tempDir } from '../helpers/temp.js';
import { ROOT } from '../helpers/trawl.js';

const NOW = Date.parse('2026-11-23T00:00:00Z');

/** Generated Defend evidence, half of it gzip, with a malformed line to be skipped and reported. */
function evidence(): string {
  const dir = tempDir('query-sequences');
  // The generator writes one file below 8 MB: a plain one and a gzip one, of different seeds.
  for (const [seed, gzip] of [['5', '0'], ['6', '1']]) {
    const out = path.join(dir, `seed-${seed}`);
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/gen-evidence.ts', '--size', '2MB', '--out', out, '--seed', seed, '--gzip-ratio', gzip], { cwd: ROOT, stdio: 'ignore' });
  }
  appendFileSync(path.join(dir, 'seed-5', 'evidence-000.ndjson'), '{"@timestamp": "2026-11-20T00:00:00Z", "event": \n');
  return dir;
}

async function run(o: Omit<QueryOptions, 'language' | 'now'>) {
  const stats: QueryStats = { files: 0, bytes: 0, events: 0, ledger: new SkipLedger(), warnings: [] };
  const out: QueryOutput[] = [];
  for await (const m of runQuery({ language: 'eql', now: NOW, timestampField: '@timestamp', eventCategoryField: 'event.category', ...o }, stats)) out.push(m);
  return { out: JSON.stringify(out), count: out.length, stats };
}

const QUERIES = [
  'sequence by host.id [process where event.type == "start"] [network where true]',
  'sequence by host.id with maxspan=1h [process where process.name != null] [file where true] | tail 7',
  'sample by host.id [process where true] [network where true]',
];

test('trawl query: EQL sequences and samples through the hunt engine print what the in-memory run printed, within any --max-memory and on any number of threads', async () => {
  const dir = evidence();
  for (const query of QUERIES) {
    // A mapping that maps nothing keeps the query on its in-memory path: every kept event held whole.
    const reference = await run({ query, evidence: [dir], mappingFor: () => undefined });
    assert.ok(reference.count > 0, `${query}: matches`);
    assert.ok(reference.stats.ledger.byKind['malformed-json'], 'the malformed line is reported');
    for (const o of [{ workers: 1 }, { workers: 2 }, { workers: 1, maxMemory: 1 << 20 }, { workers: 2, maxMemory: 1 << 20 }, { workers: 1, maxMemory: 64 << 10 }]) {
      const r = await run({ query, evidence: [dir], ...o });
      // Only the hunt engine spills what it keeps: the in-memory path has no such limit.
      if (o.maxMemory === 64 << 10) assert.ok(r.stats.warnings.some((w) => /spilled to disk/.test(w)), r.stats.warnings.join('; '));
      assert.equal(r.out, reference.out, `${query} ${JSON.stringify(o)}`);
      assert.equal(r.stats.events, reference.stats.events);
      assert.equal(r.stats.files, reference.stats.files);
      assert.deepEqual(r.stats.ledger.byKind, reference.stats.ledger.byKind);
    }
  }
});

test('readBackInOrder: the hits read back in their order, documents past the budget kept in a temporary file that goes with the last hit', async () => {
  const dir = evidence();
  const rule = ruleOfQuery({ type: 'eql', language: 'eql', query: QUERIES[0] });
  const projectedHunt = () => hunt({ evidence: [dir], rulePaths: [], rules: [rule], now: NOW, workers: 1, maxMemory: 1 << 20, readBack: false, evaluationOrder: true });
  const a = await projectedHunt();
  assert.ok(a.projected?.has(rule.rule_id), 'the hits hold projections');
  const projections = JSON.stringify(a.hits);
  const b = await projectedHunt();
  assert.equal(await readBackDocuments(b.hits, b.projected!), 0);

  const temp = tempDir('read-back-vault');
  const streamed = [];
  let spilled = 0;
  for await (const h of readBackInOrder(a.hits, a.projected!, { budget: 4096, tempDir: temp })) {
    streamed.push(h);
    for (const d of readdirSync(temp)) spilled = Math.max(spilled, statSync(path.join(temp, d, 'documents')).size);
  }
  assert.equal(JSON.stringify(streamed), JSON.stringify(b.hits));
  assert.ok(spilled > 100_000, `documents past the budget went to the file (${spilled} bytes)`);
  assert.deepEqual(readdirSync(temp), [], 'the temporary file is gone');
  assert.equal(JSON.stringify(a.hits), projections, 'the list given keeps its projections');
});

test('readBackInOrder: documents no longer in the evidence are counted, and their hits keep the projection', async () => {
  const dir = evidence();
  const rule = ruleOfQuery({ type: 'eql', language: 'eql', query: QUERIES[0] });
  const r = await hunt({ evidence: [dir], rulePaths: [], rules: [rule], now: NOW, workers: 1, maxMemory: 1 << 20, readBack: false });
  const plain = [path.join(dir, 'seed-5', 'evidence-000.ndjson')];
  const inPlain = r.hits.filter((h) => (h.source as { file: string }[]).some((s) => plain.includes(s.file)));
  assert.ok(inPlain.length > 0);
  for (const f of plain) truncateSync(f, 0);
  const missing = { count: 0 };
  let kept = 0;
  for await (const h of readBackInOrder(r.hits, r.projected!, { budget: 1 << 20, onMissing: (n) => (missing.count += n) })) {
    if (h.events!.some((d) => Object.keys(d).length < 5)) kept++;
  }
  assert.ok(missing.count >= inPlain.length, `${missing.count} missing`);
  assert.ok(kept >= inPlain.length);
});
