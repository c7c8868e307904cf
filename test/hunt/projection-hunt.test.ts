import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { hunt, type HuntOptions } from '../../src/hunt/hunt.js';
import { readBackDocuments, readBackInOrder } from '../../src/hunt/read-back.js';
import { needsShared, sharedPath } from '../helpers/shared.js';
import { RULES, tempDir, writeEvidence } from './evidence-fixtures.js';
import { compile, makeRule } from '../engine/fixtures.js';

const ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const NOW = Date.parse('2026-11-23T00:00:00Z');

/**
 * Hunts twice: under a memory limit small enough that candidates outgrow their share at once
 * (projected, hits read back), and with whole documents and room to spare — and compares.
 */
async function bothWays(o: Omit<HuntOptions, 'projectCandidates'>, maxMemory = 1024 * 1024) {
  const projected = await hunt({ ...o, now: NOW, maxMemory, projectCandidates: true });
  const whole = await hunt({ ...o, now: NOW, projectCandidates: false });
  assert.equal(JSON.stringify(projected.hits), JSON.stringify(whole.hits));
  // The tight limit may also spill or trim rule state (with a warning), and is below what the
  // process needs before any evidence (a warning too); every other warning must be the same.
  const limitless = (w: string[]) => w.filter((x) => !/spilled to disk|memory (limit|share)|^peak memory .* went past --max-memory/.test(x));
  assert.deepEqual(limitless(projected.summary.warnings), limitless(whole.summary.warnings));
  assert.ok((projected.summary.stats['candidate_projected_rules'] ?? 0) > 0, 'candidates were projected');
  assert.equal(whole.summary.stats['candidate_projected_rules'], undefined);
  return projected;
}

test('projected candidates: only once candidates hold a few MB; a small hunt keeps whole documents', async () => {
  const dir = tempDir('projection-roomy');
  try {
    writeFileSync(path.join(dir, 'rule.toml'), RULES.sequence);
    const line = (i: number, outcome: string) =>
      JSON.stringify({ '@timestamp': `2026-01-01T00:00:0${i}Z`, event: { category: 'authentication', outcome }, user: { name: 'dan' } });
    writeFileSync(path.join(dir, 'a.ndjson'), `${line(1, 'failure')}\n${line(2, 'success')}\n`);
    const r = await hunt({ evidence: [dir], rulePaths: [path.join(dir, 'rule.toml')], workers: 1, now: NOW });
    assert.equal(r.hits.length, 1);
    assert.equal(r.summary.stats['candidate_projected_rules'], undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('projected candidates: Elastic corpus hits are identical to whole-document candidates', { skip: needsShared('elastic-rules') }, async () => {
  const dir = tempDir('projection');
  try {
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/gen-evidence.ts', '--size', '3MB', '--out', dir, '--seed', '11', '--gzip-ratio', '0.5'], { cwd: ROOT, stdio: 'ignore' });
    const r = await bothWays({ evidence: [path.join(ROOT, 'samples'), sharedPath('ecs-samples'), dir], rulePaths: [sharedPath('elastic-rules')], workers: 2 });
    const stateful = r.hits.filter((h) => ['eql', 'esql', 'threshold', 'new_terms'].includes(h.rule.type) && (h.event || h.events));
    assert.ok(stateful.length > 0, 'some hits come from projecting rules');
    console.log(`# projection: ${r.hits.length} hits, ${stateful.length} from projecting rules, identical`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** ES|QL rules of every shape: which may keep projections, and the query. */
const ESQL_RULES: { id: string; projects: boolean; query: string }[] = [
  { id: 'rows', projects: true, query: 'FROM logs-* | WHERE user.name == "root" AND event.outcome == "success" | KEEP user.name, host.name' },
  { id: 'stats', projects: true, query: 'FROM logs-* | WHERE event.category == "authentication" | STATS n = COUNT(*) BY user.name | WHERE n >= 5' },
  // _index comes from the data stream fields, which the query itself never names.
  { id: 'index', projects: true, query: 'FROM logs-* METADATA _index | WHERE event.outcome == "failure" | STATS n = COUNT(*) BY _index, source.ip | WHERE n >= 9' },
  // KQL() reads the document by its own field names: those it names are kept, with the query's
  // (a multi-field suffix reads its base field too); a wildcard name may read any. _source is all of it.
  { id: 'kql-named', projects: true, query: 'FROM logs-* | WHERE KQL("user.name.caseless:ROOT and event.outcome:success") | KEEP host.name' },
  { id: 'kql', projects: false, query: 'FROM logs-* | WHERE KQL("user.name:root and event.*:success") | KEEP user.name' },
  { id: 'source', projects: false, query: 'FROM logs-* METADATA _source | WHERE user.name == "root" | KEEP _source' },
];

test('projected candidates: ES|QL rules keep the fields their query reads, or whole documents when it may read any', async () => {
  for (const r of ESQL_RULES) {
    const c = compile(makeRule({ type: 'esql', query: r.query }));
    assert.equal(c.stateful && c.project !== undefined, r.projects, r.id);
  }
  const dir = tempDir('projection-esql');
  try {
    for (const r of ESQL_RULES) {
      const toml = `[metadata]\nmaturity = "production"\n\n[rule]\nrule_id = "esql-${r.id}"\nname = "${r.id}"\ndescription = "d"\nrisk_score = 21\nseverity = "low"\ntype = "esql"\nlanguage = "esql"\nfrom = "now-9m"\ninterval = "5m"\nquery = '''\n${r.query}\n'''\n`;
      writeFileSync(path.join(dir, `${r.id}.toml`), toml);
    }
    const evidence = path.join(dir, 'evidence');
    mkdirSync(evidence);
    await writeEvidence(evidence, 6000, { users: 40 }, 2);
    const r = await bothWays({ evidence: [evidence], rulePaths: [dir], workers: 2 });
    for (const id of ESQL_RULES.map((x) => x.id)) assert.ok(r.hits.some((h) => h.rule.id === `esql-${id}`), `${id} hits`);
    const rows = r.hits.filter((h) => h.rule.id === 'esql-rows');
    assert.ok(rows.every((h) => (h.event as { source?: unknown })?.source !== undefined), 'row hits show whole documents, read back');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * A failed then a successful logon of `user`, for the sequence rule (it joins by user.name). The
 * unread field makes whole documents outgrow a 64 KB limit's candidate share, while projections
 * and sequence state fit.
 */
const authPair = (user: string) =>
  ['failure', 'success'].map((outcome, i) => ({
    '@timestamp': new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    event: { category: 'authentication', outcome },
    user: { name: user },
    host: { name: 'h1' },
    big: { note: `unread field ${i} ${'x'.repeat(20_000)}`, list: [1, 2, 3], id: 'BIG' },
  }));

test('projected candidates: hits show whole documents read back from plain, gzip and JSON-array evidence', async () => {
  const dir = tempDir('projection-formats');
  try {
    writeFileSync(path.join(dir, 'rule.toml'), RULES.sequence);
    const docs = authPair;
    const ndjson = (user: string) => docs(user).map((d) => JSON.stringify(d)).join('\n') + '\n';
    writeFileSync(path.join(dir, 'a.ndjson'), ndjson('alice'));
    writeFileSync(path.join(dir, 'b.ndjson.gz'), gzipSync(ndjson('bob')));
    writeFileSync(path.join(dir, 'c.json'), JSON.stringify(docs('carol')));
    // NDJSON whose second line is a compact _search response: its hits share line 2.
    const response = { took: 3, timed_out: false, hits: { hits: docs('dan').map((d, i) => ({ _index: 'logs-x', _id: `d${i}`, _source: d })) } };
    writeFileSync(path.join(dir, 'd.ndjson'), `${JSON.stringify({ ...docs('erin')[0], event: { category: 'process' } })}\n${JSON.stringify(response)}\n`);
    const r = await bothWays({ evidence: [dir], rulePaths: [path.join(dir, 'rule.toml')], workers: 1 }, 64 * 1024);
    assert.equal(r.hits.length, 4);
    for (const h of r.hits) {
      const user = (h.events?.[0] as { user: { name: string } }).user.name;
      assert.deepEqual(h.events, docs(user), 'the unread fields are back');
    }
    const dan = r.hits.find((h) => (h.events?.[0] as { user: { name: string } }).user.name === 'dan');
    assert.deepEqual(dan?.source, [{ file: path.join(dir, 'd.ndjson'), line: 2 }, { file: path.join(dir, 'd.ndjson'), line: 2 }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readBackInOrder: documents of NDJSON lines (kept as read), _search lines, gzip and JSON arrays, in memory or in the temporary file', async () => {
  const dir = tempDir('projection-in-order');
  try {
    writeFileSync(path.join(dir, 'rule.toml'), RULES.sequence);
    const docs = authPair;
    // An integer beyond 2^53 reads back as its exact decimal text, as the scan read it.
    const ndjson = (user: string) => docs(user).map((d) => JSON.stringify(d).replace('"BIG"', '12345678901234567891')).join('\n') + '\n';
    writeFileSync(path.join(dir, 'a.ndjson'), ndjson('alice'));
    writeFileSync(path.join(dir, 'b.ndjson.gz'), gzipSync(ndjson('bob')));
    writeFileSync(path.join(dir, 'c.json'), JSON.stringify(docs('carol')));
    const response = { took: 3, hits: { hits: docs('dan').map((d, i) => ({ _index: 'logs-x', _id: `d${i}`, _source: d })) } };
    writeFileSync(path.join(dir, 'd.ndjson'), `{"event": {"category": "process"}}\n${JSON.stringify(response)}\n`);
    const o = { evidence: [dir], rulePaths: [path.join(dir, 'rule.toml')], workers: 1, now: NOW };
    const whole = await hunt({ ...o, projectCandidates: false });
    const projected = await hunt({ ...o, maxMemory: 64 * 1024, projectCandidates: true, readBack: false });
    assert.ok(projected.projected?.size, 'candidates were projected');
    assert.equal(whole.hits.length, 4);
    const big = (whole.hits.find((h) => (h.events?.[0] as { user: { name: string } }).user.name === 'alice')?.events?.[0] as { big: { id: unknown } }).big.id;
    assert.equal(big, '12345678901234567891');
    for (const budget of [0, 1024 * 1024]) {
      const missing = { count: 0 };
      const back = [];
      for await (const h of readBackInOrder(projected.hits, projected.projected!, { budget, tempDir: dir, onMissing: (n) => (missing.count += n) })) back.push(h);
      assert.equal(JSON.stringify(back), JSON.stringify(whole.hits), `budget ${budget}`);
      assert.equal(missing.count, 0);
    }
    assert.ok(projected.hits.every((h) => !JSON.stringify(h.events).includes('unread field')), "the hunt's own hits keep their projections");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('projected candidates: evidence changed before read-back leaves the projections, counted', async () => {
  const dir = tempDir('projection-gone');
  try {
    const file = path.join(dir, 'a.ndjson');
    writeFileSync(file, '{"a": 1}\n');
    const hit = {
      rule: { id: 'r', name: 'r', type: 'eql', severity: 'low' as const, risk_score: 1, tags: [], threat: [] },
      timestamp: '',
      events: [{ a: 0 }, { b: 0 }],
      source: [{ file, line: 1 }, { file, line: 2 }],
    };
    assert.equal(await readBackDocuments([hit], new Set(['r'])), 1);
    assert.deepEqual(hit.events, [{ a: 1 }, { b: 0 }]);
    assert.equal(await readBackDocuments([hit], new Set(['other'])), 0, 'only projecting rules are read back');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
