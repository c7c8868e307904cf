import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ev, makeRule, run } from './fixtures.js';

const rule = makeRule({
  type: 'threshold',
  query: 'event.category:authentication and event.outcome:failure',
  threshold: { field: ['source.ip'], value: 3 },
  from: 'now-9m',
  interval: '5m',
});

function fail(time: string, ip: string | undefined, user = 'root') {
  return ev(time, { event: { category: 'authentication', outcome: 'failure' }, ...(ip ? { source: { ip } } : {}), user: { name: user } });
}

test('threshold: counts within one look-back window, not across the whole evidence', () => {
  const spread = ['2026-11-20T10:00:00Z', '2026-11-20T11:00:00Z', '2026-11-20T12:00:00Z', '2026-11-20T13:00:00Z'];
  const { hits } = run([rule], spread.map((t) => fail(t, '10.0.0.1')));
  assert.equal(hits.length, 0, 'four failures three hours apart never meet a threshold of 3 in 9 minutes');
});

test('threshold: a burst is reported once, with the largest windowed count and its span', () => {
  const burst = ['10:00:10', '10:01:00', '10:02:00', '10:03:00', '10:07:00', '10:08:00'].map((t) => fail(`2026-11-20T${t}Z`, '10.0.0.1'));
  const other = ['10:00:00', '10:30:00'].map((t) => fail(`2026-11-20T${t}Z`, '10.0.0.2'));
  const noIp = [fail('2026-11-20T10:00:30Z', undefined), fail('2026-11-20T10:00:31Z', undefined), fail('2026-11-20T10:00:32Z', undefined)];
  const { hits } = run([rule], [...other, ...burst.reverse(), ...noIp]);
  assert.equal(hits.length, 1);
  const t = hits[0].threshold!;
  assert.deepEqual(t.terms, [{ field: 'source.ip', value: '10.0.0.1' }]);
  // Runs every 5m over the previous 9m: the 10:10 run sees five of the six events.
  assert.equal(t.count, 5);
  assert.equal(t.from, '2026-11-20T10:00:10.000Z');
  assert.equal(t.to, '2026-11-20T10:08:00.000Z');
  assert.equal(hits[0].timestamp, '2026-11-20T10:00:10.000Z');
});

test('threshold: two bursts separated by quiet runs are two hits', () => {
  const a = ['10:00:00', '10:01:00', '10:02:00'].map((t) => fail(`2026-11-20T${t}Z`, '10.0.0.1'));
  const b = ['14:00:00', '14:01:00', '14:02:00'].map((t) => fail(`2026-11-20T${t}Z`, '10.0.0.1'));
  const { hits } = run([rule], [...b, ...a]);
  assert.deepEqual(hits.map((h) => h.threshold?.count), [3, 3]);
});

test('threshold: cardinality condition is exact and required', () => {
  const card = makeRule({
    type: 'threshold',
    query: 'event.category:authentication',
    threshold: { field: ['source.ip'], value: 3, cardinality: [{ field: 'user.name', value: 2 }] },
  });
  const same = ['10:00:00', '10:01:00', '10:02:00'].map((t) => fail(`2026-11-20T${t}Z`, '10.0.0.1', 'root'));
  assert.equal(run([card], same).hits.length, 0);
  const mixed = [...same.slice(0, 2), fail('2026-11-20T10:02:00Z', '10.0.0.1', 'admin')];
  const { hits } = run([card], mixed);
  assert.equal(hits.length, 1);
  assert.deepEqual(hits[0].threshold?.cardinality, [{ field: 'user.name', value: 2 }]);
});

test('threshold without group fields groups every matching event', () => {
  const all = makeRule({ type: 'threshold', query: 'event.category:authentication', threshold: { field: [], value: 3 } });
  const events = [fail('2026-11-20T10:00:00Z', '1.1.1.1'), fail('2026-11-20T10:00:01Z', undefined), fail('2026-11-20T10:00:02Z', '2.2.2.2')];
  const { hits } = run([all], events);
  assert.equal(hits.length, 1);
  assert.deepEqual(hits[0].threshold?.terms, []);
  assert.equal(hits[0].threshold?.count, 3);
});
