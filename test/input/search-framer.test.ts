import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { readEvidenceFile, SkipLedger } from '../../src/input/index.js';
import { SearchFramer } from '../../src/input/search-framer.js';
import { sniffText } from '../../src/input/sniff.js';
import { frameCut, readAll, seededCuts, tempDir, write } from './fixtures.js';

const dir = tempDir();

const hit = (i: number, page = 0) => ({
  _index: `.ds-logs-endpoint.events.process-default-2026.11.18-00000${page + 1}`,
  _id: `id-${page}-${i}`,
  _score: null,
  _source: { '@timestamp': `2026-11-18T00:00:${String(i % 60).padStart(2, '0')}Z`, n: i, page, process: { command_line: `cmd "q\\"${i}" [x] {y}` } },
  sort: [i, `tie\\"${i}`],
});

/** A response whose wrapper holds what a walker could trip on: escapes, brackets in strings, other `hits` keys. */
const response = (count: number, page = 0, first = 0) => ({
  _scroll_id: 'FGluY2x1ZGVfY29udGV4dF91dWlk"\\"]}{[ hits',
  took: 12,
  timed_out: false,
  _shards: { total: 1, successful: 1, skipped: 0, failed: 0, failures: [{ reason: { hits: { hits: ['not these'] } } }] },
  hits: {
    total: { value: 99999, relation: 'eq' },
    max_score: null,
    'hi\\u0074s': 'an escaped key is not hits',
    hits: Array.from({ length: count }, (_, i) => hit(first + i, page)),
  },
  aggregations: { hits: { buckets: [{ key: 'x', hits: { hits: [] } }] } },
});

const expected = (count: number, page = 0, first = 0, line0 = 0) =>
  Array.from({ length: count }, (_, i): [number, unknown] => [line0 + i, hit(first + i, page)._source]);

test('a _search response is read hit by hit, however its bytes are cut into chunks', () => {
  const text = Buffer.from(JSON.stringify(response(40)));
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const ledger = new SkipLedger();
    const framer = new SearchFramer({ file: 'r.json', ledger });
    // Chunks of 1 to 13 bytes: keys, escapes and brackets in strings fall across every boundary.
    const events = frameCut(framer, text, seededCuts(text.length, 13, seed));
    assert.deepEqual(events, expected(40), `seed ${seed}`);
    assert.deepEqual(ledger.byKind, {});
  }
});

test('scroll pages one after another, pretty or compact: hits numbered across the responses', () => {
  const text = Buffer.from(`${JSON.stringify(response(3, 0), null, 2)}\n\n${JSON.stringify(response(2, 1, 3))}\n${JSON.stringify({ took: 1, timed_out: false, hits: { hits: [] } })}`);
  const ledger = new SkipLedger();
  const events = frameCut(new SearchFramer({ file: 's.json', ledger }), text, seededCuts(text.length, 200, 9));
  assert.deepEqual(events, [...expected(3, 0), ...expected(2, 1, 3, 3)]);
  assert.deepEqual(ledger.byKind, {});
});

test('an object among the responses that is no response is read as one more document', () => {
  const doc = { '@timestamp': '2026-11-18T00:00:00Z', hits: { hits: ['a document may say hits'] }, big: 'x'.repeat(1000) };
  const text = Buffer.from(`${JSON.stringify(response(2), null, 1)}\n${JSON.stringify(doc)}\n${JSON.stringify(response(1, 1, 2))}`);
  for (const seed of [1, 2, 3]) {
    const ledger = new SkipLedger();
    const events = frameCut(new SearchFramer({ file: 'm.json', ledger }), text, seededCuts(text.length, 64, seed));
    assert.deepEqual(events, [...expected(2), [2, doc], ...expected(1, 1, 2, 3)]);
    assert.deepEqual(ledger.byKind, {});
  }
  // Past the line limit, it is counted as too long, and what follows is still read.
  const ledger = new SkipLedger();
  const events = frameCut(new SearchFramer({ file: 'm.json', ledger, maxLine: 800 }), text, seededCuts(text.length, 64, 4));
  assert.deepEqual(events.map(([line]) => line), [0, 1, 3]);
  assert.deepEqual(ledger.byKind['line-too-long']?.examples.map((e) => e.line), [2]);
});

test('sniffing: _search responses are "search", one per line or not; hits.hits alone is a document', () => {
  const one = JSON.stringify(response(3));
  assert.equal(sniffText(Buffer.from(one.slice(0, 600))), 'search', 'a long first line, cut by the head');
  assert.equal(sniffText(Buffer.from(JSON.stringify(response(3), null, 2))), 'search', 'pretty-printed');
  assert.equal(sniffText(Buffer.from(`${one}\n${one}\n`)), 'search', 'one per line');
  assert.equal(sniffText(Buffer.from(`{"a":1}\n${one}\n`)), 'ndjson');
  assert.equal(sniffText(Buffer.from(JSON.stringify({ hits: { hits: [{ a: 1 }] } }, null, 2))), 'json');
});

test('damage: a response cut inside its hits keeps the hits before; garbage after a response is reported', async () => {
  const text = JSON.stringify(response(5));
  const cut = write(dir, 'cut.json', text.slice(0, text.indexOf('"id-0-3"')));
  const a = await readAll(cut);
  assert.deepEqual(a.events.map((e) => e.line), [0, 1, 2]);
  assert.equal(a.skipped['malformed-json']?.count, 1);
  assert.match(a.skipped['malformed-json']!.examples[0].message, /element 3 is cut off/);

  const tail = write(dir, 'tail.json', text.slice(0, text.lastIndexOf('}')));
  const b = await readAll(tail);
  assert.equal(b.events.length, 5);
  assert.match(b.skipped['malformed-json']!.examples[0].message, /closing brace is missing/);

  const garbage = write(dir, 'garbage.json', `${JSON.stringify(response(5), null, 1)}\nnot json\n`);
  const c = await readAll(garbage);
  assert.equal(c.events.length, 5);
  assert.match(c.skipped['malformed-json']!.examples[0].message, /expected another response \('\{'\) at byte \d+/);
});

test('a response larger than a line may be, gzipped, read in full; reading back picks hits by number', async () => {
  // ~3 MB on one line: past the sniffing head, past the line limit given.
  const big = JSON.stringify(response(12000));
  const f = write(dir, 'big.json.gz', gzipSync(big));
  const { events, skipped } = await readAll(f, { maxLineBytes: 1 << 20 });
  assert.equal(events.length, 12000);
  assert.deepEqual(skipped, {});
  assert.deepEqual([events[11999].line, events[11999].doc, events[11999].index, events[11999].id], [11999, hit(11999)._source, hit(11999)._index, 'id-0-11999']);

  const back = [];
  for await (const batch of readEvidenceFile(f, { ledger: new SkipLedger(), lines: new Set([7, 11000]) })) back.push(...batch);
  assert.deepEqual(back.map((e) => [e.line, e.doc]), [[7, hit(7)._source], [11000, hit(11000)._source]]);
});

test('responses one per line, one of them cut short: the lines after it are read on', async () => {
  const lines = [response(3, 0, 0), response(3, 1, 3), response(3, 2, 6)].map((r) => JSON.stringify(r));
  // The second line ends inside a string of its second hit (a partial write); a third line cut in its wrapper.
  const cut = lines[1].slice(0, lines[1].indexOf('"id-1-4"') + 4);
  const wrapperCut = lines[2].slice(0, lines[2].indexOf('FGluY2'));
  const f = write(dir, 'pages.ndjson', `${lines[0]}\n${cut}\n${wrapperCut}\n${lines[2]}\n`);
  const { events, skipped } = await readAll(f);
  assert.deepEqual(
    events.map((e) => [e.line, e.id]),
    [[0, 'id-0-0'], [1, 'id-0-1'], [2, 'id-0-2'], [3, 'id-1-3'], [5, 'id-2-6'], [6, 'id-2-7'], [7, 'id-2-8']],
  );
  assert.equal(skipped['malformed-json']?.count, 2);
  assert.deepEqual(skipped['malformed-json']!.examples.map((e) => e.message.replace(/\d+/g, 'N')), [
    'element N is cut by a line break inside a string at byte N; reading on at the next line',
    'a line break inside a string at byte N: the response is cut there; reading on at the next line',
  ]);
});
