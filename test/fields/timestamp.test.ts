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
