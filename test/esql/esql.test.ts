import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { compileEsql } from '../../src/lang/esql/index.js';
import { parseIp4 } from '../../src/lang/esql/types.js';
import { QueryError } from '../../src/lang/query-error.js';
import { needsShared, sharedPath } from '../helpers/shared.js';

const run = (q: string, docs: Record<string, unknown>[], now = Date.UTC(2026, 0, 1)) => {
  const ex = compileEsql(q, { now }).createExecutor();
  for (const d of docs) ex.push(d, { _id: 'id', _index: 'logs-x' });
  return ex.finish();
};

const seedQuery = () => {
  const dir = sharedPath('seeds');
  const f = readdirSync(dir).find((x) => x.startsWith('002_'))!;
  const text = readFileSync(`${dir}/${f}`, 'utf8');
  return text.slice(text.indexOf("query = '''") + 11, text.lastIndexOf("'''"));
};

test('seed rule 002 (python shell commands) over crafted docs', { skip: needsShared('seeds') }, () => {
  const cmds = ['grep x', 'find /', 'curl a', 'env -i', 'wget b', 'whoami'];
  const doc = (i: number, cmd: string) => ({
    '@timestamp': `2026-01-01T10:00:${String(10 + i).padStart(2, '0')}Z`,
    host: { os: { type: 'linux' }, name: 'h1' },
    event: { type: 'start', action: 'exec' },
    agent: { id: 'a1' },
    process: { name: 'sh', args: ['sh', '-c', cmd], command_line: `sh -c ${cmd}`, parent: { name: 'Python3', entity_id: 'p1' } },
  });
  const r = run(seedQuery(), cmds.map((c, i) => doc(i, c)));
  assert.equal(r.rows.length, 1);
  const row = Object.fromEntries(r.columns.map((c, i) => [c.name, r.rows[0].values[i]]));
  assert.equal(row['Esql.process_command_line_count_distinct'], 6);
  assert.equal(row['Esql.patterns_count_distinct'], 6);
  assert.equal(row['Esql.time_window_date_trunc'], '2026-01-01T10:00:00.000Z');
  assert.equal(row['process.parent.entity_id'], 'p1');
});

test('seed rule 002 compiles and exposes its metadata', { skip: needsShared('seeds') }, () => {
  const q = compileEsql(seedQuery());
  assert.deepEqual(q.sources, ['logs-endpoint.events.process-*']);
  assert.deepEqual(q.metadata, ['_id', '_version', '_index']);
  assert.equal(q.aggregating, true);
  assert.equal(q.timeBucketField, '@timestamp');
});

test('STATS with DATE_TRUNC through EVAL: columns, order, timeBucketField, prefilter', () => {
  const q = compileEsql('FROM logs-* | WHERE process.name IN ("sh", "bash") | EVAL w = DATE_TRUNC(1 minute, @timestamp) | STATS c = COUNT(*), d = COUNT_DISTINCT(process.args) BY w, host.name | SORT c DESC');
  assert.equal(q.timeBucketField, '@timestamp');
  assert.equal(q.prefilter({ process: { name: 'sh' } }), true);
  assert.equal(q.prefilter({ process: { name: 'ls' } }), false);
  const ex = q.createExecutor();
  ex.push({ '@timestamp': '2026-01-01T00:00:10Z', process: { name: 'sh', args: ['a', 'b'] }, host: { name: 'h' } }, {});
  ex.push({ '@timestamp': '2026-01-01T00:00:20Z', process: { name: 'bash', args: 'c' }, host: { name: 'h' } }, {});
  const r = ex.finish();
  assert.deepEqual(r.columns.map((c) => `${c.name}:${c.type}`), ['c:long', 'd:long', 'w:date', 'host.name:keyword']);
  assert.deepEqual(r.rows.map((x) => x.values), [[2, 3, '2026-01-01T00:00:00.000Z', 'h']]);
  assert.equal(r.peakGroups, 1);
});

test('multi-value arguments to scalar functions yield null and a counted warning', () => {
  const r = run('FROM x | EVAL l = LENGTH(user.name), f = MV_FIRST(user.name) | KEEP l, f', [{ user: { name: ['ab', 'c'] } }, { user: { name: ['xyz', 'q'] } }]);
  assert.deepEqual(r.rows.map((x) => x.values), [[null, 'ab'], [null, 'xyz']]);
  const w = r.warnings.find((x) => x.message.includes('single-value function encountered multi-value'));
  assert.equal(w?.count, 2);
  assert.ok(r.warnings.some((x) => x.message.startsWith('Line 1:19: evaluation of [LENGTH(user.name)] failed')));
});

test('rows without STATS keep their source; one-element arrays are single values', () => {
  const ex = compileEsql('FROM x | WHERE a == "1" | KEEP a').createExecutor<string>();
  ex.push({ a: ['1'] }, {}, 'doc1');
  ex.push({ a: '2' }, {}, 'doc2');
  const r = ex.finish();
  assert.deepEqual(r.rows, [{ values: ['1'], source: 'doc1' }]);
});

test('SORT with NULLS and LIMIT keeps a bounded top-k', () => {
  const docs = [5, null, 3, 9, 1].map((n, i) => ({ n, i }));
  assert.deepEqual(run('FROM x | SORT n DESC NULLS LAST | LIMIT 2 | KEEP i', docs).rows.map((r) => r.values[0]), [3, 0]);
  assert.deepEqual(run('FROM x | SORT n | KEEP i', docs).rows.map((r) => r.values[0]), [4, 2, 0, 3, 1]);
  assert.deepEqual(run('FROM x | SORT n NULLS FIRST | LIMIT 1 | KEEP i', docs).rows.map((r) => r.values[0]), [1]);
});

test('DISSECT and GROK extract columns', () => {
  const r = run('FROM x | DISSECT msg "%{user} logged in from %{ip}" | GROK msg "%{WORD:w} logged in from %{IP:addr}" | KEEP user, ip, w, addr', [{ msg: 'bob logged in from 10.0.0.1' }, { msg: 'nothing' }]);
  assert.deepEqual(r.rows.map((x) => x.values), [['bob', '10.0.0.1', 'bob', '10.0.0.1'], [null, null, null, null]]);
  const g = run('ROW s = "took 42 ms" | GROK s "took %{NUMBER:n:int} ms"', []);
  assert.deepEqual(g.columns.map((c) => `${c.name}:${c.type}`), ['s:keyword', 'n:integer']);
  assert.deepEqual(g.rows[0].values, ['took 42 ms', 42]);
});

test('date math, casts, LIKE lists, CIDR_MATCH', () => {
  const now = Date.UTC(2026, 0, 1);
  const r = run('ROW d = NOW() - 1 hour, s = "2026-01-01T00:00:00Z"::datetime + 1 day, b = "abc" LIKE ("x*", "a?c"), c = CIDR_MATCH(TO_IP("10.1.2.3"), "10.0.0.0/8")', [], now);
  assert.deepEqual(r.rows[0].values, ['2025-12-31T23:00:00.000Z', '2026-01-02T00:00:00.000Z', true, true]);
});

test('errors carry kind and position', () => {
  const err = (q: string) => {
    try {
      compileEsql(q);
    } catch (e) {
      assert.ok(e instanceof QueryError);
      return e;
    }
    assert.fail('expected an error');
  };
  const a = err('FROM x | WHERE LENGTH(1) > 2');
  assert.equal(a.kind, 'type');
  assert.equal(a.column, 23);
  const b = err('FROM x | EVAL y = (1');
  assert.equal(b.kind, 'syntax');
  const c = err('FROM x | ENRICH policy ON a');
  assert.equal(c.kind, 'unsupported');
  assert.equal(c.column, 10);
  const d = err('FROM x | EVAL y = NOPE(a)');
  assert.equal(d.kind, 'type');
});

test('allFields: FROM without KEEP or STATS returns every field of the result documents', () => {
  const docs = [{ process: { name: 'sh', pid: 7, args: ['sh', '-c'] }, host: { name: 'h' } }, { process: { name: 'ls' }, user: { name: 'u' } }];
  const run2 = (q: string, allFields: boolean) => {
    const ex = compileEsql(q, { allFields }).createExecutor();
    for (const d of docs) ex.push(d, {});
    return ex.finish();
  };
  assert.deepEqual(run2('FROM x | WHERE process.name == "sh"', false).columns.map((c) => c.name), ['process.name']);
  const r = run2('FROM x | EVAL n = LENGTH(process.name) | DROP host.* | RENAME process.pid AS pid', true);
  // document fields in name order where the FROM columns start; RENAMEd and EVALed columns after
  assert.deepEqual(r.columns.map((c) => `${c.name}:${c.type}`), ['process.args:keyword', 'process.name:keyword', 'user.name:keyword', 'pid:long', 'n:integer']);
  assert.deepEqual(r.rows.map((x) => x.values), [[['sh', '-c'], 'sh', null, 7, 2], [null, 'ls', 'u', null, 2]]);
  // KEEP and STATS choose their columns
  assert.deepEqual(run2('FROM x | KEEP process.name', true).columns.map((c) => c.name), ['process.name']);
  assert.deepEqual(run2('FROM x | STATS c = COUNT(*)', true).columns.map((c) => c.name), ['c']);
});

test('SET time_zone: DATE_TRUNC works on local time; unknown settings are positioned errors', () => {
  const r = run('SET time_zone = "+10:00"; ROW d = "2025-03-04T17:09:08Z"::datetime | EVAL day = DATE_TRUNC(1 day, d), h3 = DATE_TRUNC(3 hours, d), m = DATE_TRUNC(1 month, d) | KEEP day, h3, m', []);
  assert.deepEqual(r.rows[0].values, ['2025-03-04T14:00:00.000Z', '2025-03-04T17:00:00.000Z', '2025-02-28T14:00:00.000Z']);
  const eu = run('SET time_zone = "Europe/Paris"; ROW d = "2025-07-01T00:30:00Z"::datetime | EVAL day = DATE_TRUNC(1 day, d) | KEEP day', []);
  assert.deepEqual(eu.rows[0].values, ['2025-06-30T22:00:00.000Z']);
  assert.throws(() => compileEsql('SET time_zone = "Mars/Olympus"; ROW a = 1'), (e: unknown) => e instanceof QueryError && e.column === 17);
  assert.throws(() => compileEsql('SET nope = 1; ROW a = 1'), (e: unknown) => e instanceof QueryError && e.kind === 'unsupported');
});

test('constant expressions that fail still warn; shadowed STATS names warn once per result', () => {
  const r = run('ROW a = TO_INT("x")', []);
  assert.deepEqual(r.rows[0].values, [null]);
  assert.ok(r.warnings.some((w) => w.message.includes('NumberFormatException: For input string: "x"')));
  const s = run('FROM x | STATS c = COUNT(*), c = MAX(n)', [{ n: 1 }, { n: 3 }]);
  assert.deepEqual(s.columns.map((c) => c.name), ['c']);
  assert.deepEqual(s.rows[0].values, [3]);
  assert.deepEqual(s.warnings.map((w) => w.message), ["Line 1:16: Field 'c' shadowed by field at line 1:30"]);
});

test('long values beyond 2^53 stay exact (reader text in, exact decimal text out) and overflow warns', () => {
  // the reader delivers integers beyond 2^53 as their exact text; process.pid is a long
  const r = run('FROM logs-* | EVAL next = process.pid + 1, wrap = process.pid * 2 | KEEP process.pid, next, wrap', [{ process: { pid: '9223372036854775806' } }, { process: { pid: 7 } }]);
  assert.deepEqual(r.rows.map((x) => x.values), [['9223372036854775806', '9223372036854775807', null], [7, 8, 14]]);
  assert.ok(r.warnings.some((w) => w.message.endsWith('java.lang.ArithmeticException: long overflow')));
  const eq = run('FROM logs-* | WHERE process.pid == 9007199254740993 | KEEP process.pid', [{ process: { pid: '9007199254740993' } }, { process: { pid: '9007199254740992' } }]);
  assert.deepEqual(eq.rows.map((x) => x.values), [['9007199254740993']]);
});

test('ORs of equalities on one field warn as the IN Elasticsearch rewrites them to', () => {
  const r = run('FROM logs-* | WHERE user.name == "a" OR user.name == "b" | KEEP user.name', [{ user: { name: ['a', 'b'] } }, { user: { name: 'b' } }]);
  assert.deepEqual(r.rows.map((x) => x.values), [['b']]);
  assert.ok(r.warnings.some((w) => w.message.startsWith('Line 1:21: evaluation of [user.name] failed')), JSON.stringify(r.warnings));
});

test('SORT ties come out in the order of Elasticsearch\'s TopN heap; the null STATS group first', () => {
  const docs = [1, 2, 3, 4, 5].map((i) => ({ n: i, k: i % 2 ? null : 'x' }));
  const s = run('FROM logs-* | SORT k | KEEP n', docs);
  assert.deepEqual(s.rows.map((x) => x.values[0]), [2, 4, 3, 5, 1]);
  const g = run('FROM logs-* | STATS c = COUNT(*) BY k', docs);
  assert.deepEqual(g.rows.map((x) => x.values), [[3, null], [2, 'x']]);
});

test('keywords in any case, never the start of a longer name; strings with escapes between runs', () => {
  const docs = [
    { android: 'x', order: 5, notes: 'n', is_ok: true, in: { x: 1 }, msg: 'a\tb"c\\d' },
    { android: 'y', order: 7, notes: null, is_ok: false, in: { x: 2 }, msg: 'plain' },
  ];
  const r = run(
    'FROM logs-* | WhErE android LiKe "x*" Or order >= 7 AnD NoT notes Is NoT NuLl | KEEP android, order, is_ok, in.x, msg | SoRt order DeSc',
    docs,
  );
  assert.deepEqual(r.rows.map((x) => x.values), [
    ['y', 7, false, 2, 'plain'],
    ['x', 5, true, 1, 'a\tb"c\\d'],
  ]);
  const esc = run('FROM logs-* | WHERE msg == "a\\tb\\"c\\\\d" OR msg IN ("pl\\u0061in") | KEEP msg', docs);
  assert.deepEqual(esc.rows.map((x) => x.values[0]), ['a\tb"c\\d', 'plain']);
  // A column named after a time unit is a column, and a unit may follow its number directly.
  const span = run('FROM logs-* | EVAL h = 1 HOURS, d = 2days | KEEP h, d | LIMIT 1', docs);
  assert.deepEqual(span.columns.map((c) => c.type), ['time_duration', 'date_period']);
  const long = 'f'.repeat(400);
  assert.deepEqual(run(`FROM logs-* | EVAL ${long} = 1 | KEEP ${long} | LIMIT 1`, docs).columns.map((c) => c.name), [long]);
});

test('parseIp4 by character codes accepts exactly the addresses the per-part definition does', () => {
  const byParts = (s: string): number[] | undefined => {
    const parts = s.split('.');
    if (parts.length !== 4) return undefined;
    const out: number[] = [];
    for (const p of parts) {
      if (!/^\d{1,3}$/.test(p) || Number(p) > 255 || (p.length > 1 && p[0] === '0')) return undefined;
      out.push(Number(p));
    }
    return out;
  };
  const mine = (s: string) => { const b = parseIp4(s); return b && [...b]; };
  const samples = ['0.0.0.0', '255.255.255.255', '256.1.1.1', '01.2.3.4', '1.2.3.00', '10.0.0.1', '1.2.3', '1.2.3.4.5', '1..2.3',
    '1.2.3.', '.1.2.3', ' 1.2.3.4', '1.2.3.1000', '1.2.3.4%eth0', '0001.2.3.4', ''];
  for (const s of samples) assert.deepEqual(mine(s), byParts(s), JSON.stringify(s));
  const part = fc.oneof(fc.integer({ min: 0, max: 999 }).map(String), fc.stringMatching(/^[0-9a. ]{0,4}$/));
  fc.assert(fc.property(fc.array(part, { minLength: 1, maxLength: 6 }), (parts) => {
    const s = parts.join('.');
    assert.deepEqual(mine(s), byParts(s), JSON.stringify(s));
  }), { numRuns: 5000 });
});

test('MATCH: keyword fields compare whole values, fuzzily within the edits the options allow', () => {
  const names = ['svchost.exe', 'svch0st.exe', 'svhost.exe', 'scvhost.exe', 'svchosts.exe', 'svc.exe', 'svchost.exe.bak', 'cmd.exe', 'SVCHOST.EXE', 'svch0st.ex'];
  const hits = (where: string) => {
    const r = run(`FROM logs-* | WHERE ${where} | KEEP process.name`, names.map((name) => ({ process: { name } })));
    return r.rows.map((x) => x.values[0]);
  };
  // No options: one whole keyword value, not its tokens ("cmd.exe" shares the token "exe").
  assert.deepEqual(hits('MATCH(process.name, "svchost.exe")'), ['svchost.exe']);
  assert.deepEqual(hits('process.name : "svchost.exe"'), ['svchost.exe']);
  // One edit: a substitution, a deletion, a swap of neighbours, an insertion; case is an edit per letter.
  assert.deepEqual(hits('MATCH(process.name, "svchost.exe", { "fuzziness": 1, "max_expansions": 10 })'), ['svchost.exe', 'svch0st.exe', 'svhost.exe', 'scvhost.exe', 'svchosts.exe']);
  // Without transpositions a swap costs two edits.
  assert.deepEqual(hits('MATCH(process.name, "svchost.exe", { "fuzziness": 1, "fuzzy_transpositions": false })'), ['svchost.exe', 'svch0st.exe', 'svhost.exe', 'svchosts.exe']);
  // The first characters may be required unchanged.
  assert.deepEqual(hits('MATCH(process.name, "svchost.exe", { "fuzziness": "1", "prefix_length": 3 })'), ['svchost.exe', 'svch0st.exe', 'svchosts.exe']);
  // AUTO: two edits for terms of six characters or more, none under three.
  assert.deepEqual(hits('MATCH(process.name, "svchost.exe", { "fuzziness": "AUTO" })'), ['svchost.exe', 'svch0st.exe', 'svhost.exe', 'scvhost.exe', 'svchosts.exe', 'svch0st.ex']);
  assert.deepEqual(hits('MATCH(process.name, "cmd.exx", { "fuzziness": "AUTO:3,8" })'), ['cmd.exe']);
  assert.deepEqual(hits('MATCH(process.name, "svc.ex", { "fuzziness": "AUTO:7,9" })'), []);
});

test('MATCH: text fields match analyzed tokens, any of them unless the options ask for more', () => {
  const messages = ['Service svchost started', 'svchost stopped', 'service started'];
  const hits = (where: string) => run(`FROM logs-* | WHERE ${where} | KEEP message`, messages.map((message) => ({ message }))).rows.map((x) => x.values[0]);
  assert.deepEqual(hits('MATCH(message, "service stopped")'), messages);
  assert.deepEqual(hits('MATCH(message, "service started", { "operator": "AND" })'), ['Service svchost started', 'service started']);
  assert.deepEqual(hits('MATCH(message, "service svchost started", { "minimum_should_match": 2 })'), ['Service svchost started', 'service started']);
  assert.deepEqual(hits('MATCH(message, "svchots", { "fuzziness": 1 })'), ['Service svchost started', 'svchost stopped']);
});

test('MATCH: unknown options and invalid values are errors at the options', () => {
  const q = 'FROM logs-* | WHERE MATCH(process.name, "a", { "fuzzyness": 1 })';
  assert.throws(() => compileEsql(q), (e: unknown) => e instanceof QueryError && e.kind === 'type' && /Invalid option \[fuzzyness\]/.test(e.message) && e.column === q.indexOf('{') + 1);
  assert.throws(() => compileEsql('FROM logs-* | WHERE MATCH(process.name, "a", { "fuzziness": 3 })'), (e: unknown) => e instanceof QueryError && /valid edit distances/.test(e.message));
  assert.throws(() => compileEsql('FROM logs-* | WHERE MATCH(process.name, "a", { "operator": "xor" })'), (e: unknown) => e instanceof QueryError && /operator/.test(e.message));
});

test('LOCATE counts code points, as the per-character definition does', () => {
  // The definition: split into code points, search from the start-th, count code points before the find.
  const byCharacters = (s: string, sub: string, start: number) => {
    const cps = [...s];
    const from = cps.slice(0, Math.max(start, 1) - 1).join('').length;
    const idx = s.indexOf(sub, from);
    return idx < 0 ? 0 : [...s.slice(0, idx)].length + 1;
  };
  const text = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\u00e9', '\u{1F600}', '\uD83D', '\uDE00'), maxLength: 12 });
  fc.assert(
    fc.property(text, text, fc.integer({ min: -2, max: 15 }), (s, sub, start) => {
      const r = run(`ROW s = ${JSON.stringify(s)}, sub = ${JSON.stringify(sub)} | EVAL p = LOCATE(s, sub, ${start}) | KEEP p`, []);
      assert.equal(r.rows[0].values[0], byCharacters(s, sub, start));
    }),
    { numRuns: 400 },
  );
  const r = run('ROW s = "a\u{1F600}b   c" | EVAL p = LOCATE(s, SPACE(3)), q = LOCATE(s, "c", 4), z = LOCATE(s, "") | KEEP p, q, z', []);
  assert.deepEqual(r.rows[0].values, [4, 7, 1]);
});

test('defaultLimit: a query with no LIMIT keeps that many rows and counts the rest, as Elasticsearch caps at 1,000', () => {
  const docs = Array.from({ length: 25 }, (_, i) => ({ n: i, tags: ['a', 'b'] }));
  const runLimited = (q: string) => {
    const ex = compileEsql(q, { now: 0, defaultLimit: 10 }).createExecutor();
    for (const d of docs) ex.push(d, { _id: 'id', _index: 'logs-x' });
    return ex.finish();
  };
  const plain = runLimited('FROM logs-* | KEEP n');
  assert.deepEqual(plain.rows.map((r) => r.values[0]), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(plain.cut, 15);
  // A SORT keeps the top rows through the commands that map row to row, and counts what it drops.
  const sorted = runLimited('FROM logs-* | SORT n DESC | EVAL m = n * 2 | KEEP m');
  assert.deepEqual(sorted.rows.map((r) => r.values[0]), [48, 46, 44, 42, 40, 38, 36, 34, 32, 30]);
  assert.equal(sorted.cut, 15);
  // MV_EXPAND does not stop early for the implicit limit: the count is of every row left out.
  assert.equal(runLimited('FROM logs-* | MV_EXPAND tags | KEEP n, tags').cut, 40);
  // Any LIMIT in the query turns the default off, wherever it stands.
  const explicit = runLimited('FROM logs-* | LIMIT 20 | KEEP n');
  assert.equal(explicit.rows.length, 20);
  assert.equal(explicit.cut, 0);
  assert.equal(runLimited('FROM logs-* | SORT n | LIMIT 30').rows.length, 25);
  // Without the option, every row.
  assert.equal(run('FROM logs-* | KEEP n', docs).rows.length, 25);
});

test('SORT before row-for-row commands and a LIMIT keeps only the limit\'s rows, as a TopN', () => {
  const docs = Array.from({ length: 50 }, (_, i) => ({ n: (i * 7) % 50, s: `x${i}` }));
  const topN = run('FROM logs-* | SORT n | EVAL k = n + 1 | RENAME k AS j | DISSECT s "x%{d}" | KEEP n, j, d | LIMIT 3', docs);
  assert.deepEqual(topN.rows.map((r) => r.values), [[0, 1, '0'], [1, 2, '43'], [2, 3, '36']]);
  // The EVAL runs on the SORT's 3 rows only: its warning counts them, not the 50 documents.
  const warned = run('FROM logs-* | SORT n | EVAL i = TO_INTEGER(s) | KEEP n, i | LIMIT 3', docs);
  assert.deepEqual(warned.rows.map((r) => r.values), [[0, null], [1, null], [2, null]]);
  assert.equal(warned.warnings.find((w) => /x43/.test(w.message) || /TO_INTEGER|NumberFormat|Cannot parse/i.test(w.message))?.count, 3, JSON.stringify(warned.warnings));
  // A WHERE between them changes how many rows reach the LIMIT: the SORT keeps all.
  const filtered = run('FROM logs-* | SORT n | WHERE n % 2 == 1 | LIMIT 2', docs);
  assert.deepEqual(filtered.rows.map((r) => r.values[filtered.columns.findIndex((c) => c.name === 'n')]), [1, 3]);
});
