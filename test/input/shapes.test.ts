import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { readAll, lines, tempDir, write } from './fixtures.js';

const dir = tempDir();

test('NDJSON of documents: CRLF, blank lines, BOM, exact line numbers', async () => {
  const f = write(dir, 'plain.ndjson', '\ufeff{"a":1}\r\n\r\n  \n{"a":2}\n{"b":{"c":[1,2]}}');
  const { events, skipped } = await readAll(f);
  assert.deepEqual(lines(events), [[1, { a: 1 }], [4, { a: 2 }], [5, { b: { c: [1, 2] } }]]);
  assert.equal(events[0].file, f);
  assert.deepEqual(skipped, {});
});

test('stray carriage returns are whitespace, as JSON and the format sniffer have them', async () => {
  // A line of CRs (CR CR LF, left by a converter run twice) is blank, and CRs around a document
  // are trimmed like spaces: neither is a malformed line.
  const f = write(dir, 'stray-cr.ndjson', '{"a":1}\r\r\n\r\r\n \r\t\r\n\r{"a":2}\r\r\n');
  const { events, skipped } = await readAll(f);
  assert.deepEqual(lines(events), [[1, { a: 1 }], [4, { a: 2 }]]);
  assert.deepEqual(skipped, {});
  // Found by the reader fuzz test: whitespace, then `[1]` is one JSON array (one non-object
  // element), whichever reader takes it — not a malformed line plus an array.
  const g = write(dir, 'cr-array.ndjson', '\r\r\n[1]');
  const r = await readAll(g);
  assert.deepEqual(r.events, []);
  assert.deepEqual(Object.keys(r.skipped), ['not-an-object']);
  assert.equal(r.skipped['not-an-object']!.count, 1);
});

test('NDJSON of Elasticsearch hits: _source unwrapped, _index and _id kept', async () => {
  const f = write(
    dir,
    'hits.ndjson',
    '{"_index":".ds-logs-endpoint.events.process-default-2026.11.20-000001","_id":"abc","_source":{"process":{"name":"sh"}}}\n' +
      '{"_index":"logs-x","_id":7,"_score":1,"_source":{"y":1}}\n',
  );
  const { events } = await readAll(f);
  assert.deepEqual(events.map((e) => [e.line, e.doc, e.index, e.id]), [
    [1, { process: { name: 'sh' } }, '.ds-logs-endpoint.events.process-default-2026.11.20-000001', 'abc'],
    [2, { y: 1 }, 'logs-x', '7'],
  ]);
});

test('dotted keys are kept as they are (the field accessor resolves them)', async () => {
  const f = write(dir, 'dotted.ndjson', '{"process.name":"sh","process":{"parent.name":"bash"}}\n');
  const { events } = await readAll(f);
  assert.deepEqual(events[0].doc, { 'process.name': 'sh', process: { 'parent.name': 'bash' } });
});

test('_search response, pretty-printed: hits streamed with their element index', async () => {
  const body = { took: 3, timed_out: false, hits: { total: { value: 2 }, hits: [{ _index: 'i1', _id: '1', _source: { x: 1 } }, { _index: 'i2', _id: '2', _source: { x: 2 } }] } };
  const f = write(dir, 'search.json', JSON.stringify(body, null, 2));
  const { events, skipped } = await readAll(f);
  assert.deepEqual(events.map((e) => [e.line, e.doc, e.index, e.id]), [
    [0, { x: 1 }, 'i1', '1'],
    [1, { x: 2 }, 'i2', '2'],
  ]);
  assert.deepEqual(skipped, {});
});

test('a _search response on a line of NDJSON: its hits carry that line, the lines after it their own', async () => {
  const body = { took: 3, timed_out: false, hits: { hits: [{ _index: 'i1', _id: '1', _source: { x: 1 } }, { _index: 'i2', _id: '2', _source: { x: 2 } }] } };
  const f = write(dir, 'mixed.ndjson', `{"a":1}\n${JSON.stringify(body)}\n{"a":3}\n`);
  const { events, skipped } = await readAll(f);
  assert.deepEqual(events.map((e) => [e.line, e.doc, e.id]), [
    [1, { a: 1 }, undefined],
    [2, { x: 1 }, '1'],
    [2, { x: 2 }, '2'],
    [3, { a: 3 }, undefined],
  ]);
  assert.deepEqual(skipped, {});
});

test('JSON array of documents and of hits; one pretty-printed document', async () => {
  const arr = write(dir, 'arr.json', JSON.stringify([{ a: 1 }, { _index: 'logs-a', _id: 'z', _source: { b: 2 } }], null, 1));
  const { events } = await readAll(arr);
  assert.deepEqual(events.map((e) => [e.line, e.doc, e.index]), [
    [0, { a: 1 }, undefined],
    [1, { b: 2 }, 'logs-a'],
  ]);
  const one = write(dir, 'one.json', JSON.stringify({ event: { category: ['process'] }, host: { name: 'h' } }, null, 4));
  const single = await readAll(one);
  assert.deepEqual(lines(single.events), [[1, { event: { category: ['process'] }, host: { name: 'h' } }]]);
});

test('gzip (sniffed by magic, not name) and concatenated gzip members', async () => {
  const f = write(dir, 'noext', Buffer.concat([gzipSync('{"a":1}\n{"a":2}\n'), gzipSync('{"a":3}\n')]));
  const { events, skipped } = await readAll(f);
  assert.deepEqual(lines(events), [[1, { a: 1 }], [2, { a: 2 }], [3, { a: 3 }]]);
  assert.deepEqual(skipped, {});
  const gzArray = write(dir, 'arr.json.gz', gzipSync(JSON.stringify([{ q: 1 }, { q: 2 }])));
  assert.deepEqual(lines((await readAll(gzArray)).events), [[0, { q: 1 }], [1, { q: 2 }]]);
});

test('small gzip files are inflated in one call, and streamed when they decode past its limit', async () => {
  // 24 MB of one repeated line compress to ~25 KB: too much to inflate in one call (16 MiB).
  const line = JSON.stringify({ event: { action: 'x' }, pad: 'y'.repeat(100) }) + '\n';
  const big = gzipSync(line.repeat(200_000), { level: 9 });
  assert.ok(big.length < 128 * 1024, `${big.length} bytes compressed`);
  const bomb = await readAll(write(dir, 'bomb.gz', big));
  assert.equal(bomb.events.length, 200_000);
  assert.deepEqual(bomb.skipped, {});
  // The last member states its own length only: the whole file decodes past it.
  const lying = await readAll(write(dir, 'members.gz', Buffer.concat([gzipSync(line.repeat(1000)), gzipSync('{"last":1}\n')])));
  assert.equal(lying.events.length, 1001);
  assert.deepEqual(lying.events.at(-1)?.doc, { last: 1 });
});

test('empty file and empty gzip: no events, nothing skipped', async () => {
  for (const f of [write(dir, 'empty.ndjson', ''), write(dir, 'empty.gz', gzipSync('')), write(dir, 'blank.ndjson', '\n\n\r\n')]) {
    const { events, skipped } = await readAll(f);
    assert.equal(events.length, 0, f);
    assert.deepEqual(skipped, {}, f);
  }
});

test('__proto__ keys stay own properties and never pollute prototypes', async () => {
  const f = write(dir, 'proto.ndjson', '{"__proto__":{"polluted":true},"constructor":{"prototype":{"p":1}}}\n');
  const { events } = await readAll(f);
  assert.equal(Object.getPrototypeOf(events[0].doc), Object.prototype);
  assert.deepEqual(Object.keys(events[0].doc), ['__proto__', 'constructor']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('small files are read whole; a file grown past its listed size, a pipe and a missing file read as before', async () => {
  const { readEvidenceFile, SkipLedger } = await import('../../src/input/index.js');
  const { execFileSync } = await import('node:child_process');
  const { createWriteStream } = await import('node:fs');
  const read = async (file: { path: string; size: number }) => {
    const ledger = new SkipLedger();
    const out: [number, unknown][] = [];
    for await (const batch of readEvidenceFile(file, { ledger })) for (const e of batch) out.push([e.line, e.doc]);
    return { out, skipped: ledger.byKind };
  };
  const dir = tempDir();
  const docs = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat(2000) })).join('\n') + '\n';
  const small = write(dir, 'small.ndjson', docs(3));
  assert.deepEqual((await read({ path: small, size: 6100 })).out, (await readAll(small)).events.map((e) => [e.line, e.doc]));
  assert.equal((await read({ path: small, size: 6100 })).out.length, 3);

  // Listed at 100 bytes, 3 MB by the time it is read: every line is read.
  const grown = write(dir, 'grown.ndjson', docs(1500));
  const all = await read({ path: grown, size: 100 });
  assert.equal(all.out.length, 1500);
  assert.deepEqual(all.out.at(-1), [1500, { i: 1499, pad: 'x'.repeat(2000) }]);

  const gone = await read({ path: `${dir}/gone.ndjson`, size: 500 });
  assert.deepEqual(gone.out, []);
  assert.equal(gone.skipped['unreadable-file']?.count, 1);

  if (process.platform !== 'win32') {
    // A pipe (`trawl hunt <(zcat …)`) is listed empty and only a stream reads it.
    const fifo = `${dir}/pipe.ndjson`;
    execFileSync('mkfifo', [fifo]);
    const writer = createWriteStream(fifo);
    writer.end(docs(4));
    const piped = await read({ path: fifo, size: 0 });
    assert.equal(piped.out.length, 4);
  }
});

test('format sniffing: a first line that closes its own object is NDJSON, a pretty-printed document is not', async () => {
  const { sniffText } = await import('../../src/input/sniff.js');
  const cases: [string, string][] = [
    ['{"a":"}{","b":[{"c":"\\"}"}]}\n{"a":2}\n', 'ndjson'],
    ['  {"a":1}  \r\n', 'ndjson'],
    ['{"a":1}', 'ndjson'],
    ['{\n  "hits": {"total": 1}\n}\n', 'json'],
    ['{"a":1} {"b":2}\n{"c":\n3}\n', 'json'],
    ['{"a":"unterminated}\n{"b":\n', 'json'],
    ['{"cut":\n{"a":1}\n', 'ndjson'], // a damaged first line; the next one decides
    ['[{"a":1}]', 'json'],
    ['[\n  {"a":1},\n  {"b":2}\n]\n', 'json'],
    ['[\n{"a":1}\n{"b":2}\n', 'ndjson'], // no commas between: a stray '[' line before NDJSON
    ['\n\n', 'empty'],
  ];
  for (const [text, format] of cases) assert.equal(sniffText(Buffer.from(text)), format, JSON.stringify(text));
});
