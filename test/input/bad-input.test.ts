import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { readEvidenceFile, SkipLedger } from '../../src/input/index.js';
import { readAll, lines, tempDir, write } from './fixtures.js';

const dir = tempDir();
const many = (n: number, key = 'n') => Array.from({ length: n }, (_, i) => `{"${key}":${i}}\n`).join('');

test('malformed lines, non-objects and invalid UTF-8 are counted with file:line; the rest is read', async () => {
  const bad = Buffer.concat([
    Buffer.from('{"ok":1}\nnot json\n[1,2]\n42\n"s"\n{"u":"'),
    Buffer.from([0xff, 0xfe]),
    Buffer.from('"}\n{"nul":"a\\u0000b"}\n{"ok":2}'),
  ]);
  const f = write(dir, 'bad.ndjson', bad);
  const { events, skipped } = await readAll(f);
  assert.deepEqual(lines(events), [[1, { ok: 1 }], [7, { nul: 'a\u0000b' }], [8, { ok: 2 }]]);
  assert.equal(skipped['malformed-json']?.count, 1);
  assert.deepEqual(skipped['malformed-json']?.examples.map((e) => [e.file, e.line]), [[f, 2]]);
  assert.equal(skipped['not-an-object']?.count, 3);
  assert.deepEqual(skipped['not-an-object']?.examples.map((e) => e.line), [3, 4, 5]);
  assert.equal(skipped['invalid-utf8']?.count, 1);
  assert.equal(skipped['invalid-utf8']?.examples[0].line, 6);
});

test('truncated gzip keeps every complete line before the damage', async () => {
  const whole = gzipSync(many(5000));
  const f = write(dir, 'trunc.gz', whole.subarray(0, Math.floor(whole.length / 2)));
  const { events, skipped } = await readAll(f);
  assert.ok(events.length > 100 && events.length < 5000, `kept ${events.length}`);
  assert.deepEqual(events.map((e) => e.doc.n), Array.from({ length: events.length }, (_, i) => i), 'a prefix, in order, nothing lost');
  assert.deepEqual(events.map((e) => e.line), Array.from({ length: events.length }, (_, i) => i + 1));
  assert.equal(skipped['truncated-gzip']?.count, 1);
  assert.match(skipped['truncated-gzip']!.examples[0].message, /ends mid-member/);
});

test('a file cut one or two bytes into its next member is truncated, not trailing garbage', async () => {
  const first = gzipSync(many(5));
  const next = gzipSync(many(5, 'm'));
  for (const cut of [1, 2]) {
    const f = write(dir, `cut-${cut}.gz`, Buffer.concat([first, next.subarray(0, cut)]));
    const { events, skipped } = await readAll(f);
    assert.deepEqual(events.map((e) => e.doc.n), [0, 1, 2, 3, 4]);
    assert.deepEqual(Object.keys(skipped), ['truncated-gzip'], `cut ${cut}`);
    assert.match(skipped['truncated-gzip']!.examples[0].message, new RegExp(`ends mid-member \\(the member at byte ${first.length}\\)`));
  }
});

test('trailing garbage after the last member: every event kept, garbage reported (zlib alone would drop the last piece)', async () => {
  const f = write(dir, 'garbage.gz', Buffer.concat([gzipSync(many(3000)), gzipSync('{"last":1}\n'), Buffer.from('garbage appended by a broken collector\n')]));
  const { events, skipped } = await readAll(f);
  assert.equal(events.length, 3001);
  assert.deepEqual(events.at(-1)?.doc, { last: 1 });
  assert.equal(skipped['gzip-trailing-garbage']?.count, 1);
  assert.equal(skipped['truncated-gzip'], undefined);
});

test('concatenated gzip with a corrupt middle member: the members around it are read', async () => {
  const middle = Buffer.from(gzipSync(many(2000, 'm')));
  for (let i = 40; i < middle.length - 20; i++) middle[i] ^= 0x5a;
  const f = write(dir, 'corrupt.gz', Buffer.concat([gzipSync(many(2000, 'a')), middle, gzipSync(many(3, 'z'))]));
  const { events, skipped } = await readAll(f);
  assert.deepEqual(events.filter((e) => 'a' in e.doc).length, 2000);
  assert.deepEqual(events.filter((e) => 'z' in e.doc).map((e) => e.doc.z), [0, 1, 2]);
  assert.equal(events.filter((e) => 'm' in e.doc).length, 0);
  assert.equal(skipped['truncated-gzip']?.count, 1);
  assert.match(skipped['truncated-gzip']!.examples[0].message, /corrupt gzip member/);
});

test('a line longer than the limit is skipped without being buffered', async () => {
  const f = write(dir, 'long.ndjson', `{"a":1}\n{"big":"${'x'.repeat(5000)}"}\n{"a":3}\n`);
  const { events, skipped } = await readAll(f, { maxLineBytes: 1000 });
  assert.deepEqual(lines(events), [[1, { a: 1 }], [3, { a: 3 }]]);
  assert.equal(skipped['line-too-long']?.count, 1);
  assert.equal(skipped['line-too-long']?.examples[0].line, 2);
});

test('a malformed JSON array keeps the elements before the damage', async () => {
  const f = write(dir, 'broken.json', `[${Array.from({ length: 3 }, (_, i) => JSON.stringify({ i, pad: 'p'.repeat(70000) })).join(',')}, {"x": `);
  const { events, skipped } = await readAll(f);
  assert.deepEqual(events.map((e) => e.doc.i), [0, 1, 2]);
  assert.equal(skipped['malformed-json']?.count, 1);
});

test('a file that vanished is counted as unreadable, not thrown', async () => {
  const { events, skipped } = await readAll(`${dir}/does-not-exist.ndjson`);
  assert.equal(events.length, 0);
  assert.equal(skipped['unreadable-file']?.count, 1);
});

test('progress counts each byte of a damaged gzip file once, though damage makes the reader walk back over it', async () => {
  const body = (from: number) => Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ i: from + i, pad: `${(from + i) * 7919}`.repeat(8) })).join('\n') + '\n';
  const bad = gzipSync(body(20_000));
  bad[bad.length - 6] ^= 0xff; // its CRC: the member decodes, then fails its check
  const last = gzipSync(body(40_000));
  const data = Buffer.concat([gzipSync(body(0)), bad, last.subarray(0, Math.floor(last.length * 0.7))]);
  const f = write(dir, 'progress-damaged.gz', data);
  let bytes = 0;
  const ledger = new SkipLedger();
  for await (const _ of readEvidenceFile(f, { ledger, onBytes: (n) => (bytes += n) }));
  assert.ok(ledger.byKind['truncated-gzip'], JSON.stringify(ledger.byKind));
  assert.equal(bytes, data.length);
});
