import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileEql } from '../../src/lang/eql/index.js';

const QUERY = 'sequence by user.name with maxspan=5s [authentication where event.outcome == "failure"] [authentication where event.outcome == "success"]';

function* stream(n: number) {
  const t0 = Date.parse('2026-11-20T00:00:00Z');
  for (let i = 0; i < n; i++) {
    const at = (ms: number) => new Date(t0 + ms).toISOString();
    yield { doc: { '@timestamp': at(i), user: { name: `u${i}` }, event: { category: 'authentication', outcome: 'failure' } } };
    // Every tenth user succeeds 3 s after failing (inside maxspan); every 97th, 6 s after (outside).
    if (i >= 3_000 && (i - 3_000) % 10 === 0) yield { doc: { '@timestamp': at(i), user: { name: `u${i - 3_000}` }, event: { category: 'authentication', outcome: 'success' } } };
    if (i >= 6_000 && (i - 6_000) % 97 === 0) yield { doc: { '@timestamp': at(i), user: { name: `u${i - 6_000}` }, event: { category: 'authentication', outcome: 'success' } } };
  }
}

test('100,000 sequences opening 1 ms apart: live partials stay within one maxspan, in linear time', () => {
  const q = compileEql(QUERY);
  const started = performance.now();
  const matches = q.run(stream(100_000));
  const ms = performance.now() - started;
  const expected = Math.floor((100_000 - 1 - 3_000) / 10) + 1;
  // u(6000+97k) might also be a tenth user; it completed 3 s in already and cannot complete twice.
  assert.equal(matches.length, expected);
  assert.ok(matches.every((m) => Date.parse(String(m.events[1].doc['@timestamp'])) - Date.parse(String(m.events[0].doc['@timestamp'])) === 3_000));
  assert.ok(q.stats.peakPartials <= 5_002, `peak ${q.stats.peakPartials}`);
  assert.ok(q.stats.peakPartials >= 4_000, `peak ${q.stats.peakPartials}`);
  assert.ok(ms < 5_000, `${Math.round(ms)} ms`);
});
