import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileEql, sortEvents, type EqlInput } from '../../src/lang/eql/index.js';
import { QueryError } from '../../src/lang/query-error.js';

type Doc = Record<string, unknown>;
const ev = (doc: Doc): EqlInput => ({ doc });
const m = (q: string, doc: Doc) => compileEql(q).filter(doc);
const P = (extra: Doc = {}): Doc => ({ event: { category: 'process' }, ...extra });

function throwsAt(q: string, kind: QueryError['kind'], offset?: number, re?: RegExp) {
  assert.throws(() => compileEql(q), (e: unknown) => {
    assert.ok(e instanceof QueryError, String(e));
    assert.equal(e.kind, kind, e.message);
    if (offset !== undefined) assert.equal(e.offset, offset, e.message);
    if (re) assert.match(e.message, re);
    return true;
  });
}

test('category and ==, != (case-sensitive, no wildcards)', () => {
  assert.equal(m('process where process.name == "cmd.exe"', P({ process: { name: 'cmd.exe' } })), true);
  assert.equal(m('process where process.name == "CMD.exe"', P({ process: { name: 'cmd.exe' } })), false);
  assert.equal(m('process where process.name == "*.exe"', P({ process: { name: 'cmd.exe' } })), false);
  assert.equal(m('file where true', P()), false);
  assert.equal(m('any where true', { event: { category: ['x'] } }), true);
  assert.equal(m('process where true', { event: { category: ['network', 'process'] } }), true);
  assert.equal(m('process where x != "a"', P({ x: 'b' })), true);
  assert.equal(m('process where x != null', P({})), false);
  assert.equal(m('process where x == null', P({})), true);
});

test(': is case-insensitive with wildcards and lists', () => {
  const d = P({ process: { name: 'CMD.EXE' } });
  assert.equal(m('process where process.name : "cmd.exe"', d), true);
  assert.equal(m('process where process.name : "c?d.*"', d), true);
  assert.equal(m('process where process.name : ("x", "*.exe")', d), true);
  assert.equal(m('process where process.name : ("x", "y")', d), false);
});

test('in, in~, not in, like, like~, regex, regex~', () => {
  const d = P({ a: 'Foo', n: 3 });
  assert.equal(m('process where a in ("foo", "bar")', d), false);
  assert.equal(m('process where a in~ ("foo", "bar")', d), true);
  assert.equal(m('process where a not in ("foo")', d), true);
  assert.equal(m('process where n in (1, 3)', d), true);
  assert.equal(m('process where a like "F*"', d), true);
  assert.equal(m('process where a like "f*"', d), false);
  assert.equal(m('process where a like~ ("x", "f*")', d), true);
  assert.equal(m('process where a regex "F[a-z]+"', d), true);
  assert.equal(m('process where a regex "o+"', d), false, 'implicitly anchored');
  assert.equal(m('process where a regex~ "foo"', d), true);
});

test('comparisons, arithmetic, integer division, null logic', () => {
  const d = P({ n: 7, s: 'b' });
  assert.equal(m('process where n > 5 and n <= 7', d), true);
  assert.equal(m('process where n / 2 == 3', d), true);
  assert.equal(m('process where n / 2.0 == 3.5', d), true);
  assert.equal(m('process where n % 4 == 3 and n * 2 - 1 == 13', d), true);
  assert.equal(m('process where s < "c"', d), true);
  assert.equal(m('process where missing > 1', d), false);
  assert.equal(m('process where not missing > 1', d), false, 'not null is null');
  assert.equal(m('process where missing > 1 or true', d), true);
});

test('multi-valued fields match any element; optional and backquoted fields', () => {
  const d = P({ tags: ['a', 'B'], 'odd name': 1 });
  assert.equal(m('process where tags == "B"', d), true);
  assert.equal(m('process where tags : "b"', d), true);
  assert.equal(m('process where startsWith(tags, "B")', d), true);
  assert.equal(m('process where `odd name` == 1', d), true);
  assert.equal(m('process where ?nope == null', d), true);
});

test('strings: escapes and raw strings; single quotes rejected', () => {
  assert.equal(m('process where p == "C:\\\\x\\"y"', P({ p: 'C:\\x"y' })), true);
  assert.equal(m('process where p == """C:\\x"""', P({ p: 'C:\\x' })), true);
  throwsAt("process where p == 'x'", 'syntax', 19);
});

test('functions and ~ variants', () => {
  const d = P({ s: 'Hello World', ip: '10.1.2.3', n: '42' });
  const t = (q: string) => assert.equal(m(`process where ${q}`, d), true, q);
  t('startsWith(s, "Hello")');
  t('not startsWith(s, "hello")');
  t('startsWith~(s, "hello")');
  t('endsWith~(s, "WORLD")');
  t('stringContains(s, "lo W")');
  t('indexOf(s, "o") == 4');
  t('indexOf(s, "o", 5) == 7');
  t('length(s) == 11');
  t('substring(s, 0, 5) == "Hello"');
  t('substring(s, -5) == "World"');
  t('between(s, "He", "o") == "ll"');
  t('between~(s, "he", "O", true) == "llo W"');
  t('concat(s, "!", 1) == "Hello World!1"');
  t('number(n) == 42');
  t('number("ff", 16) == 255');
  t('string(42) == "42"');
  t('add(1, 2) == 3 and subtract(5, 2) == 3 and multiply(2, 3) == 6 and divide(7, 2) == 3 and modulo(7, 2) == 1');
  t('cidrMatch(ip, "10.0.0.0/8", "192.168.0.0/16")');
  t('not cidrMatch(ip, "11.0.0.0/8")');
});

test('type errors and unknown functions carry positions', () => {
  throwsAt('process where length(1) == 1', 'type', 21);
  throwsAt('process where nosuch(x)', 'type', 14, /unknown function/);
  throwsAt('process where length~(x) == 1', 'type', 14, /case-insensitive/);
  throwsAt('process where startsWith(x)', 'type', 14);
  throwsAt('process where 1 == "a"', 'type', 14);
  throwsAt('process where x == ', 'syntax', 19);
});

test('regex with nested quantifiers compiles and runs on the linear-time engine', () => {
  const q = compileEql('process where x regex "(a+)+b"');
  const long = 'a'.repeat(50_000);
  assert.equal(q.filter(P({ x: long })), false, 'no b: the classic catastrophic case, answered (not hung)');
  assert.equal(q.filter(P({ x: `${long}b` })), true);
  assert.equal(q.filter(P({ x: `${long}c` })), false);
  assert.equal(q.filter(P({ x: 'b' })), false, 'a+ needs one a');
  // regex~ and lists take the same engine
  const ci = compileEql('process where x regex~ ("z", "(A+)+B", "(x*)*y")');
  assert.equal(ci.filter(P({ x: `${long}B` })), true);
  assert.equal(ci.filter(P({ x: `${long}b` })), true);
  assert.equal(ci.filter(P({ x: `${'x'.repeat(50_000)}y` })), true);
  assert.equal(ci.filter(P({ x: `${long}!` })), false);
  assert.equal(ci.filter(P({ x: ['q', `${long}b`] })), true, 'any element of an array');
  // match(), the legacy spelling of regex, too
  assert.equal(compileEql('process where match(x, "((a|aa)+)+b")').filter(P({ x: `${long}b` })), true);
  assert.equal(compileEql('process where match(x, "((a|aa)+)+b")').filter(P({ x: long })), false);
  throwsAt('process where x regex "(a+"', 'syntax');
});

test('endgame-only pipes and constructs are unsupported', () => {
  throwsAt('process where true | count', 'unsupported', 21, /not supported by Elasticsearch EQL/);
  throwsAt('process where true | unique x', 'unsupported', undefined, /not supported by Elasticsearch EQL/);
  throwsAt('process where true | sort x', 'unsupported');
  throwsAt('process where true | filter x == 1', 'unsupported');
  throwsAt('join [process where true] [file where true]', 'unsupported');
  throwsAt('process where arrayContains(x, "a")', 'unsupported');
});

test('head and tail', () => {
  const evs = [1, 2, 3, 4].map((i) => ev(P({ i })));
  assert.deepEqual(compileEql('process where true | head 2').run(evs).map((r) => r.events[0].doc.i), [1, 2]);
  assert.deepEqual(compileEql('process where true | tail 2').run(evs).map((r) => r.events[0].doc.i), [3, 4]);
});

const S = (t: number, cat: string, k: string, extra: Doc = {}): EqlInput => ev({ '@timestamp': t, event: { category: cat }, k, ...extra });
const ids = (r: { events: EqlInput[] }[]) => r.map((x) => x.events.map((e) => e.doc['@timestamp']));

test('sequence: by key, per-key replacement, maxspan inclusive', () => {
  const evs = [S(1, 'a', 'x'), S(2, 'a', 'x'), S(3, 'a', 'y'), S(4, 'b', 'x'), S(5, 'b', 'y')];
  const q = compileEql('sequence by k [a where true] [b where true]');
  assert.equal(q.kind, 'sequence');
  assert.deepEqual(ids(q.run(evs)), [[2, 4], [3, 5]]);
  assert.deepEqual(q.run(evs)[0].join_keys, ['x']);
  assert.ok(q.stats.peakPartials >= 2);
  const span = (ms: number) => ids(compileEql(`sequence with maxspan=${ms}ms [a where true] [b where true]`).run([S(0, 'a', 'x'), S(10, 'b', 'x')]));
  assert.deepEqual(span(10), [[0, 10]]);
  assert.deepEqual(span(9), []);
});

test('sequence: until, runs, missing events', () => {
  const q = compileEql('sequence by k [a where true] [b where true] until [c where true]');
  assert.deepEqual(ids(q.run([S(1, 'a', 'x'), S(2, 'c', 'x'), S(3, 'b', 'x')])), []);
  assert.deepEqual(ids(q.run([S(1, 'a', 'x'), S(2, 'c', 'y'), S(3, 'b', 'x')])), [[1, 3]]);
  const r = compileEql('sequence [a where true] with runs=2 [b where true]');
  assert.deepEqual(ids(r.run([S(1, 'a', 'x'), S(2, 'a', 'x'), S(3, 'b', 'x')])), [[1, 2, 3]]);
  const miss = compileEql('sequence with maxspan=1h [a where true] ![c where true] [b where true]');
  assert.deepEqual(ids(miss.run([S(1, 'a', 'x'), S(2, 'c', 'x'), S(3, 'b', 'x')])), []);
  const res = miss.run([S(1, 'a', 'x'), S(3, 'b', 'x'), S(4, 'c', 'x')]);
  assert.deepEqual(ids(res), [[1, 3]]);
  assert.deepEqual(res[0].missing, [1]);
});

test('sequence: candidate filter, requiredTerms, fields', () => {
  const q = compileEql('sequence by host.id [process where process.name == "a"] [process where user.name : "b"]');
  assert.equal(q.filter({ event: { category: 'process' }, process: { name: 'a' } }), true);
  assert.equal(q.filter({ event: { category: 'file' }, process: { name: 'a' } }), false);
  assert.deepEqual(q.requiredTerms, [{ field: 'event.category', values: ['process'], caseInsensitive: false }]);
  assert.ok(q.fields.includes('host.id') && q.fields.includes('user.name'));
  const e = compileEql('process where process.name in ("a", "b") and x : "Y"');
  assert.deepEqual(e.requiredTerms, [
    { field: 'event.category', values: ['process'], caseInsensitive: false },
    { field: 'process.name', values: ['a', 'b'], caseInsensitive: false },
    { field: 'x', values: ['Y'], caseInsensitive: true },
  ]);
  assert.deepEqual(compileEql('any where a == "x" or b == "y"').requiredTerms, []);
});

test('sample by key', () => {
  const q = compileEql('sample by k [a where true] [b where true]');
  const res = q.run([S(1, 'b', 'x'), S(2, 'a', 'x'), S(3, 'a', 'y')]);
  assert.deepEqual(ids(res), [[2, 1]]);
  assert.deepEqual(res[0].join_keys, ['x']);
});

test('sortEvents: timestamp, then tiebreaker, then arrival', () => {
  const evs = [ev({ '@timestamp': '2020-01-01T00:00:01Z', t: 2, i: 0 }), ev({ '@timestamp': 1577836801000, t: 1, i: 1 }), ev({ '@timestamp': '2020-01-01T00:00:00Z', t: 9, i: 2 })];
  assert.deepEqual(sortEvents(evs, { tiebreakerField: 't' }).map((e) => e.doc.i), [2, 1, 0]);
  assert.deepEqual(sortEvents(evs).map((e) => e.doc.i), [2, 0, 1]);
});
