import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';
import { compileEsql, type EsqlQuery } from '../../src/lang/esql/index.js';
import { satisfies, type Discriminator } from '../../src/lang/discriminator.js';
import { readEvidenceFile, SkipLedger } from '../../src/input/index.js';
import { needsShared, sharedPath, tomlFiles } from '../helpers/shared.js';

const NOW = Date.UTC(2026, 0, 1);
const q = (s: string): EsqlQuery => compileEsql(`FROM logs-* | ${s}`, { now: NOW });
/** Discriminators as compact strings: field=exact|prefix*|*suffix|*infix*, alternatives joined by " / ". */
const show = (ds: Discriminator[]) =>
  ds.map((d) =>
    d
      .map((p) => `${p.field}=${[...p.exact, ...p.prefixes.map((x) => `${x}*`), ...p.suffixes.map((x) => `*${x}`), ...p.infixes.map((x) => `*${x}*`)].join('|')}`)
      .join(' / '),
  );

test('leaves: ==, IN, LIKE, STARTS_WITH, ENDS_WITH, TO_LOWER', () => {
  assert.deepEqual(show(q('WHERE process.name == "Bash"').discriminators), ['process.name=bash']);
  assert.deepEqual(show(q('WHERE "sh" == process.name').discriminators), ['process.name=sh']);
  assert.deepEqual(show(q('WHERE process.name IN ("sh", "Bash", null)').discriminators), ['process.name=sh|bash']);
  assert.deepEqual(show(q('WHERE process.name LIKE "py*"').discriminators), ['process.name=py*']);
  assert.deepEqual(show(q('WHERE process.name LIKE ("*.EXE", "x\\\\*y*")').discriminators), ['process.name=x*y*|*.exe']);
  assert.deepEqual(show(q('WHERE STARTS_WITH(file.path, "/tmp/") AND ENDS_WITH(file.name, ".so")').discriminators), ['file.path=/tmp/*', 'file.name=*.so']);
  assert.deepEqual(show(q('WHERE TO_LOWER(process.name) == "cmd.exe"').discriminators), ['process.name=cmd.exe']);
  assert.deepEqual(show(q('WHERE TO_LOWER(process.name) LIKE "power*"').discriminators), ['process.name=power*']);
  assert.deepEqual(show(q('WHERE process.name =~ "CMD.exe"').discriminators), ['process.name=cmd.exe']);
});

test('AND concatenates, OR offers unions over different fields, NOT and RLIKE give nothing', () => {
  assert.deepEqual(show(q('WHERE host.os.type == "linux" AND event.type == "start"').discriminators), ['host.os.type=linux', 'event.type=start']);
  assert.deepEqual(show(q('WHERE host.os.type == "linux" | WHERE process.name IN ("a", "b")').discriminators), ['host.os.type=linux', 'process.name=a|b']);
  assert.deepEqual(
    show(q('WHERE (process.name == "a" AND process.args IN ("x", "y", "z")) OR (file.name LIKE "b*" AND user.name == "u")').discriminators),
    ['process.name=a / user.name=u', 'process.args=x|y|z / file.name=b*'],
  );
  // KQL("…") contributes the KQL query's own conditions
  assert.deepEqual(show(q('WHERE KQL("process.name:(a or b)") OR user.name == "u"').discriminators), ['process.name=a|b / user.name=u']);
  assert.deepEqual(show(q('WHERE process.name == "a" OR process.name == "b"').discriminators), ['process.name=a|b']);
  assert.deepEqual(q('WHERE process.name == "a" OR user.id IS NOT NULL').discriminators, []);
  assert.deepEqual(q('WHERE NOT process.name == "a"').discriminators, []);
  assert.deepEqual(q('WHERE process.name != "a"').discriminators, []);
  assert.deepEqual(q('WHERE process.name NOT IN ("a")').discriminators, []);
  assert.deepEqual(q('WHERE process.name NOT LIKE "a*"').discriminators, []);
  assert.deepEqual(q('WHERE process.name RLIKE "a.*"').discriminators, []);
  assert.deepEqual(q('WHERE process.name LIKE "*"').discriminators, []);
  assert.deepEqual(show(q('WHERE process.name LIKE "*a*"').discriminators), ['process.name=*a*']);
  // an escaped star is a literal character of the run
  assert.deepEqual(show(q('WHERE process.name LIKE "*ab\\\\*cd*e*"').discriminators), ['process.name=*ab*cd*']);
});

test('CASE is true only through a branch whose value can be true', () => {
  assert.deepEqual(show(q('WHERE CASE(process.name == "a", true, file.name LIKE "b*", true, false)').discriminators), ['process.name=a / file.name=b*']);
  // the flag idiom: EVAL a CASE, then WHERE on it
  assert.deepEqual(show(q('EVAL f = CASE(process.name IN ("a", "b"), true, false) | WHERE f').discriminators), ['process.name=a|b']);
  // a branch whose value is an expression needs its condition and its value
  assert.deepEqual(show(q('WHERE CASE(process.name == "a", user.name == "u", false)').discriminators), ['process.name=a', 'user.name=u']);
  // false and null branches never make it true; a true default admits anything
  assert.deepEqual(show(q('WHERE CASE(process.name == "a", false, user.name == "u")').discriminators), ['user.name=u']);
  assert.deepEqual(q('WHERE CASE(process.name == "a", true, true)').discriminators, []);
  assert.deepEqual(q('WHERE CASE(process.name == "a", true, user.id > 3, true, false)').discriminators, []);
  // the contract, on documents each branch accepts or refuses (multi-valued conditions count as false)
  const docs = [{}, { process: { name: 'a' } }, { process: { name: ['x', 'a'] } }, { file: { name: 'bob' } }, { user: { name: 'u' } }, { process: { name: 'a' }, user: { name: 'u' } }, { user: { id: 7 } }];
  for (const w of [
    'WHERE CASE(process.name == "a", true, file.name LIKE "b*", true, false)',
    'WHERE CASE(process.name == "a", user.name == "u", false)',
    'WHERE CASE(process.name == "a", false, user.name == "u")',
    'WHERE CASE(process.name == "a", true, user.id > 3, true, false)',
  ]) {
    const x = q(w);
    let passed = 0;
    for (const d of docs) {
      if (!x.prefilter(d)) continue;
      passed++;
      for (const disc of x.discriminators) assert.ok(satisfies(d, disc), `${w} passes ${JSON.stringify(d)} but fails ${show([disc])[0]}`);
    }
    assert.ok(passed > 0, `${w} passes none of the documents`);
  }
});

test('no discriminators where type coercion or case folding could let other text match', () => {
  // a numeric field equals "1.0"; an IP field is compared as an address; dates are parsed
  for (const w of ['user.id == "0"', 'user.id IN ("33", "x")', 'x == "1e3"', 'x == "true"', 'x == "10.0.0.1"', 'x == "2026-01-01"', 'x == "::1"', '@timestamp == "2026-01-01T00:00:00Z"', 'source.ip == "1.2.3.4"']) {
    assert.deepEqual(q(`WHERE ${w}`).discriminators, [], w);
  }
  // numbers compare by their text under TO_LOWER and LIKE: safe
  assert.deepEqual(show(q('WHERE TO_LOWER(user.id) == "0"').discriminators), ['user.id=0']);
  // TO_UPPER: "ſ" upper-cases to "S" (also ı→I, ǰ→J̌, ligatures…): literals with such letters could match
  // text the index folds differently
  assert.deepEqual(show(q('WHERE TO_UPPER(process.name) IN ("CMD.EXE", "DOCKER")').discriminators), ['process.name=cmd.exe|docker']);
  assert.deepEqual(q('WHERE TO_UPPER(process.name) == "SH"').discriminators, []);
  const up = q('WHERE TO_UPPER(process.name) == "SH"');
  assert.equal(up.prefilter({ process: { name: 'ſh' } }), true);
  // objects read as "[object Object]"
  assert.deepEqual(q('WHERE x LIKE "[object*"').discriminators, []);
});

test('EVAL aliases, RENAME and MV_EXPAND: conditions traced back to source fields', () => {
  const a = q('EVAL pname = TO_LOWER(process.name), cl = process.command_line | WHERE pname LIKE "python*" AND cl LIKE "*-c*"');
  assert.deepEqual(show(a.discriminators), ['process.name=python*', 'process.command_line=*-c*']);
  assert.equal(a.prefilter({ process: { name: 'Python3', command_line: 'python3 -c x' } }), true);
  assert.equal(a.prefilter({ process: { name: 'Python3', command_line: 'python3 x' } }), false);
  // an EVAL that computes a value the index cannot see emits nothing but still prefilters
  const b = q('EVAL n = CONCAT(process.name, "x") | WHERE n == "shx"');
  assert.deepEqual(b.discriminators, []);
  assert.equal(b.prefilter({ process: { name: 'sh' } }), true);
  assert.equal(b.prefilter({ process: { name: 'bash' } }), false);
  // a shadowed field is not the source field any more
  const c = q('EVAL process.name = "sh" | WHERE process.name == "sh"');
  assert.deepEqual(c.discriminators, []);
  assert.equal(c.prefilter({}), true);
  const d = q('RENAME process.name AS p | WHERE p == "sh"');
  assert.deepEqual(show(d.discriminators), ['process.name=sh']);
  const e = q('MV_EXPAND event.action | WHERE event.action == "exec" AND host.os.type == "linux"');
  assert.deepEqual(show(e.discriminators), ['event.action=exec', 'host.os.type=linux']);
  assert.equal(e.prefilter({ event: { action: ['fork', 'exec'] }, host: { os: { type: 'linux' } } }), true);
  assert.equal(e.prefilter({ event: { action: ['fork', 'end'] }, host: { os: { type: 'linux' } } }), false);
  // without MV_EXPAND a multi-value is null in a comparison
  assert.equal(q('WHERE event.action == "exec"').prefilter({ event: { action: ['fork', 'exec'] } }), false);
  // DISSECT / GROK outputs and metadata are not source fields; a WHERE after STATS is not per event
  assert.deepEqual(q('DISSECT message "%{process.name} x" | WHERE process.name == "sh"').discriminators, []);
  assert.deepEqual(q('WHERE _index == "x"').discriminators, []);
  const s = q('STATS c = COUNT(*) BY process.name | WHERE process.name == "sh"');
  assert.deepEqual(s.discriminators, []);
  assert.equal(s.prefilter({ process: { name: 'ls' } }), true);
  // rows a LIMIT picked are filtered after it: filtering events first would pick other rows
  const l = q('WHERE a == "x" | SORT b | LIMIT 3 | WHERE c == "y"');
  assert.deepEqual(show(l.discriminators), ['a=x']);
  assert.equal(l.prefilter({ a: 'x', c: 'z' }), true);
  // DROP then re-create
  assert.deepEqual(q('DROP process.name | EVAL process.name = user.name | WHERE process.name == "root"').discriminators.length, 1);
  assert.deepEqual(show(q('DROP process.name | EVAL process.name = user.name | WHERE process.name == "root"').discriminators), ['user.name=root']);
});

test('prefilter keeps ES|QL semantics: nulls, single-element arrays, numbers', () => {
  const p = q('WHERE process.name IN ("sh", "bash") AND user.id == 0 AND process.args LIKE "-c"').prefilter;
  assert.equal(p({ process: { name: ['sh'], args: '-c' }, user: { id: '0' } }), true);
  assert.equal(p({ process: { name: 'sh', args: '-c' }, user: { id: 0 } }), true);
  assert.equal(p({ process: { name: 'sh', args: '-c' } }), false);
  assert.equal(p({ process: { name: 'zsh', args: '-c' }, user: { id: 0 } }), false);
  assert.equal(p({ process: { name: 'sh', args: ['-c', 'x'] }, user: { id: 0 } }), false);
  assert.equal(q('WHERE x == "5"').prefilter({ x: 5 }), true);
  assert.equal(q('WHERE x IS NULL OR x == "a"').prefilter({}), true);
});

test('groupColumns: the final STATS BY columns as the result names them', () => {
  assert.equal(q('WHERE a == "x"').groupColumns, undefined);
  assert.deepEqual(q('STATS c = COUNT(*)').groupColumns, []);
  assert.deepEqual(q('STATS c = COUNT(*) BY host.name, user.name').groupColumns, ['host.name', 'user.name']);
  assert.deepEqual(q('EVAL w = DATE_TRUNC(1 hour, @timestamp) | STATS c = COUNT(*) BY w, h = host.name | RENAME h AS host | SORT c DESC | KEEP host, w, c').groupColumns, ['w', 'host']);
  assert.deepEqual(q('STATS c = COUNT(*) BY host.name | WHERE c > 3 | EVAL d = c * 2').groupColumns, ['host.name']);
  assert.equal(q('STATS c = COUNT(*) BY host.name | KEEP c').groupColumns, undefined);
  assert.equal(q('STATS c = COUNT(*) BY host.name | EVAL host.name = "x"').groupColumns, undefined);
  assert.equal(q('STATS c = COUNT(*) BY host.name | RENAME c AS host.name').groupColumns, undefined);
  assert.deepEqual(q('STATS c = COUNT(*) BY host.name | STATS n = COUNT(*) BY c').groupColumns, ['c']);
  assert.deepEqual(q('STATS c = COUNT(*) BY BUCKET(@timestamp, 1 hour)').groupColumns, ['BUCKET(@timestamp, 1 hour)']);
  // a shadowed grouping is dropped (with a warning): the last definition of a name groups
  assert.deepEqual(q('STATS c = COUNT(*) BY x = host.name, x = user.name').groupColumns, ['x']);
  assert.deepEqual(q('STATS host.name = COUNT(*) BY host.name').groupColumns, ['host.name']);
});

// ---------------------------------------------------------------------------------------------
// Necessity on real data: every ES|QL rule of the corpus over the sample documents.


async function sampleDocs(): Promise<Record<string, unknown>[]> {
  const docs: Record<string, unknown>[] = [];
  const ecs = sharedPath('ecs-samples');
  for (const f of readdirSync(ecs).filter((x) => x.endsWith('.json')).sort()) docs.push(JSON.parse(readFileSync(path.join(ecs, f), 'utf8')));
  const samples = path.resolve(fileURLToPath(new URL('../../samples', import.meta.url)));
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ndjson|json)(\.gz)?$/.test(e) && !e.startsWith('.')) files.push(p);
    }
  };
  walk(samples);
  const ledger = new SkipLedger();
  for (const f of files) for await (const batch of readEvidenceFile(f, { ledger })) for (const ev of batch) docs.push(ev.doc);
  return docs;
}

test('corpus: prefilter(doc) implies every discriminator, on every sample document', { skip: needsShared('elastic-rules') || needsShared('ecs-samples') }, async () => {
  const docs = await sampleDocs();
  assert.ok(docs.length > 1000, `expected the bundled samples, found ${docs.length} documents`);
  const root = sharedPath('elastic-rules');
  let rules = 0;
  let withDisc = 0;
  let passing = 0;
  const violations: string[] = [];
  for (const dir of ['rules', 'rules_building_block']) {
    for (const f of tomlFiles(path.join(root, dir))) {
      const doc = parse(readFileSync(f, 'utf8')) as { rule?: { type?: string; query?: string } };
      if (doc.rule?.type !== 'esql' || typeof doc.rule.query !== 'string') continue;
      let query: EsqlQuery;
      try {
        query = compileEsql(doc.rule.query, { now: NOW });
      } catch {
        continue; // unsupported offline: elastic-rules.test.ts accounts for these
      }
      rules++;
      if (query.discriminators.length) withDisc++;
      for (const d of docs) {
        if (!query.prefilter(d)) continue;
        passing++;
        for (const disc of query.discriminators) {
          if (!satisfies(d, disc)) violations.push(`${path.basename(f)}: ${show([disc])[0]} fails on ${JSON.stringify(d).slice(0, 200)}`);
        }
      }
    }
  }
  console.log(`ES|QL discriminators: ${withDisc} of ${rules} corpus rules have at least one; ${docs.length} documents, ${passing} prefilter passes checked`);
  assert.deepEqual(violations.slice(0, 20), []);
  assert.ok(withDisc > rules / 2, `only ${withDisc} of ${rules} rules got a discriminator`);
});
