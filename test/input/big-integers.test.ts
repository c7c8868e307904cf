import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mayHoldBigInteger, quoteBigIntegers } from '../../src/input/big-integers.js';
import { readAll, tempDir, write } from './fixtures.js';

test('integers beyond 2^53 outside strings are quoted; everything else is untouched', () => {
  assert.equal(quoteBigIntegers('{"pid":9007199254740993,"n":12,"s":"9007199254740993"}'), '{"pid":"9007199254740993","n":12,"s":"9007199254740993"}');
  assert.equal(quoteBigIntegers('{"a":[-18446744073709551615, 9007199254740991]}'), '{"a":["-18446744073709551615", 9007199254740991]}');
  assert.equal(quoteBigIntegers('{"f":12345678901234567890.5,"e":12345678901234567e3}'), '{"f":12345678901234567890.5,"e":12345678901234567e3}');
  assert.equal(quoteBigIntegers('{"q":"a\\\\"}'), '{"q":"a\\\\"}');
});

test('the reader keeps big integers exact', async () => {
  const f = write(tempDir(), 'big.ndjson', '{"process":{"pid":9007199254740993}}\n{"process":{"pid":42}}\n');
  const { events } = await readAll(f);
  assert.deepEqual(events.map((e) => (e.doc.process as { pid: unknown }).pid), ['9007199254740993', 42]);
});

test('the cheap pre-check sees every big integer value, in any position and spacing', () => {
  for (const line of [
    '{"a":9007199254740993}',
    '{"a":[1,9007199254740993]}',
    '{"a": 9007199254740993 ,"b":1}',
    '{"a":[9007199254740993\t]}',
    '{"a":-18446744073709551615}',
    '{"a":12345678901234567890123}',
  ]) {
    assert.ok(mayHoldBigInteger(line), line);
    assert.notEqual(quoteBigIntegers(line), line, line);
  }
  // digit runs inside strings or in fractions need no rewriting and mostly skip it
  assert.equal(mayHoldBigInteger('{"h":"12345678901234567890abcdef","t":"2026-11-20T20:17:06.8468307Z"}'), false);
  assert.equal(mayHoldBigInteger('{"f":12345678901234567890.5}'), false);
});
