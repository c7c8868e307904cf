import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { readAll, tempDir, write } from './fixtures.js';

test('byte ranges cover a file exactly once, with the same line numbers as a whole read', async () => {
  const dir = tempDir();
  const body = Array.from({ length: 3000 }, (_, i) => (i % 97 === 0 ? '\n' : `{"i":${i},"s":"${'x'.repeat(i % 41)}"}\n`)).join('') + '{"tail":true}';
  const f = write(dir, 'big.ndjson', body);
  const size = statSync(f).size;
  const whole = (await readAll(f)).events.map((e) => [e.line, e.doc]);
  for (const parts of [2, 3, 7, 64]) {
    const step = Math.ceil(size / parts);
    const got: unknown[] = [];
    for (let s = 0; s < size; s += step) got.push(...(await readAll(f, { range: { start: s, end: Math.min(size, s + step) } })).events.map((e) => [e.line, e.doc]));
    assert.deepEqual(got, whole, `${parts} ranges`);
  }
  // A boundary exactly at a line start belongs to the range that starts there.
  const second = body.indexOf('\n') + 1;
  const a = (await readAll(f, { range: { start: 0, end: second } })).events;
  const b = (await readAll(f, { range: { start: second, end: size } })).events;
  assert.equal(a.length + b.length, whole.length);
  assert.equal(b[0]?.line, 2);
});
