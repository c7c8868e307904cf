import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quoteBigIntegers } from '../../src/input/big-integers.js';
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
