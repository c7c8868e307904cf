import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { ArrayFramer } from '../../src/input/array-framer.js';
import { SkipLedger } from '../../src/input/skips.js';
import { readAll, tempDir, write } from '../hostile/helpers.js';
import { frameCut, seededCuts } from './fixtures.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const dir = tempDir();

function frame(buf: Buffer, cuts: number[], o: { maxLine?: number } = {}) {
  const ledger = new SkipLedger();
  const framer = new ArrayFramer({ file: 'f', ledger, maxLine: o.maxLine });
  const events = frameCut(framer, buf, cuts);
  const skips = Object.fromEntries(Object.entries(ledger.byKind).map(([k, v]) => [k, v.count]));
  return { events, skips, ledger, handedOver: framer.handedOver };
}

/** Strings that end in backslashes, escaped quotes, brackets and commas inside strings, nesting, multi-byte text. */
const TRICKY = [
  { a: 'x\\', b: '\\\\"', c: '"]},{"', d: [{ e: ['[', ']', '{'] }, []], f: 'été ☃ 𝄞' },
  { _index: 'logs-endpoint.events.process-default', _id: 'i1', _source: { process: { name: 'bash', args: ['-c', 'echo "}"'] } } },
  { n: 1.5e-7, t: true, z: null, deep: { a: { b: { c: [1, [2, [3, { d: '\\"\\\\' }]]] } } } },
  { empty: {}, s: '' },
];

test('elements are read as JSON.parse reads the whole array, however the bytes are cut', () => {
  for (const indent of [undefined, 2, '\t']) {
    const text = JSON.stringify(TRICKY, null, indent);
    const buf = Buffer.from(`\ufeff \r\n${text}\n`);
    const whole = frame(buf, []);
    assert.deepEqual(whole.skips, {});
    assert.deepEqual(
      whole.events,
      TRICKY.map((d, i) => [i, '_source' in d ? d._source : d]),
    );
    for (const span of [1, 2, 3, 7, 64, 500]) {
      for (const seed of [1, 2, 3]) assert.deepEqual(frame(buf, seededCuts(buf.length, span, seed)), whole, `indent ${indent}, span ${span}, seed ${seed}`);
    }
  }
});

test('any array of JSON values, any cuts: the objects are its object elements, every other element is counted', () => {
  const value = fc.jsonValue({ maxDepth: 3 });
  fc.assert(
    fc.property(fc.array(value, { maxLength: 12 }), fc.constantFrom(undefined, 1, 3), fc.integer({ min: 1, max: 40 }), fc.nat(), (values, indent, span, seed) => {
      const text = JSON.stringify(values, null, indent);
      // Integers past 2^53 are kept as strings by design (big-integers.ts): not this test's subject.
      fc.pre(!/\d{16}/.test(text));
      const { events, skips } = frame(Buffer.from(text), seededCuts(text.length, span, seed));
      const parsed = JSON.parse(text) as unknown[];
      const isDoc = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
      const docs = parsed.flatMap((v, i) => (isDoc(v) ? [[i, v]] : []));
      // Documents that look like Elasticsearch hits are unwrapped: compare only the plain ones.
      const plain = (d: unknown) => !('_source' in (d as object));
      assert.deepEqual(events.filter(([, d]) => plain(d)), docs.filter(([, d]) => plain(d)));
      const others = parsed.length - docs.length;
      assert.deepEqual(skips, others ? { 'not-an-object': others } : {});
    }),
    { numRuns: RUNS },
  );
});

test('a malformed element costs that element: the ones after it are read', () => {
  const buf = Buffer.from('[{"a":1}, {"b":2,}, {"c":[1,2}, {"d":4}]');
  const { events, ledger } = frame(buf, []);
  assert.deepEqual(events, [[0, { a: 1 }], [3, { d: 4 }]]);
  assert.equal(ledger.byKind['malformed-json']?.count, 2);
  assert.deepEqual(ledger.byKind['malformed-json']?.examples.map((e) => e.line), [1, 2]);
});

test('damage between elements is reported and reading goes on; concatenated arrays continue the numbering', () => {
  const missingComma = frame(Buffer.from('[{"a":1} {"b":2}]'), []);
  assert.deepEqual(missingComma.events, [[0, { a: 1 }], [1, { b: 2 }]]);
  assert.match(missingComma.ledger.byKind['malformed-json']?.examples[0].message ?? '', /expected ',' or '\]' after element 0 at byte 9/);
  const twoArrays = frame(Buffer.from('[{"a":1}]\n[{"b":2},{"c":3}]\n'), []);
  assert.deepEqual(twoArrays.events, [[0, { a: 1 }], [1, { b: 2 }], [2, { c: 3 }]]);
  assert.deepEqual(twoArrays.skips, {});
  const trailing = frame(Buffer.from('[{"a":1}] trailing words'), []);
  assert.deepEqual(trailing.events, [[0, { a: 1 }]]);
  assert.match(trailing.ledger.byKind['malformed-json']?.examples[0].message ?? '', /at byte 10; the rest of the input is not read/);
  const unclosed = frame(Buffer.from('[{"a":1},{"b":2}'), [5]);
  assert.deepEqual(unclosed.events, [[0, { a: 1 }], [1, { b: 2 }]]);
  assert.match(unclosed.ledger.byKind['malformed-json']?.examples[0].message ?? '', /not closed at the end of the input/);
});

test('an element longer than the limit is counted and never buffered; the next is read', () => {
  const buf = Buffer.from(`[{"a":1},{"big":"${'x'.repeat(5000)}"},{"c":3}]`);
  for (const cuts of [[], seededCuts(buf.length, 300, 5)]) {
    const { events, ledger } = frame(buf, cuts, { maxLine: 1000 });
    assert.deepEqual(events, [[0, { a: 1 }], [2, { c: 3 }]]);
    assert.equal(ledger.byKind['line-too-long']?.count, 1);
    assert.equal(ledger.byKind['line-too-long']?.examples[0].line, 1);
  }
});

test('a damaged first element hands the input back: an NDJSON file whose first line begins with [', async () => {
  const text = '[{"a":\n{"b":1}\n{"c":2}\n';
  assert.ok(frame(Buffer.from(text), []).handedOver);
  const f = write(dir, 'damaged-head.ndjson', text);
  const { events, skipped } = await readAll(f);
  assert.deepEqual(events.map((e) => [e.line, e.doc]), [[2, { b: 1 }], [3, { c: 2 }]]);
  assert.equal(skipped['malformed-json']?.count, 1);
  assert.equal(skipped['malformed-json']?.examples[0].line, 1);
});

test('a JSON array file is read element by element: documents, hits, provenance by index', async () => {
  const docs = Array.from({ length: 3000 }, (_, i) => ({ i, pad: 'p'.repeat(i % 300), q: 'say "hi" \\' }));
  const f = write(dir, 'many.json', JSON.stringify(docs, null, 2));
  const { events, skipped } = await readAll(f);
  assert.deepEqual(skipped, {});
  assert.deepEqual(events.map((e) => e.line), docs.map((_, i) => i));
  assert.deepEqual(events.map((e) => e.doc), docs);
});

test('damage before the first document hands the input back as lines; after it, it is reported', async () => {
  const early = write(dir, 'early-damage.json', '[1]x\n{"a":1}\n');
  const lines = await readAll(early);
  assert.deepEqual(lines.events.map((e) => [e.line, e.doc]), [[2, { a: 1 }]]);
  assert.deepEqual(Object.keys(lines.skipped), ['malformed-json']);
  const late = write(dir, 'late-damage.json', '[1, {"a":1}]x\n{"b":2}\n');
  const array = await readAll(late);
  assert.deepEqual(array.events.map((e) => [e.line, e.doc]), [[1, { a: 1 }]]);
  assert.equal(array.skipped['not-an-object']?.count, 1);
  assert.match(array.skipped['malformed-json']?.examples[0].message ?? '', /expected another array's '\[' at byte 12/);
  const scalars = frame(Buffer.from('[1, "two", [3]]'), []);
  assert.equal(scalars.handedOver, undefined);
  assert.deepEqual(scalars.skips, { 'not-an-object': 3 });
});

test('a corrupt gzip member inside an array stops the array with a report; the documents before it are read', async () => {
  const bad = gzipSync('{"lost":true},');
  bad[bad.length - 6] ^= 0xff; // its CRC
  const f = write(dir, 'damaged-array.json.gz', Buffer.concat([gzipSync('[{"a":1},'), bad, gzipSync('{"c":3}]')]));
  const { events, skipped } = await readAll(f);
  assert.deepEqual(events.map((e) => e.doc), [{ a: 1 }]);
  assert.match(skipped['malformed-json']?.examples[0].message ?? '', /damaged input in the array .*; the rest of the array is not read/);
  assert.ok(skipped['truncated-gzip'] ?? skipped['gzip-trailing-garbage'], JSON.stringify(skipped));
});
