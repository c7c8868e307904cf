import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ev, makeRule, run } from './fixtures.js';

const processIndex = { data_stream: { dataset: 'endpoint.events.process', namespace: 'default' } };
const fileIndex = { data_stream: { dataset: 'endpoint.events.file', namespace: 'default' } };

test('query rule: hits only events whose index matches the rule index patterns', () => {
  const rule = makeRule({ type: 'query', query: 'process.name:python*', index: ['logs-endpoint.events.process-*'] });
  const events = [
    ev('2026-11-20T10:00:00Z', { ...processIndex, process: { name: 'python3' }, host: { name: 'h1' } }),
    ev('2026-11-20T10:00:01Z', { ...fileIndex, process: { name: 'python3' } }),
    ev('2026-11-20T10:00:02Z', { process: { name: 'python3.11' } }), // unknown index: matches
    ev('2026-11-20T10:00:03Z', { ...processIndex, process: { name: 'Python' } }),
  ];
  const { hits } = run([rule], events);
  assert.deepEqual(hits.map((h) => h.source), [events[0], events[2]].map((e) => ({ file: e.file, line: e.line })));
  assert.equal(hits[0].host, 'h1');
  assert.equal(hits[0].timestamp, '2026-11-20T10:00:00.000Z');
  assert.equal(hits[0].rule.id, 'r1');
});

test('query rule: enabled filters apply, negated ones invert, disabled ones are ignored', () => {
  const rule = makeRule({
    type: 'query',
    query: 'event.category:process',
    filters: [
      { meta: { negate: true, disabled: false }, query: { match_phrase: { 'user.name': 'root' } } },
      { meta: { negate: false, disabled: true }, query: { match_phrase: { 'user.name': 'nobody-matches' } } },
    ],
  });
  const events = [
    ev('2026-11-20T10:00:00Z', { event: { category: ['process'] }, user: { name: 'root' } }),
    ev('2026-11-20T10:00:01Z', { event: { category: ['process'] }, user: { name: 'alice' } }),
  ];
  const { hits } = run([rule], events);
  assert.equal(hits.length, 1);
  assert.equal((hits[0].event?.user as { name: string }).name, 'alice');
});

test('rule time is timestamp_override when present, else @timestamp', () => {
  const rule = makeRule({ type: 'query', query: 'event.category:process', timestamp_override: 'event.ingested' });
  const events = [
    ev('2026-11-20T10:00:00Z', { event: { category: 'process', ingested: '2026-11-20T10:05:00Z' } }),
    ev('2026-11-20T10:01:00Z', { event: { category: 'process' } }),
  ];
  const { hits } = run([rule], events);
  assert.deepEqual(hits.map((h) => h.timestamp), ['2026-11-20T10:01:00.000Z', '2026-11-20T10:05:00.000Z']);
});

test('hits are ordered by timestamp, then file, then line, then rule id', () => {
  const a = makeRule({ rule_id: 'b-rule', type: 'query', query: 'x:1' });
  const b = makeRule({ rule_id: 'a-rule', type: 'query', query: 'x:1' });
  const events = [ev('2026-11-20T10:00:00Z', { x: 1 }, 'z.ndjson'), ev('2026-11-20T10:00:00Z', { x: 1 }, 'a.ndjson')];
  const { hits } = run([a, b], events);
  assert.deepEqual(
    hits.map((h) => `${(h.source as { file: string }).file}:${h.rule.id}`),
    ['a.ndjson:a-rule', 'a.ndjson:b-rule', 'z.ndjson:a-rule', 'z.ndjson:b-rule'],
  );
});

test('query rule: past its hit budget a scanner keeps hits\' places, not documents; hits of _search exports stay whole', async () => {
  const { Scanner } = await import('../../src/engine/index.js');
  const { compile } = await import('./fixtures.js');
  const scanner = new Scanner([compile(makeRule({ type: 'query', query: 'process.name:python*' }))]);
  const doc = { process: { name: 'python3' }, host: { name: 'h1' } };
  scanner.scan(ev('2026-11-20T10:00:00Z', doc));
  scanner.keepHitPlacesPast(0);
  const placed = ev('2026-11-20T10:00:01Z', doc);
  scanner.scan(placed);
  const exported = { ...ev('2026-11-20T10:00:02Z', doc), index: 'logs-endpoint.events.process-default', id: 'a1' };
  scanner.scan(exported);
  const [whole, place, fromSearch] = scanner.hits;
  assert.equal(whole.event, scanner.hits[0].event);
  assert.equal((whole.event as typeof doc).process.name, 'python3');
  assert.deepEqual(place.event, {});
  assert.deepEqual(place.source, { file: placed.file, line: placed.line });
  assert.equal(place.host, 'h1', 'the host is taken before the document goes');
  assert.equal(fromSearch.event, exported.doc);
  assert.deepEqual([...scanner.placed], ['r1']);
  // Placed hits share one stand-in document: a million of them must not cost a million objects.
  scanner.scan(ev('2026-11-20T10:00:03Z', { ...doc }));
  assert.equal(scanner.hits[3].event, place.event);
  assert.ok(Object.isFrozen(place.event));
});
