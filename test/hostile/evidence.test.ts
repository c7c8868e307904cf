/**
 * Hostile evidence: damaged gzip, huge and deeply nested lines, bad encodings, prototype keys,
 * big integers, wrong field types, unreadable paths, files changing under the reader, stdin cut
 * short. Each case: no crash, exact skip counts by kind with file:line, every good event read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, closeSync, openSync, statSync, symlinkSync, truncateSync, writeSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { discoverEvidence, readEvidenceFile, SkipLedger, type TrawlEvent } from '../../src/input/index.js';
import { compileKql } from '../../src/lang/kql/index.js';
import { compileEsql } from '../../src/lang/esql/index.js';
import { runTrawl } from '../helpers/trawl.js';
import { counts, lines, readAll, tempDir, where, write } from './helpers.js';

const dir = tempDir();
const many = (n: number, key = 'n', from = 0) => Array.from({ length: n }, (_, i) => `{"${key}":${from + i}}\n`).join('');
const seq = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

// ---------------------------------------------------------------------------------------------
// gzip damage

test('truncated gzip mid-member: every line zlib can decode before the cut is read, one truncated-gzip', async () => {
  // Several 64 KiB inflate pieces' worth of lines, cut in the middle of the deflate stream.
  const body = Array.from({ length: 40000 }, (_, i) => `{"n":${i},"pad":"${'p'.repeat(i % 13)}"}\n`).join('');
  const whole = gzipSync(body);
  const cut = whole.subarray(0, Math.floor(whole.length * 0.6));
  const f = write(dir, 'trunc-mid.ndjson.gz', cut);
  // What a forgiving decoder recovers: every complete line in the flushed output.
  const partial = gunzipSync(cut, { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8');
  const complete = partial.slice(0, partial.lastIndexOf('\n') + 1).split('\n').filter(Boolean).length;
  const { events, skipped } = await readAll(f);
  assert.deepEqual(counts(skipped), { 'truncated-gzip': 1 });
  assert.deepEqual(where(skipped, 'truncated-gzip'), [[f, undefined]]);
  assert.deepEqual(events.map((e) => e.doc.n), seq(events.length), 'a prefix, in order');
  assert.deepEqual(events.map((e) => e.line), seq(events.length, 1));
  assert.equal(events.length, complete, `every complete decodable line (${complete}) is read`);
});

test('truncated gzip inside the 10-byte header and inside the trailer', async () => {
  const whole = gzipSync(many(10));
  const inHeader = write(dir, 'trunc-header.gz', whole.subarray(0, 5));
  const r1 = await readAll(inHeader);
  assert.equal(r1.events.length, 0);
  assert.deepEqual(counts(r1.skipped), { 'truncated-gzip': 1 });
  // Cut inside the CRC/size trailer: all data is there, the member just does not end cleanly.
  const inTrailer = write(dir, 'trunc-trailer.gz', whole.subarray(0, whole.length - 3));
  const r2 = await readAll(inTrailer);
  assert.deepEqual(r2.events.map((e) => e.doc.n), seq(10), 'the data before a cut trailer is all there');
  assert.deepEqual(counts(r2.skipped), { 'truncated-gzip': 1 });
});

test('gzip with trailing garbage (text, zero padding, a fake gzip magic): every event kept, garbage counted once', async () => {
  const members = Buffer.concat([gzipSync(many(3000)), gzipSync('{"last":1}\n')]);
  for (const [name, garbage] of [
    ['text', Buffer.from('garbage appended by a broken collector\n')],
    ['zeros', Buffer.alloc(4096)],
    ['fake-magic', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x03, 0x01, 0x02, 0x03])],
  ] as const) {
    const f = write(dir, `garbage-${name}.gz`, Buffer.concat([members, garbage]));
    const { events, skipped } = await readAll(f);
    assert.equal(events.length, 3001, name);
    assert.deepEqual(events.at(-1)?.doc, { last: 1 }, name);
    assert.equal(events.at(-1)?.line, 3001, name);
    // Zero padding (dd / tape blocks) is ignored silently, as gzip(1) does ("trailing zero bytes ignored").
    if (name === 'zeros' && Object.keys(skipped).length === 0) continue;
    assert.equal(Object.values(counts(skipped)).reduce((a, b) => a + b, 0), 1, `${name}: exactly one skip: ${JSON.stringify(counts(skipped))}`);
    const kind = Object.keys(skipped)[0] as 'gzip-trailing-garbage' | 'truncated-gzip';
    assert.ok(kind === 'gzip-trailing-garbage' || (name === 'fake-magic' && kind === 'truncated-gzip'), `${name}: ${kind}`);
    assert.deepEqual(where(skipped, kind), [[f, undefined]], name);
  }
});

test('concatenated gzip with a corrupt middle member: the members around it are read exactly', async () => {
  const middle = Buffer.from(gzipSync(many(2000, 'm')));
  for (let i = 40; i < middle.length - 20; i++) middle[i] ^= 0x5a;
  const f = write(dir, 'corrupt-middle.gz', Buffer.concat([gzipSync(many(2000, 'a')), middle, gzipSync(many(3, 'z'))]));
  const { events, skipped } = await readAll(f);
  assert.deepEqual(counts(skipped), { 'truncated-gzip': 1 });
  assert.deepEqual(where(skipped, 'truncated-gzip'), [[f, undefined]]);
  const a = events.filter((e) => 'a' in e.doc);
  assert.deepEqual(a.map((e) => e.doc.a), seq(2000));
  assert.deepEqual(a.map((e) => e.line), seq(2000, 1), 'lines before the damage are exact');
  assert.deepEqual(events.filter((e) => 'z' in e.doc).map((e) => e.doc.z), [0, 1, 2]);
  assert.equal(events.length, 2003, 'nothing but the corrupt member is lost');
});

test('empty inputs: 0-byte file, 0-byte .gz, valid gzip of nothing, gzip of blank lines — no events, nothing skipped', async () => {
  for (const f of [
    write(dir, 'empty-0.ndjson', ''),
    write(dir, 'empty-0.ndjson.gz', ''),
    write(dir, 'empty-valid.ndjson.gz', gzipSync('')),
    write(dir, 'empty-blank.ndjson.gz', gzipSync('\n\r\n  \n')),
    write(dir, 'empty-members.gz', Buffer.concat([gzipSync(''), gzipSync(''), gzipSync('')])),
  ]) {
    const { events, skipped } = await readAll(f);
    assert.equal(events.length, 0, f);
    assert.deepEqual(skipped, {}, f);
  }
});

// ---------------------------------------------------------------------------------------------
// huge and deep lines

const BIG = 100 * 1024 * 1024;

/** `prefix` + a 100 MB JSON object line `{"big":"xxx…"}` + `suffix`, written in 1 MiB blocks. */
function writeHuge(name: string, prefix: string, suffix: string): { file: string; closeAt: number } {
  const f = path.join(dir, name);
  const fd = openSync(f, 'w');
  writeSync(fd, `${prefix}{"big":"`);
  const block = Buffer.alloc(1 << 20, 'x');
  for (let i = 0; i < BIG / block.length; i++) writeSync(fd, block);
  const closeAt = Buffer.byteLength(prefix) + 8 + BIG; // offset of the closing `"}`
  writeSync(fd, `"}${suffix}`);
  closeSync(fd);
  return { file: f, closeAt };
}

test('a 100 MB single line between two small ones: valid JSON is one event; made invalid, one malformed-json; neighbours read', async () => {
  const { file: f, closeAt } = writeHuge('huge.ndjson', '{"a":1}\n', '\n{"a":3}\n');
  let r = await readAll(f);
  assert.deepEqual(r.skipped, {});
  assert.deepEqual(r.events.map((e) => e.line), [1, 2, 3]);
  assert.equal((r.events[1].doc.big as string).length, BIG);
  // Overwrite the closing `"}` in place: the 100 MB string is now unterminated.
  const fd = openSync(f, 'r+');
  writeSync(fd, 'xx', closeAt);
  closeSync(fd);
  r = await readAll(f);
  assert.deepEqual(lines(r.events), [[1, { a: 1 }], [3, { a: 3 }]]);
  assert.deepEqual(counts(r.skipped), { 'malformed-json': 1 });
  assert.deepEqual(where(r.skipped, 'malformed-json'), [[f, 2]]);
});

test(
  'a file that is one 100 MB NDJSON line is one event',
  async () => {
    const { file: f } = writeHuge('huge-only.ndjson', '', '\n');
    const r = await readAll(f);
    assert.deepEqual(r.skipped, {});
    assert.equal(r.events.length, 1);
    assert.equal((r.events[0].doc.big as string).length, BIG);
  },
);

test(
  'NDJSON whose first line is longer than the first read chunk (2 MB plain, 300 KB gzip) is still read line by line',
  async () => {
    const body = (n: number) => `{"big":"${'x'.repeat(n)}"}\n{"a":2}\n{"a":3}\n`;
    for (const f of [write(dir, 'long-first.ndjson', body(2 << 20)), write(dir, 'long-first.ndjson.gz', gzipSync(body(300_000)))]) {
      const r = await readAll(f);
      assert.deepEqual(r.skipped, {}, f);
      assert.deepEqual(r.events.map((e) => e.line), [1, 2, 3], f);
    }
  },
);

test('a line of 10 million nested [ inside NDJSON: one malformed-json (open) / not-an-object (closed), no stack overflow', async () => {
  const open = '['.repeat(10_000_000);
  const f = write(dir, 'deep-open.ndjson', `{"a":1}\n${open}\n{"a":3}\n`);
  const r = await readAll(f);
  assert.deepEqual(lines(r.events), [[1, { a: 1 }], [3, { a: 3 }]]);
  assert.deepEqual(counts(r.skipped), { 'malformed-json': 1 });
  assert.deepEqual(where(r.skipped, 'malformed-json'), [[f, 2]]);
  const closed = write(dir, 'deep-closed.ndjson', `{"a":1}\n${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}\n{"a":3}\n`);
  const c = await readAll(closed);
  assert.deepEqual(lines(c.events), [[1, { a: 1 }], [3, { a: 3 }]]);
  assert.equal(Object.values(counts(c.skipped)).reduce((a, b) => a + b, 0), 1);
  assert.deepEqual(where(c.skipped, 'not-an-object').concat(where(c.skipped, 'malformed-json')), [[closed, 2]]);
});

test('an event whose process.args nests 100,000 deep: hunt and query finish and say where; the other event is found', async () => {
  const good = { '@timestamp': '2026-11-20T10:00:00.000Z', event: { category: ['process'] }, host: { name: 'h1' }, process: { name: 'bash', args: ['bash', '-c', 'id'] } };
  const deep = `{"@timestamp":"2026-11-20T10:00:01.000Z","event":{"category":["process"]},"host":{"name":"h2"},"process":{"name":"bash","args":${'['.repeat(100_000)}"-c"${']'.repeat(100_000)}}}`;
  const f = write(dir, 'deep-field/d.ndjson', `${JSON.stringify(good)}\n${deep}\n`);
  const rules = path.join(dir, 'deep-field-rules');
  write(
    rules,
    'r.toml',
    `[metadata]\ncreation_date = "2026/01/01"\n\n[rule]\nauthor = ["t"]\ndescription = "d"\nname = "Bash -c"\nrisk_score = 21\nrule_id = "bash-c"\nseverity = "low"\ntype = "query"\nlanguage = "kuery"\nindex = ["logs-*"]\nquery = 'event.category:process and process.args:"-c"'\n`,
  );
  for (const workers of ['1', '2']) {
    const h = await runTrawl(['hunt', path.dirname(f), '-r', rules, '-f', 'json', '--no-progress', '--workers', workers]);
    assert.equal(h.code, 0, h.stderr);
    const out = JSON.parse(h.stdout);
    assert.deepEqual(out.hits.map((x: { host: string }) => x.host), ['h1']);
    assert.deepEqual(out.summary.warnings, [`rule bash-c failed on 1 event(s), first at ${f}:2: Maximum call stack size exceeded`]);
  }
  // The query matches both, and cannot write the deep one: counted at its line, exit 1.
  const q = await runTrawl(['query', 'process.name:bash', f]);
  assert.equal(q.code, 1, q.stderr);
  assert.equal(q.stdout.trim().split('\n').length, 1);
  assert.match(q.stderr, /^1 match\(es\) in 2 events from 1 file\(s\); skipped: 1 too-deep$/m);
  const at = f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  assert.match(q.stderr, new RegExp(`too-deep  ${at}:2: a match nested too deeply to write`));
  // A query whose own evaluation recurses into the deep field: that event is skipped, not the query.
  const e = await runTrawl(['query', 'process.args:"-c"', f]);
  assert.equal(e.code, 1, e.stderr);
  assert.equal(JSON.parse(e.stdout.trim()).host.name, 'h1');
  assert.match(e.stderr, new RegExp(`too-deep  ${at}:2: a document nested too deeply to evaluate`));
});

test('a file that starts with 10 million nested [ (sniffed as a JSON array): malformed-json, no crash, bounded time', async () => {
  const f = write(dir, 'deep-first.json', '['.repeat(10_000_000));
  const started = Date.now();
  const r = await readAll(f);
  assert.equal(r.events.length, 0);
  assert.deepEqual(counts(r.skipped), { 'malformed-json': 1 });
  assert.equal(where(r.skipped, 'malformed-json')[0][0], f);
  assert.ok(Date.now() - started < 60_000, `took ${Date.now() - started} ms`);
});

// ---------------------------------------------------------------------------------------------
// encodings and line endings

test('NUL bytes and invalid UTF-8: raw NULs, NUL-filled sparse regions, overlong and surrogate encodings are counted by line', async () => {
  const f = write(
    dir,
    'nul-utf8.ndjson',
    Buffer.concat([
      Buffer.from('{"ok":1}\n{"raw":"a'),
      Buffer.from([0x00]),
      Buffer.from('b"}\n'),
      Buffer.alloc(300, 0), // a hole from a crashed writer, no newline inside
      Buffer.from('\n{"ok":4}\n{"bad":"'),
      Buffer.from([0xc0, 0xaf]), // overlong '/'
      Buffer.from('"}\n{"bad":"'),
      Buffer.from([0xed, 0xa0, 0x80]), // UTF-16 surrogate encoded in UTF-8
      Buffer.from('"}\n{"esc":"a\\u0000b"}\n{"bad":"'),
      Buffer.from([0xff]),
      Buffer.from('"}'),
    ]),
  );
  const { events, skipped } = await readAll(f);
  assert.deepEqual(lines(events), [[1, { ok: 1 }], [4, { ok: 4 }], [7, { esc: 'a\u0000b' }]]);
  assert.deepEqual(counts(skipped), { 'malformed-json': 2, 'invalid-utf8': 3 });
  assert.deepEqual(where(skipped, 'malformed-json'), [[f, 2], [f, 3]]);
  assert.deepEqual(where(skipped, 'invalid-utf8'), [[f, 5], [f, 6], [f, 8]]);
});

test('invalid UTF-8 inside gzip, split across decode chunks, is counted on the right line', async () => {
  const pad = `{"p":"${'x'.repeat(1000)}"}\n`;
  const body = Buffer.concat([Buffer.from(pad.repeat(300)), Buffer.from('{"bad":"'), Buffer.from([0xe2, 0x28, 0xa1]), Buffer.from('"}\n'), Buffer.from(pad.repeat(300))]);
  const f = write(dir, 'utf8.gz', gzipSync(body));
  const { events, skipped } = await readAll(f);
  assert.equal(events.length, 600);
  assert.deepEqual(counts(skipped), { 'invalid-utf8': 1 });
  assert.deepEqual(where(skipped, 'invalid-utf8'), [[f, 301]]);
});

test('UTF-16LE evidence (a Windows export) is counted line by line, never silently dropped', async () => {
  const text = '{"a":1}\n{"a":2}\n{"a":3}\n';
  const f = write(dir, 'utf16.ndjson', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
  const { events, skipped } = await readAll(f);
  const total = Object.values(counts(skipped)).reduce((a, b) => a + b, 0);
  assert.equal(events.length + total, 4, `events ${events.length} + skipped ${JSON.stringify(counts(skipped))} cover the 4 non-blank lines`);
});

test('BOM: before NDJSON, before a JSON array, before a pretty document, inside gzip; a mid-file BOM (cat of two exports) is counted', async () => {
  const bom = '\ufeff';
  const nd = write(dir, 'bom.ndjson', `${bom}{"a":1}\n{"a":2}\n`);
  assert.deepEqual(lines((await readAll(nd)).events), [[1, { a: 1 }], [2, { a: 2 }]]);
  const arr = write(dir, 'bom-array.json', `${bom}[{"a":1},{"a":2}]`);
  const ra = await readAll(arr);
  assert.deepEqual(ra.skipped, {});
  assert.deepEqual(lines(ra.events), [[0, { a: 1 }], [1, { a: 2 }]]);
  const doc = write(dir, 'bom-doc.json', `${bom}${JSON.stringify({ a: { b: 1 } }, null, 2)}`);
  assert.deepEqual(lines((await readAll(doc)).events), [[1, { a: { b: 1 } }]]);
  const gz = write(dir, 'bom.ndjson.gz', gzipSync(`${bom}{"a":1}\r\n{"a":2}\r\n`));
  const rg = await readAll(gz);
  assert.deepEqual(rg.skipped, {});
  assert.deepEqual(lines(rg.events), [[1, { a: 1 }], [2, { a: 2 }]]);
  const cat = write(dir, 'bom-cat.ndjson', `${bom}{"a":1}\n${bom}{"a":2}\n{"a":3}\n`);
  const rc = await readAll(cat);
  const total = Object.values(counts(rc.skipped)).reduce((a, b) => a + b, 0);
  assert.equal(rc.events.length + total, 3, 'the mid-file BOM line is read or counted');
  assert.deepEqual(lines(rc.events).filter(([l]) => l !== 2), [[1, { a: 1 }], [3, { a: 3 }]]);
});

test('CRLF across chunk boundaries, lone CR, CR-only blank lines', async () => {
  // Lines sized so a \r lands exactly at the end of the reader's 1 MiB chunk.
  const line = (i: number) => `{"i":${String(i).padStart(7, ' ')},"p":"${'x'.repeat(100)}"}\r\n`;
  const width = line(0).length;
  const n = Math.ceil((1 << 20) / width) + 10;
  let body = Array.from({ length: n }, (_, i) => line(i)).join('');
  // shift by a prefix so byte 1048575 is a '\r'
  const firstCr = body.indexOf('\r');
  const shift = ((1 << 20) - 1 - firstCr) % width;
  body = `${' '.repeat(shift)}${body}`;
  assert.equal(body[(1 << 20) - 1], '\r');
  const f = write(dir, 'crlf.ndjson', body + '\r\n{"tail":1}\r{"same-line":2}\r\n');
  const { events, skipped } = await readAll(f);
  assert.deepEqual(events.slice(0, n).map((e) => e.doc.i), seq(n));
  assert.deepEqual(events.slice(0, n).map((e) => e.line), seq(n, 1));
  assert.equal(events.length, n, 'the lone-CR line is one bad line, not an event');
  assert.deepEqual(counts(skipped), { 'malformed-json': 1 });
  assert.deepEqual(where(skipped, 'malformed-json'), [[f, n + 2]]);
});

// ---------------------------------------------------------------------------------------------
// JSON values

test('JSON values that are not objects are counted as not-an-object by line', async () => {
  const f = write(dir, 'values.ndjson', '{"ok":1}\n42\n"s"\nnull\ntrue\n[]\n[{"a":1}]\n-0\n1e999\n{"ok":2}\n');
  const { events, skipped } = await readAll(f);
  assert.deepEqual(lines(events), [[1, { ok: 1 }], [10, { ok: 2 }]]);
  assert.deepEqual(counts(skipped), { 'not-an-object': 8 });
  assert.deepEqual(where(skipped, 'not-an-object').map(([, l]) => l), [2, 3, 4, 5, 6]); // first five examples
});

test(
  'NDJSON whose first line is an array (sniffed as a JSON array): the objects on later lines are still read',
  async () => {
  const f = write(dir, 'array-first.ndjson', '[1,2]\n{"a":2}\n{"a":3}\n');
  const { events, skipped } = await readAll(f);
  assert.deepEqual(events.map((e) => e.doc), [{ a: 2 }, { a: 3 }], `got ${JSON.stringify(events.map((e) => e.doc))}, skipped ${JSON.stringify(counts(skipped))}`);
  },
);

test('duplicate keys: the last wins, as JSON.parse; queries see only the last value', async () => {
  const f = write(dir, 'dup.ndjson', '{"a":1,"a":2,"p":{"n":"x"},"p":{"n":"y"}}\n');
  const { events, skipped } = await readAll(f);
  assert.deepEqual(skipped, {});
  assert.deepEqual(events[0].doc, { a: 2, p: { n: 'y' } });
  assert.equal(compileKql('a:2 and p.n:y', { now: 0 })(events[0].doc), true);
  assert.equal(compileKql('a:1 or p.n:x', { now: 0 })(events[0].doc), false);
});

test('__proto__ / constructor keys: no prototype pollution, and inherited properties are never fields', async () => {
  const f = write(
    dir,
    'proto.ndjson',
    '{"__proto__":{"polluted":true,"process":{"name":"evil"}},"constructor":{"prototype":{"p":1}},"process":{"name":"sh"}}\n{"plain":1}\n',
  );
  const { events, skipped } = await readAll(f);
  assert.deepEqual(skipped, {});
  const [hostile, plain] = events.map((e) => e.doc);
  assert.equal(Object.getPrototypeOf(hostile), Object.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal((Object.prototype as Record<string, unknown>).p, undefined);
  const kql = (q: string, d: Record<string, unknown>) => compileKql(q, { now: 0 })(d);
  assert.equal(kql('process.name:sh', hostile), true);
  assert.equal(kql('process.name:evil', hostile), false, 'the __proto__ payload does not become process.name');
  // Inherited properties of plain objects, arrays and strings are not document fields.
  for (const q of ['constructor:*', 'toString:*', '__proto__:*', 'hasOwnProperty:*', 'plain.constructor:*', 'constructor.name:Object']) {
    assert.equal(kql(q, plain), false, `${q} must not match {"plain":1}`);
  }
  assert.equal(kql('process.name.length:2', hostile), false, 'a string has no fields');
  assert.equal(({} as Record<string, unknown>).polluted, undefined, 'still no pollution after querying');
});

test('__proto__ / constructor through ES|QL: inherited properties are null', () => {
  const ex = compileEsql('FROM logs | EVAL c = TO_STRING(constructor), t = TO_STRING(toString) | KEEP c, t', { now: 0 }).createExecutor();
  ex.push({ plain: 1 }, {});
  assert.deepEqual(ex.finish().rows.map((r) => r.values), [[null, null]]);
});

test('integers beyond 2^53 keep their exact digits (as decimal strings); safe integers stay numbers', async () => {
  const f = write(dir, 'bigint.ndjson', '{"process":{"pid":9007199254740993}}\n{"process":{"pid":9007199254740992}}\n{"n":123456789012345678901234567890,"s":"9007199254740993","ok":9007199254740991}\n');
  const { events, skipped } = await readAll(f);
  assert.deepEqual(skipped, {});
  const pid = (i: number) => (events[i].doc.process as { pid: unknown }).pid;
  // Documented behaviour: JSON.parse would round 9007199254740993 to 9007199254740992; trawl keeps the digits.
  assert.equal(String(pid(0)), '9007199254740993');
  assert.equal(String(pid(1)), '9007199254740992');
  assert.equal(String(events[2].doc.n), '123456789012345678901234567890');
  assert.equal(events[2].doc.s, '9007199254740993', 'strings stay strings');
  assert.equal(events[2].doc.ok, 9007199254740991, 'MAX_SAFE_INTEGER stays a number');
  // Read through the reader, the KQL query tells the two pids apart.
  const q = (text: string) => events.map((e) => compileKql(text, { now: 0 })(e.doc));
  assert.deepEqual(q('process.pid:9007199254740993'), [true, false, false]);
  assert.deepEqual(q('process.pid:9007199254740992'), [false, true, false]);
});

test(
  'big-integer rewriting never turns valid JSON into a skip, nor invalid JSON into an event',
  async () => {
    const f = write(
      dir,
      'bigint-edges.ndjson',
      [
        '{"x":0.30000000000000004}', // JSON.stringify(0.1 + 0.2)
        '{"x":1.5e12345678901234567890}', // valid JSON: Infinity
        '{"x":0012345678901234567}', // invalid: leading zeros
        '{12345678901234567890:1}', // invalid: a bare key
        '{"x":1E12345678901234567}', // valid JSON: Infinity
        '{"x":-0.00000000000000000001}',
      ].join('\n') + '\n',
    );
    const { events, skipped } = await readAll(f);
    assert.deepEqual(lines(events), [[1, { x: 0.30000000000000004 }], [2, { x: Infinity }], [5, { x: Infinity }], [6, { x: -1e-20 }]]);
    assert.deepEqual(counts(skipped), { 'malformed-json': 2 });
    assert.deepEqual(where(skipped, 'malformed-json'), [[f, 3], [f, 4]]);
  },
);

test('KQL process.pid:9007199254740993 does not match a numeric pid 9007199254740992 (a document built in memory)', () => {
  const pred = compileKql('process.pid:9007199254740993', { now: 0 });
  assert.equal(pred({ process: { pid: 9007199254740992 } }), false);
});

// ---------------------------------------------------------------------------------------------
// wrong field types through a real hunt with the bundled rules

test('wrong types on rule fields (args as a string, category as a number, bad/missing/epoch @timestamp): hunt completes, right hits', async () => {
  const base = {
    '@timestamp': '2026-11-21T14:02:00.000Z',
    host: { name: 'mac-01', os: { type: 'macos' } },
    data_stream: { dataset: 'endpoint.events.process', namespace: 'default', type: 'logs' },
    event: { category: ['process'], type: ['start'], action: 'exec' },
    process: { name: 'xxd', args: ['xxd', '/private/var/db/SystemKey'], executable: '/usr/bin/xxd' },
  };
  const variant = (pid: number, patch: (d: Record<string, any>) => void) => {
    const d = structuredClone(base) as Record<string, any>;
    d.process.pid = pid;
    patch(d);
    return JSON.stringify(d);
  };
  const docs = [
    variant(1, () => {}),
    variant(2, (d) => (d.process.args = '/private/var/db/SystemKey')),
    variant(3, (d) => (d.event.category = 42)),
    variant(4, (d) => delete d['@timestamp']),
    variant(5, (d) => (d['@timestamp'] = 'yesterday-ish')),
    variant(6, (d) => (d['@timestamp'] = 1795269720000)),
    variant(7, (d) => (d.event.category = 'process')),
    variant(8, (d) => {
      d.process.args = 42;
      d.host.os = 'macos';
      d.event.type = null;
      d['@timestamp'] = { nested: true };
    }),
    variant(9, (d) => (d.process = 'xxd /private/var/db/SystemKey')),
  ];
  const ev = tempDir();
  write(ev, 'types.ndjson', docs.join('\n') + '\n');
  const r = await runTrawl(['hunt', ev, '-f', 'json', '--no-progress']);
  assert.doesNotMatch(r.stderr, /TypeError|RangeError|ReferenceError|\n\s+at /, r.stderr);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { hits: { rule: { name: string }; event: { process: { pid: number } } }[]; summary: { events: number; skipped: object } };
  assert.equal(out.summary.events, docs.length);
  assert.deepEqual(out.summary.skipped, {});
  const pids = out.hits.filter((h) => h.rule.name === 'SystemKey Access via Command Line').map((h) => h.event.process.pid).sort((a, b) => a - b);
  for (const pid of [1, 2, 6, 7]) assert.ok(pids.includes(pid), `variant ${pid} must hit (got ${pids})`);
  for (const pid of [3, 8, 9]) assert.ok(!pids.includes(pid), `variant ${pid} must not hit (got ${pids})`);
});

// ---------------------------------------------------------------------------------------------
// paths

test('a dangling symlink in a directory is one unreadable-file; the other files are read', async () => {
  const d = tempDir();
  const good = write(d, 'good.ndjson', '{"a":1}\n');
  const dangling = path.join(d, 'gone.ndjson');
  symlinkSync(path.join(d, 'nowhere.ndjson'), dangling);
  const ledger = new SkipLedger();
  const files = await discoverEvidence([d], ledger);
  assert.deepEqual(files.map((x) => x.path), [good]);
  assert.deepEqual(counts(ledger.byKind), { 'unreadable-file': 1 });
  assert.deepEqual(where(ledger.byKind, 'unreadable-file'), [[dangling, undefined]]);
});

test('a file chmod 000 is one unreadable-file (skipped as root: root reads anything)', { skip: process.getuid?.() === 0 ? 'running as root: chmod 000 does not stop reads' : false }, async () => {
  const d = tempDir();
  const f = write(d, 'locked.ndjson', '{"a":1}\n');
  chmodSync(f, 0);
  const r = await readAll(f);
  assert.equal(r.events.length, 0);
  assert.deepEqual(counts(r.skipped), { 'unreadable-file': 1 });
});

test('symlink loops: directory loop, self-loop and two-link cycle — counted, never followed forever', async () => {
  const d = tempDir();
  const good = write(d, 'sub/good.ndjson', '{"a":1}\n');
  symlinkSync(d, path.join(d, 'sub', 'up')); // directory loop
  symlinkSync(path.join(d, 'self.ndjson'), path.join(d, 'self.ndjson')); // ELOOP
  symlinkSync(path.join(d, 'b.ndjson'), path.join(d, 'a.ndjson'));
  symlinkSync(path.join(d, 'a.ndjson'), path.join(d, 'b.ndjson'));
  const ledger = new SkipLedger();
  const files = await discoverEvidence([d, path.join(d, 'self.ndjson')], ledger);
  assert.deepEqual(files.map((x) => x.path), [good]);
  assert.deepEqual(counts(ledger.byKind), { 'unreadable-file': 4 });
  assert.deepEqual(where(ledger.byKind, 'unreadable-file').map(([f]) => path.basename(f)).sort(), ['a.ndjson', 'b.ndjson', 'self.ndjson', 'self.ndjson']);
});

// ---------------------------------------------------------------------------------------------
// files changing under the reader

async function readWhile(file: string, onFirstBatch: () => void) {
  const ledger = new SkipLedger();
  const events: TrawlEvent[] = [];
  let first = true;
  for await (const batch of readEvidenceFile(file, { ledger })) {
    events.push(...batch);
    if (first) {
      first = false;
      onFirstBatch();
    }
  }
  return { events, skipped: ledger.byKind };
}

const rec = (i: number) => `{"i":${i},"pad":"${'q'.repeat(80)}"}\n`;

test('a file that grows while being read: no crash, a consistent prefix, at most the cut line counted', async () => {
  const f = write(dir, 'grows.ndjson', Array.from({ length: 50_000 }, (_, i) => rec(i)).join(''));
  let appended = 50_000;
  let stop = false;
  const appender = (async () => {
    while (!stop && appended < 150_000) {
      // Append whole lines in pieces that sometimes split a line between two writes.
      const chunk = Array.from({ length: 1000 }, (_, k) => rec(appended + k)).join('');
      const cut = 37 + (appended % 200);
      appendFileSync(f, chunk.slice(0, cut));
      await new Promise((r) => setImmediate(r));
      appendFileSync(f, chunk.slice(cut));
      appended += 1000;
      await new Promise((r) => setImmediate(r));
    }
  })();
  const { events, skipped } = await readWhile(f, () => {});
  stop = true;
  await appender;
  assert.ok(events.length >= 50_000, `read ${events.length}`);
  assert.deepEqual(events.map((e) => e.doc.i), seq(events.length), 'a prefix, in order, no duplicates');
  assert.deepEqual(events.map((e) => e.line), seq(events.length, 1));
  const c = counts(skipped);
  assert.ok(Object.keys(c).every((k) => k === 'malformed-json') && (c['malformed-json'] ?? 0) <= 1, JSON.stringify(c));
  if (c['malformed-json']) assert.deepEqual(where(skipped, 'malformed-json'), [[f, events.length + 1]]);
});

test('a file truncated while being read: no crash, a consistent prefix, at most the cut line counted', async () => {
  const n = 250_000; // ~25 MB: far more than the reader buffers ahead
  const f = write(dir, 'shrinks.ndjson', Array.from({ length: n }, (_, i) => rec(i)).join(''));
  const size = statSync(f).size;
  const cutAt = Math.floor(size / 2) + 17; // mid-line
  const { events, skipped } = await readWhile(f, () => truncateSync(f, cutAt));
  assert.ok(events.length >= 2048 && events.length < n, `read ${events.length}`);
  assert.deepEqual(events.map((e) => e.doc.i), seq(events.length));
  assert.deepEqual(events.map((e) => e.line), seq(events.length, 1));
  const c = counts(skipped);
  assert.ok(Object.keys(c).every((k) => k === 'malformed-json' || k === 'read-error') && Object.values(c).reduce((a, b) => a + b, 0) <= 1, JSON.stringify(c));
});

test('a gzip file truncated while being read: a consistent prefix and one truncated-gzip', async () => {
  const n = 200_000; // random hex: ~20 MB of gzip, far more than the reader buffers ahead
  const f = write(dir, 'shrinks.ndjson.gz', gzipSync(Array.from({ length: n }, (_, i) => `{"i":${i},"r":"${randomBytes(48).toString('hex')}"}\n`).join(''), { level: 1 }));
  const size = statSync(f).size;
  const { events, skipped } = await readWhile(f, () => truncateSync(f, Math.floor(size / 2)));
  assert.ok(events.length < n, `read ${events.length}`);
  assert.deepEqual(events.map((e) => e.doc.i), seq(events.length));
  assert.deepEqual(counts(skipped), { 'truncated-gzip': 1 });
});

// ---------------------------------------------------------------------------------------------
// stdin

test('stdin closed mid-line: the complete lines are output, the cut line counted, exit 1', async () => {
  const r = await runTrawl(['query', '*', '-', '--no-progress'], { input: '{"a":1}\n{"a":2}\n{"a":' });
  assert.equal(r.code, 1, r.stderr);
  const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(out.map((d) => [d.a, d['@trawl'].file, d['@trawl'].line]), [[1, '<stdin>', 1], [2, '<stdin>', 2]]);
  assert.match(r.stderr, /malformed-json/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('gzip on stdin cut mid-member: the decodable lines are output, truncated-gzip counted, exit 1', async () => {
  const gz = gzipSync(many(20000, 'a'));
  const r = await runTrawl(['query', 'a < 5', '-', '--no-progress'], { input: gz.subarray(0, Math.floor(gz.length / 2)) });
  assert.equal(r.code, 1, r.stderr);
  const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(out.map((d) => d.a), [0, 1, 2, 3, 4]);
  assert.match(r.stderr, /truncated-gzip/);
});
