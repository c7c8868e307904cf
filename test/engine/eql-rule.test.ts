import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile, ev, makeRule, run } from './fixtures.js';
import { pruneCandidates } from '../../src/engine/candidates/index.js';
import type { StatefulRule } from '../../src/engine/index.js';

test('eql single-event rule streams like a query rule', () => {
  const rule = makeRule({ type: 'eql', query: 'process where process.name : "PYTHON*"' });
  const events = [
    ev('2026-11-20T10:00:00Z', { event: { category: ['process'] }, process: { name: 'python3' } }),
    ev('2026-11-20T10:00:01Z', { event: { category: ['file'] }, process: { name: 'python3' } }),
  ];
  const { hits } = run([rule], events);
  assert.equal(hits.length, 1);
  assert.equal(hits[0].source && !Array.isArray(hits[0].source) ? hits[0].source.line : -1, events[0].line);
});

test('eql sequence is found in event-time order even when files are read out of order', () => {
  const rule = makeRule({
    type: 'eql',
    query: 'sequence by host.id with maxspan=1m [process where process.name == "curl"] [file where file.name == "x.sh"]',
  });
  const second = ev('2026-11-20T10:00:30Z', { event: { category: 'file' }, host: { id: 'h1' }, file: { name: 'x.sh' } }, 'a.ndjson');
  const first = ev('2026-11-20T10:00:00Z', { event: { category: 'process' }, host: { id: 'h1' }, process: { name: 'curl' } }, 'b.ndjson');
  const otherHost = ev('2026-11-20T10:00:40Z', { event: { category: 'file' }, host: { id: 'h2' }, file: { name: 'x.sh' } }, 'a.ndjson');
  const { hits } = run([rule], [second, otherHost, first]);
  assert.equal(hits.length, 1);
  assert.deepEqual(hits[0].source, [
    { file: 'b.ndjson', line: first.line },
    { file: 'a.ndjson', line: second.line },
  ]);
  assert.deepEqual(hits[0].join_keys, ['h1']);
  assert.equal(hits[0].timestamp, '2026-11-20T10:00:00.000Z');
  assert.equal(hits[0].events?.length, 2);
});

test('eql sequence outside maxspan is not a hit', () => {
  const rule = makeRule({
    type: 'eql',
    query: 'sequence by host.id with maxspan=1m [process where process.name == "curl"] [file where file.name == "x.sh"]',
  });
  const events = [
    ev('2026-11-20T10:00:00Z', { event: { category: 'process' }, host: { id: 'h1' }, process: { name: 'curl' } }),
    ev('2026-11-20T10:01:00.001Z', { event: { category: 'file' }, host: { id: 'h1' }, file: { name: 'x.sh' } }),
  ];
  assert.equal(run([rule], events).hits.length, 0);
});

test('eql sequence prunes later-stage candidates of keys no first stage opened, with the same hits and untimed count', () => {
  const rule = makeRule({
    type: 'eql',
    query: 'sequence by host.id with maxspan=1m [process where process.name == "curl"] [network where true]',
  });
  const compiled = compile(rule) as StatefulRule;
  assert.ok(compiled.prune);
  const net = (t: string, host: string) => ev(t, { event: { category: 'network' }, host: { id: host } });
  const events = [
    net('2026-11-20T10:00:30Z', 'h1'),
    ev('2026-11-20T10:00:00Z', { event: { category: 'process' }, host: { id: 'h1' }, process: { name: 'curl' } }),
    ...Array.from({ length: 50 }, (_, i) => net(`2026-11-20T10:01:${String(i).padStart(2, '0')}Z`, 'h2')),
    { ...net('2026-11-20T10:00:31Z', 'h2'), doc: { event: { category: 'network' }, host: { id: 'h2' }, '@timestamp': 'not a time' } },
  ];
  const candidates = events.map((e) => ({ ...e, ts: compiled.timeOf(e.doc) }));
  const kept = pruneCandidates(candidates, compiled.prune);
  // h2 never ran curl: its network events go, the untimed one stays (it is counted, not pruned).
  assert.deepEqual(kept.map((c) => c.line), [events[0].line, events[1].line, events[events.length - 1].line]);
  const { hits, warnings } = run([rule], events);
  assert.equal(hits.length, 1);
  assert.deepEqual(hits[0].join_keys, ['h1']);
  assert.deepEqual(warnings, ['1 candidate event(s) without a usable timestamp were not evaluated']);
});
