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

test('a range whose last line runs far past its end reads that line whole (beyond the first, bounded read)', async () => {
  const dir = tempDir();
  // Lines of ~0.6-1.4 MB: longer than the 256 KiB a range first reads past its end.
  const lines = Array.from({ length: 7 }, (_, i) => JSON.stringify({ i, pad: 'y'.repeat(600_000 + i * 130_000) }));
  const f = write(dir, 'long-lines.ndjson', `${lines.join('\n')}\n`);
  const size = statSync(f).size;
  const whole = (await readAll(f)).events.map((e) => [e.line, e.doc]);
  assert.equal(whole.length, 7);
  const text = Buffer.from(`${lines.join('\n')}\n`);
  const newlines = (from: number, to: number) => {
    let n = 0;
    for (let i = from; i < to; i++) if (text[i] === 0x0a) n++;
    return n;
  };
  for (const parts of [2, 5, 11]) {
    const step = Math.ceil(size / parts);
    const got: unknown[] = [];
    let reports = 0;
    for (let s = 0; s < size; s += step) {
      const end = Math.min(size, s + step);
      const range = {
        start: s,
        end,
        onNewlines: (n: number) => {
          reports++;
          assert.equal(n, newlines(s === 0 ? 0 : s - 1, end - 1), `${parts} ranges, range at ${s}`);
        },
      };
      got.push(...(await readAll(f, { range })).events.map((e) => [e.line, e.doc]));
    }
    assert.deepEqual(got, whole, `${parts} ranges`);
    // A range reports once a line starts past its end; those inside the file's last line cannot.
    assert.ok(reports >= Math.min(parts - 1, 5), `${parts} ranges: ${reports} reports`);
  }
});
