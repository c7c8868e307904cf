import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, runTrawl } from '../helpers/trawl.js';
import { tempDir } from '../helpers/temp.js';

const expected = JSON.parse(readFileSync(path.join(ROOT, 'samples/.expected-hits.json'), 'utf8')) as unknown[];

test('query (KQL): matching documents as NDJSON with @trawl provenance, count on stderr', async () => {
  const r = await runTrawl(['query', 'event.category:process and process.name:xxd', 'samples/']);
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(rows.length, 1);
  assert.deepEqual(rows[0].process.args, ['xxd', '/private/var/db/SystemKey']);
  assert.match(rows[0]['@trawl'].file, /mac-01\/endpoint-events\.ndjson\.gz$/);
  assert.equal(typeof rows[0]['@trawl'].line, 'number');
  assert.match(r.stderr, /^1 match\(es\) in \d+ events from 4 file\(s\)/m);
});

test('query (EQL sequence): one object per match with join keys and ordered events', async () => {
  const q = 'sequence by process.entity_id with maxspan=1m [process where process.name == "python3"] [file where event.action == "open"]';
  const r = await runTrawl(['query', '-l', 'eql', q, 'samples/']);
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(rows.length >= 1);
  for (const m of rows) {
    assert.equal(m.events.length, 2);
    assert.equal(m.join_keys.length, 1);
    assert.equal(m.events[0].process.entity_id, m.join_keys[0]);
    assert.ok(m.events[0]['@trawl'].file);
  }
});

test('query (EQL sequence): the same output within a tight --max-memory and on one thread; bad values exit 2', async () => {
  const q = 'sequence by host.name [process where true] [file where true]';
  const roomy = await runTrawl(['query', '-l', 'eql', q, 'samples/']);
  assert.equal(roomy.code, 0, roomy.stderr);
  assert.ok(roomy.stdout.split('\n').length > 3);
  const tight = await runTrawl(['query', '-l', 'eql', q, 'samples/', '--max-memory', '16KB', '--workers', '1']);
  assert.equal(tight.code, 0, tight.stderr);
  assert.equal(tight.stdout, roomy.stdout);
  assert.match(tight.stderr, /spilled to disk to stay within --max-memory 16 KB/);
  for (const bad of [['--workers', '0'], ['--max-memory', 'lots']]) {
    const r = await runTrawl(['query', '-l', 'eql', q, 'samples/', ...bad]);
    assert.equal(r.code, 2, bad.join(' '));
    assert.match(r.stderr, new RegExp(bad[0]));
  }
});

test('hunt --workers past the cores: honoured, with a note on stderr; not at or below them', async () => {
  const cores = os.availableParallelism();
  const over = await runTrawl(['hunt', 'samples/', '-f', 'json', '--no-progress', '--workers', String(cores + 1)]);
  assert.equal(over.code, 0, over.stderr);
  assert.match(over.stderr, new RegExp(`^trawl: --workers ${cores + 1} on ${cores} core\\(s\\): scanners beyond the cores only compete for them`, 'm'));
  const at = await runTrawl(['hunt', 'samples/', '-f', 'json', '--no-progress', '--workers', String(cores)]);
  assert.equal(at.code, 0, at.stderr);
  assert.doesNotMatch(at.stderr, /scanners beyond the cores/);
  assert.equal(JSON.parse(over.stdout).hits.length, JSON.parse(at.stdout).hits.length);
});

test('query (ES|QL): rows in column order; table output aligned', async () => {
  const q = 'FROM logs-endpoint.events.* | STATS n = COUNT(*) BY host.name | SORT host.name';
  const r = await runTrawl(['query', '-l', 'esql', q, 'samples/']);
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(rows.map((x) => Object.keys(x)), [['n', 'host.name'], ['n', 'host.name'], ['n', 'host.name'], ['n', 'host.name']]);
  assert.deepEqual(rows.map((x) => x['host.name']), ['build-02', 'mac-01', 'mac-02', 'web-01']);
  const t = await runTrawl(['query', '-l', 'esql', q, 'samples/', '-f', 'table']);
  assert.match(t.stdout, /^n\s+host\.name\n-+\s+-+\n/);
});

test('query (ES|QL): no LIMIT prints the first 1,000 rows, as Elasticsearch does, and says how many it left out', async () => {
  const dir = tempDir('esql-limit');
  const line = (i: number) => JSON.stringify({ '@timestamp': new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), event: { category: ['process'] }, n: i });
  writeFileSync(path.join(dir, 'events.ndjson'), Array.from({ length: 1_250 }, (_, i) => line(i)).join('\n'));
  const r = await runTrawl(['query', '-l', 'esql', 'FROM logs-* | SORT n DESC | KEEP n', dir]);
  assert.equal(r.code, 0, r.stderr);
  const ns = r.stdout.trim().split('\n').map((l) => JSON.parse(l).n);
  assert.equal(ns.length, 1_000);
  assert.deepEqual([ns[0], ns[999]], [1_249, 250]);
  assert.match(r.stderr, /warning: the query has no LIMIT: printed the first 1000 of 1250 rows.*"\| LIMIT n" for more/);
  const all = await runTrawl(['query', '-l', 'esql', 'FROM logs-* | KEEP n | LIMIT 5000', dir]);
  assert.equal(all.stdout.trim().split('\n').length, 1_250);
  assert.doesNotMatch(all.stderr, /no LIMIT/);
});

test('query -f table: aligned on the first 1,000 rows, later rows streamed in the same columns', async () => {
  const dir = tempDir('table-stream');
  const line = (i: number) => JSON.stringify({ '@timestamp': new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), event: { category: 'process' }, n: i % 500, s: i === 1_100 ? 'a-much-longer-value' : 'v' });
  writeFileSync(path.join(dir, 'events.ndjson'), Array.from({ length: 1_200 }, (_, i) => line(i)).join('\n'));
  const r = await runTrawl(['query', 'event.category:process', dir, '-f', 'table', '--fields', 'n,s']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 2 + 1_200);
  assert.match(lines[0], /^n\s+s\s+source$/);
  // Every row's cells start where the header's do, the later rows' included.
  const at = [lines[0].indexOf('s '), lines[0].indexOf('source')];
  for (const l of [lines[2], lines[1_001], lines[1_201]]) assert.deepEqual([l[at[0] - 1], l[at[0]]], [' ', 'v'], l);
  assert.match(lines[1_102], /^100  a-much-longer-value  \S+events\.ndjson:1101$/, "a wider cell pushes the rest of its row right");
  // A short table is aligned on all its rows, as before.
  const short = await runTrawl(['query', '@timestamp < "2026-01-01T00:00:03Z"', dir, '-f', 'table', '--fields', 'n,s']);
  assert.equal(short.stdout, 'n  s  source\n-  -  ' + '-'.repeat(`${dir}/events.ndjson:1`.length) + `\n0  v  ${dir}/events.ndjson:1\n1  v  ${dir}/events.ndjson:2\n2  v  ${dir}/events.ndjson:3\n`);
});

test('a query syntax error exits 2 with line, column and a caret', async () => {
  const r = await runTrawl(['query', 'process.name:(a or b', 'samples/']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /kuery:1:\d+: .*\n  process\.name:\(a or b\n\s+\^/);
});

test('rules check: the stable JSON report; errors carry TOML positions and exit 2', async () => {
  const ok = await runTrawl(['rules', 'check', 'rules/', '-f', 'json']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(JSON.parse(ok.stdout), { total: 4, compiled: 4, unsupported: [], errors: [] });
  const dir = tempDir('rules');
  copyFileSync(path.join(ROOT, 'rules/credential_access_systemkey_access_via_command_line.toml'), path.join(dir, 'good.toml'));
  writeFileSync(
    path.join(dir, 'bad.toml'),
    '[metadata]\nmaturity = "production"\n\n[rule]\nrule_id = "bad-1"\nname = "Broken"\ndescription = "x"\nrisk_score = 21\nseverity = "low"\ntype = "query"\nlanguage = "kuery"\nindex = ["logs-*"]\nquery = \'\'\'\nprocess.name:(a or\n\'\'\'\n',
  );
  const bad = await runTrawl(['rules', 'check', dir, '-f', 'json']);
  assert.equal(bad.code, 2);
  const report = JSON.parse(bad.stdout);
  assert.equal(report.total, 2);
  assert.equal(report.compiled, 1);
  assert.equal(report.errors.length, 1);
  assert.equal(report.errors[0].rule_id, 'bad-1');
  assert.equal(report.errors[0].line, 14);
  assert.equal(typeof report.errors[0].column, 'number');
});

test('hunt -f json: the planted hits and a summary; exit 0 on clean input', async () => {
  const r = await runTrawl(['hunt', 'samples/', '-f', 'json', '--no-progress', '--workers', '1']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.hits.length, expected.length);
  assert.equal(out.summary.files, 4);
  assert.equal(out.summary.rules.compiled, 4);
  assert.match(r.stderr, /hits:\s+\d+/);
});

test('hunt over input with a bad line still reports the hits and exits 1', async () => {
  const dir = tempDir('bad');
  const lines = readFileSync(path.join(ROOT, 'samples/mac-02/events.ndjson'), 'utf8').split('\n');
  lines.splice(3, 0, '{"truncated": ');
  writeFileSync(path.join(dir, 'events.ndjson'), lines.join('\n'));
  const r = await runTrawl(['hunt', dir, '-f', 'ndjson', '--no-progress']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout.trim().split('\n').length, 1, 'the keychain hit on mac-02 is still found');
  assert.match(r.stderr, /skipped: 1 malformed-json/);
  assert.match(r.stderr, /events\.ndjson:4: /);
});

test('hunt --rule-id: an id no loaded rule has is reported and exits 2; the known ids still run', async () => {
  const systemKey = 'd75991f2-b989-419d-b797-ac1e54ec2d61';
  const r = await runTrawl(['hunt', 'samples/', '-f', 'json', '--no-progress', '--workers', '1', '--rule-id', `${systemKey},no-such-rule`]);
  assert.equal(r.code, 2, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.summary.rules.compiled, 1);
  assert.ok(out.hits.length > 0 && out.hits.every((h: { rule: { id: string } }) => h.rule.id === systemKey));
  assert.deepEqual(
    out.summary.rules.failed.map((f: { file: string; rule_id: string }) => [f.file, f.rule_id]),
    [['--rule-id', 'no-such-rule']],
  );
  assert.match(r.stderr, /error {2}--rule-id: no rule with id no-such-rule among the rules loaded from /);
});
