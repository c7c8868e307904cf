import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTimestamp } from '../../src/fields/index.js';

test('parses Defend 7-digit fractions, zoneless UTC, epoch millis', () => {
  assert.equal(parseTimestamp('2026-11-20T10:11:12.1234567Z'), Date.UTC(2026, 10, 20, 10, 11, 12, 123));
  assert.equal(parseTimestamp('2026-11-20T10:11:12.1234567'), Date.UTC(2026, 10, 20, 10, 11, 12, 123));
  assert.equal(parseTimestamp('2026-11-20T10:11:12+01:00'), Date.UTC(2026, 10, 20, 9, 11, 12));
  assert.equal(parseTimestamp(1795169472000), 1795169472000);
  assert.equal(parseTimestamp('1795169472000'), 1795169472000);
  assert.equal(parseTimestamp(['2026-11-20T00:00:00Z']), Date.UTC(2026, 10, 20));
  assert.equal(parseTimestamp('yesterday'), undefined);
  assert.equal(parseTimestamp(undefined), undefined);
  assert.equal(parseTimestamp({}), undefined);
});

test('the positional ISO reader agrees with the general path wherever it answers', async () => {
  const { parseIsoUtc, parseTextGeneral } = await import('../../src/fields/timestamp.js');
  const fc = (await import('fast-check')).default;
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const stamp = fc
    .record({
      y: fc.integer({ min: 0, max: 9999 }),
      mo: fc.integer({ min: 0, max: 13 }),
      d: fc.integer({ min: 0, max: 32 }),
      h: fc.integer({ min: 0, max: 25 }),
      mi: fc.integer({ min: 0, max: 61 }),
      s: fc.integer({ min: 0, max: 61 }),
      frac: fc.string({ unit: fc.constantFrom('0', '1', '5', '9'), maxLength: 12 }),
      dot: fc.boolean(),
      zone: fc.constantFrom('Z', 'Z', 'z', '', '+02:00', '-0330'),
    })
    .map(({ y, mo, d, h, mi, s, frac, dot, zone }) => `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${dot ? `.${frac}` : ''}${zone}`);
  let fast = 0;
  fc.assert(
    fc.property(stamp, (v) => {
      const got = parseIsoUtc(v);
      if (got === undefined) return;
      fast++;
      assert.equal(got, parseTextGeneral(v), v);
    }),
    { numRuns: 5000 },
  );
  assert.ok(fast > 500, `${fast} stamps read by position`);
  // The form Defend writes takes the positional path.
  assert.equal(parseIsoUtc('2026-11-20T20:17:06.8468307Z'), Date.UTC(2026, 10, 20, 20, 17, 6, 846));
  assert.equal(parseIsoUtc('2026-11-20T20:17:06Z'), Date.UTC(2026, 10, 20, 20, 17, 6));
});
