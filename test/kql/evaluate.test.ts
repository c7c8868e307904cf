import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileKql } from '../../src/lang/kql/index.js';

const NOW = Date.UTC(2024, 5, 15, 12, 0, 0); // 2024-06-15T12:00:00Z
const m = (q: string, doc: Record<string, unknown>) => compileKql(q, { now: NOW })(doc);

test('field:value is exact and case-sensitive; any array element may match', () => {
  const doc = { process: { name: 'cmd.exe', args: ['cmd.exe', '/c', 'whoami'] } };
  assert.equal(m('process.name:cmd.exe', doc), true);
  assert.equal(m('process.name:CMD.EXE', doc), false);
  assert.equal(m('process.name:cmd', doc), false);
  assert.equal(m('process.args:whoami', doc), true);
  assert.equal(m('process.args:(/c and whoami)', doc), true);
  assert.equal(m('"process.name":cmd.exe', doc), true);
  assert.equal(m('process.name : "cmd.exe"', { 'process.name': 'cmd.exe' }), true, 'dotted keys');
});

test('boolean operators, precedence and not over arrays / missing fields', () => {
  const doc = { a: 1, b: 'x', tags: ['p', 'q'] };
  assert.equal(m('a:1 and b:x', doc), true);
  assert.equal(m('a:2 or b:x', doc), true);
  assert.equal(m('a:2 or b:x and a:3', doc), false);
  assert.equal(m('(a:2 or b:x) and a:1', doc), true);
  assert.equal(m('not tags:p', doc), false);
  assert.equal(m('not tags:z', doc), true);
  assert.equal(m('tags:(not z)', doc), true);
  assert.equal(m('not missing:1', doc), true);
  assert.equal(m('not (not a:1)', doc), true);
  assert.equal(m('a:1 AND NOT b:y', doc), true);
});

test('value lists: literals become one set lookup; wildcards and coercions still apply', () => {
  const q = 'event.action:(start or exec or "fork" or sp* or 42)';
  assert.equal(m(q, { event: { action: 'exec' } }), true);
  assert.equal(m(q, { event: { action: 'fork' } }), true);
  assert.equal(m(q, { event: { action: 'spawn' } }), true);
  assert.equal(m(q, { event: { action: 42 } }), true);
  assert.equal(m(q, { event: { action: 'Exec' } }), false);
  assert.equal(m(q, { event: { action: ['x', 'start'] } }), true);
  assert.equal(m(q, {}), false);
});

test('unquoted multi-word values are trimmed and matched whole', () => {
  assert.equal(m('f: a b ', { f: 'a b' }), true);
  assert.equal(m('f: a b', { f: 'a' }), false);
  assert.throws(() => m('f:a\\ b', { f: 'a b' }), /Invalid escape/, 'backslash-space is not an escape');
});

test('free text matches any leaf anywhere; * and *:* match everything; empty query matches all', () => {
  const doc = { a: { b: ['zz', 'hello world'] }, n: 7 };
  assert.equal(m('"hello world"', doc), true);
  assert.equal(m('hello*', doc), true);
  assert.equal(m('7', doc), true);
  assert.equal(m('nope', doc), false);
  assert.equal(m('*', {}), true);
  assert.equal(m('*:*', {}), true);
  assert.equal(m('', {}), true);
  assert.equal(m('   ', {}), true);
});

test('wildcards: only unquoted, unescaped *; ? is literal; anchored; case-sensitive', () => {
  const doc = { cmd: 'python3 -c "import os"', star: 'python*' };
  assert.equal(m('cmd:python*', doc), true);
  assert.equal(m('cmd:*import*', doc), true);
  assert.equal(m('cmd:*IMPORT*', doc), false);
  assert.equal(m('cmd:import*', doc), false);
  assert.equal(m('star:"python*"', doc), true);
  assert.equal(m('cmd:"python*"', doc), false);
  assert.equal(m('star:python\\*', doc), true);
  assert.equal(m('cmd:python?', doc), false);
  assert.equal(m('cmd:p*t*o*n*\\"*', doc), true, 'escaped quote inside a wildcard value');
});

test('wildcard matching has no catastrophic backtracking', () => {
  const long = 'a'.repeat(20000);
  assert.equal(m('f:*a*a*a*a*a*a*a*a*a*b', { f: long }), false);
  assert.equal(m('f:a*a*a*a*a*a*a*a*a*a', { f: long }), true);
});

test('field-name wildcards match any field with that path pattern', () => {
  const doc = { process: { name: 'cmd.exe', parent: { name: 'explorer.exe' } }, user: { name: 'bob' } };
  assert.equal(m('process.*:explorer.exe', doc), true);
  assert.equal(m('process.*:bob', doc), false);
  assert.equal(m('*.name:bob', doc), true);
  assert.equal(m('proc*:*', doc), true);
  assert.equal(m('nothing.*:*', doc), false);
});

test('exists: field:* is true for empty strings, false for null / missing / empty arrays', () => {
  assert.equal(m('f:*', { f: '' }), true);
  assert.equal(m('f:*', { f: 0 }), true);
  assert.equal(m('f:*', { f: false }), true);
  assert.equal(m('f:*', { f: { g: 1 } }), true);
  assert.equal(m('f:*', { f: null }), false);
  assert.equal(m('f:*', { f: [] }), false);
  assert.equal(m('f:*', {}), false);
  assert.equal(m('not f:*', {}), true);
});

test('coercion between query literals and document types', () => {
  assert.equal(m('n:4', { n: '4' }), true);
  assert.equal(m('n:"4"', { n: 4 }), true);
  assert.equal(m('n:4.0', { n: 4 }), true);
  assert.equal(m('n:04', { n: 4 }), true);
  assert.equal(m('n:5', { n: 4 }), false);
  assert.equal(m('b:true', { b: true }), true);
  assert.equal(m('b:"false"', { b: false }), true);
  assert.equal(m('b:true', { b: 'true' }), true);
  assert.equal(m('b:TRUE', { b: true }), false);
  assert.equal(m('b:true', { b: 1 }), false);
  assert.equal(m('s:null', { s: 'null' }), true);
  assert.equal(m('s:null', { s: null }), false);
  assert.equal(m('t:"2024-06-15T12:00:00"', { t: '2024-06-15T12:00:00.000Z' }), true);
});

test('ranges on numbers, numeric strings, strings and arrays', () => {
  assert.equal(m('n > 3', { n: 4 }), true);
  assert.equal(m('n >= 4 and n <= 4', { n: 4 }), true);
  assert.equal(m('n < 4', { n: 4 }), false);
  assert.equal(m('n < 10', { n: '9' }), true, 'numeric string compared as a number');
  assert.equal(m('n > "3"', { n: 4 }), true);
  assert.equal(m('s > m', { s: 'z' }), true);
  assert.equal(m('s < m', { s: 'z' }), false);
  assert.equal(m('l > 5', { l: [1, 9] }), true);
  assert.equal(m('l > 10', { l: [1, 9] }), false);
  assert.equal(m('n > 3', {}), false);
  assert.equal(m('n > 3', { n: 'abc' }), true, 'non-numeric strings fall back to lexicographic order');
});

test('ranges on dates: ISO strings, epoch millis and date math relative to options.now', () => {
  const at = (iso: string) => ({ '@timestamp': iso });
  assert.equal(m('@timestamp >= now-1d', at('2024-06-14T12:00:00Z')), true);
  assert.equal(m('@timestamp >= now-1d', at('2024-06-14T11:59:59Z')), false);
  assert.equal(m('@timestamp > now-1h', { '@timestamp': NOW - 30 * 60_000 }), true);
  assert.equal(m('@timestamp >= now/d', at('2024-06-15T00:00:00Z')), true);
  assert.equal(m('@timestamp >= now/d', at('2024-06-14T23:59:59Z')), false);
  assert.equal(m('@timestamp <= now/d', at('2024-06-15T23:59:59.999Z')), true, 'lte rounds up');
  assert.equal(m('@timestamp < now/d', at('2024-06-15T00:00:00Z')), false, 'lt rounds down');
  assert.equal(m('@timestamp > 2024-06-01', at('2024-06-01T10:00:00Z')), false, 'gt a day means after that day');
  assert.equal(m('@timestamp >= 2024-06-01', at('2024-06-01T10:00:00Z')), true);
  assert.equal(m('@timestamp <= "2024-06-01T00:00:00Z||+1M/M"', at('2024-07-31T10:00:00Z')), true);
  assert.equal(m('@timestamp < now-1M', at('2024-05-14T00:00:00Z')), true);
  assert.equal(m('@timestamp < now-1y', at('2023-06-15T11:00:00Z')), true);
  // The clock defaults to the compile time.
  assert.equal(compileKql('t > now-1m')({ t: new Date().toISOString() }), true);
});

test('IP values: CIDR (v4, v6) and any notation of the same address', () => {
  assert.equal(m('source.ip:10.0.0.0/8', { source: { ip: '10.1.2.3' } }), true);
  assert.equal(m('source.ip:10.0.0.0/8', { source: { ip: '11.1.2.3' } }), false);
  assert.equal(m('source.ip:"10.0.0.0/8"', { source: { ip: ['192.168.1.1', '10.9.9.9'] } }), true);
  assert.equal(m('ip:"2001:db8::/32"', { ip: '2001:0db8:ffff::1' }), true);
  assert.equal(m('ip:"2001:db8::/32"', { ip: '2001:db9::1' }), false);
  assert.equal(m('ip:"fe80::/10"', { ip: 'fe80::1%eth0' }), true);
  assert.equal(m('ip:"::1"', { ip: '0:0:0:0:0:0:0:1' }), true);
  assert.equal(m('ip:"2001:db8:0:0:0:0:0:1"', { ip: '2001:db8::1' }), true);
  assert.equal(m('ip:10.0.0.1', { ip: '::ffff:10.0.0.1' }), true);
  assert.equal(m('ip:10.0.0.1', { ip: '10.0.0.10' }), false);
  assert.equal(m('ip:0.0.0.0/0', { ip: '8.8.8.8' }), true);
  assert.equal(m('ip:0.0.0.0/0', { ip: 'not-an-ip' }), false);
});

test('nested queries hold within one array element', () => {
  const doc = { deltas: [{ action: 'ADD', role: 'a' }, { action: 'REMOVE', role: 'b' }] };
  assert.equal(m('deltas:{ action:ADD and role:a }', doc), true);
  assert.equal(m('deltas:{ action:ADD and role:b }', doc), false);
  assert.equal(m('deltas.action:ADD and deltas.role:b', doc), true);
  assert.equal(m('deltas:{ action:(ADD or X) and not role:b }', doc), true);
  assert.equal(m('deltas:{ action:ADD }', { deltas: { action: 'ADD' } }), true, 'a single object');
  assert.equal(m('deltas:{ action:ADD }', { deltas: 'ADD' }), false);
  assert.equal(m('a:{ b:{ c:1 } }', { a: [{ b: [{ c: 2 }, { c: 1 }] }] }), true);
});

test('.caseless compares X case-insensitively; .text matches words of X', () => {
  const doc = { process: { name: 'PowerShell.EXE' }, message: 'Failed to open C:\\Temp\\Evil.dll (access denied)' };
  assert.equal(m('process.name.caseless:powershell.exe', doc), true);
  assert.equal(m('process.name.caseless:(cmd.exe or "POWERSHELL.exe")', doc), true);
  assert.equal(m('process.name.caseless:power*', doc), true);
  assert.equal(m('process.name.caseless:cmd.exe', doc), false);
  assert.equal(m('message.text:evil', doc), true);
  assert.equal(m('message.text:"access denied"', doc), true);
  assert.equal(m('message.text:"denied access"', doc), false, 'quoted = phrase, in order');
  assert.equal(m('message.text:denied access', doc), true, 'unquoted = every word');
  assert.equal(m('message.text:ev*', doc), true);
  assert.equal(m('message.text:evi', doc), false);
  assert.equal(m('process.name.caseless:x', { process: { name: { caseless: 'x' } } }), true, 'a real .caseless key wins');
});

test('date equality: a full timestamp matches any notation of that instant; a bare day covers the day', () => {
  assert.equal(m('t:"2024-06-15T12:00:00Z"', { t: '2024-06-15T12:00:00.000Z' }), true);
  assert.equal(m('t:"2024-06-15T12:00:00Z"', { t: Date.UTC(2024, 5, 15, 12) }), true);
  assert.equal(m('t:2024-06-15', { t: '2024-06-15T23:59:59.999Z' }), true);
  assert.equal(m('t:2024-06-15', { t: '2024-06-16T00:00:00Z' }), false);
  assert.equal(m('t:2024-06-15', { t: '2024-06-15' }), true);
});
