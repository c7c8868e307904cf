import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fieldProjector, nativeLineGate } from '../../src/input/line-gate.js';
import { sampleLines } from '../helpers/samples.js';

const native = nativeLineGate();
const skip = native ? false : 'skipped: the native line reader is not built (npm run build builds it when a C++ toolchain is present)';

type Wants = Map<string, Wants | true>;

/** The paths a projector of `fields` wants: Elasticsearch hits carry them under _source. */
function wantsOf(fields: string[]): Wants {
  const root: Wants = new Map();
  for (const f of [...fields, ...fields.map((x) => `_source.${x}`), '_index', '_id']) {
    let node = root;
    const segs = f.split('.');
    for (let i = 0; i < segs.length; i++) {
      const next = node.get(segs[i]);
      if (next === true) break;
      if (i === segs.length - 1) node.set(segs[i], true);
      else if (next) node = next;
      else node.set(segs[i], (node = new Map()));
    }
  }
  return root;
}

/** The key's entry: its own, or where its dotted segments lead ("a.b" is a → b). */
function childOf(w: Wants, key: string): Wants | true | undefined {
  const own = w.get(key);
  if (own !== undefined || !key.includes('.')) return own;
  let node: Wants | true | undefined = w;
  for (const seg of key.split('.')) {
    if (node === true) return true;
    node = node.get(seg);
    if (node === undefined) return undefined;
  }
  return node;
}

/** What the projection must equal: JSON.parse's value, keeping only the wanted paths. */
function reference(value: unknown, w: Wants | true): unknown {
  if (w === true || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => reference(v, w));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const c = childOf(w, k);
    if (c !== undefined) Object.defineProperty(out, k, { value: reference(v, c), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Project `line` placed inside a larger buffer, so the bounds are exercised too. */
function project(fields: string[], line: string): Record<string, unknown> | undefined {
  const projector = fieldProjector(fields);
  assert.ok(projector);
  const body = Buffer.from(line, 'utf8');
  const buf = Buffer.concat([Buffer.from('{"x":1}\n'), body, Buffer.from('\n{"y":2}')]);
  const text = projector.see(buf, 8, 8 + body.length);
  assert.notEqual(typeof text, 'number', 'a new projector has met no text');
  return text === undefined ? undefined : (JSON.parse(text as string) as Record<string, unknown>);
}

/** The ordinary path's answer for a line the gate may see: an object, or undefined when it takes the line. */
function parsedObject(line: string): Record<string, unknown> | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

const FIELDS = ['event.category', 'host.os.type', 'process.name', 'process.args', 'data_stream.dataset', 'file.path'];

test('native projection of the samples equals JSON.parse keeping the wanted fields', { skip }, () => {
  const lines = sampleLines();
  assert.ok(lines.length > 100);
  for (const fields of [FIELDS, ['process'], ['@timestamp', 'process.parent.name', 'user.name', 'nope.nothing']]) {
    const w = wantsOf(fields);
    for (const line of lines) {
      const got = project(fields, line);
      assert.ok(got, `projected: ${line.slice(0, 80)}`);
      assert.deepStrictEqual(got, reference(JSON.parse(line), w));
    }
  }
});

test('native projection: dotted keys, arrays of objects, escapes, duplicates and numbers as JSON.parse reads them', { skip }, () => {
  const cases: [string[], string][] = [
    [['process.name'], '{"process.name":"a","process":{"name":"b"},"other":[1,{"x":2}]}'],
    [['a.b.c'], '{"a":[{"b.c":1},{"b":{"c":[2,3]}},{"b":null},7],"a.b":{"c":true}}'],
    [['a'], '{"a":{"deep":[{"x":"y"}],"n":null}}'],
    [['s'], '{"s":"q\\"uo\\\\te\\/ \\b\\f\\n\\r\\t \\u00e9\\u20ac \\ud83d\\ude00 lone \\ud800 end"}'],
    [['k'], '{"k":1,"k":{"z":2},"k":"last"}'],
    [['n'], '{"n":[0,-0,1.5,-2.25e-3,1E5,123456789012345,9007199254740,1e308]}'],
    [['__proto__.x'], '{"__proto__":{"x":1}}'],
    [['e'], '{"e":{},"f":[],"e2":[[]]}'],
    [['t'], ' \t{ "t" : [ true , false , null ] } \r'],
    // an Elasticsearch hit: the fields under _source, with its index and id
    [['a.b'], '{"_index":".ds-logs-x-2026.01.01-000001","_id":7,"_score":1,"_source":{"a":{"b":1,"c":2},"d":3}}'],
  ];
  for (const [fields, line] of cases) {
    const got = project(fields, line);
    assert.ok(got, `projected: ${line}`);
    assert.deepStrictEqual(got, reference(JSON.parse(line), wantsOf(fields)), line);
  }
  // -0 survives (deepStrictEqual compares with Object.is).
  assert.ok(Object.is((project(['n'], '{"n":-0}') as { n: number }).n, -0));
});

test('native projection declines what only the ordinary path may judge', { skip }, () => {
  const declined = [
    // malformed
    '{"a":1,}', '{"a":1', '{"a" 1}', '{a:1}', '{"a":01}', '{"a":1.}', '{"a":.5}', '{"a":-}', '{"a":1e}', '{"a":tru}',
    '{"a":"\\x"}', '{"a":"\\u12g4"}', '{"a":"tab\there"}', '{"a":[1,]}', '{"a":[1 2]}', '{"a":1} x', '{"a":1}{}',
    '{"a":NaN}', '{"a":Infinity}', "{'a':1}", '{"a":"unterminated}',
    // not an object
    '[1,2]', '"text"', '42', 'null',
    // not ASCII, escaped keys, hit wrappers, long integers, nesting deeper than the reader goes
    '{"a":"é"}', '{"\\u0061":1}', '{"hits":{"hits":[]},"took":1}',
    '{"a":12345678901234567}', '{"a":{"b":-9007199254740993}}',
    `{"a":${'['.repeat(300)}${']'.repeat(300)}}`,
  ];
  for (const line of declined) assert.equal(project(['a', 'x'], line), undefined, line);
  // An unwanted long integer is only skipped; a non-ASCII byte anywhere declines.
  assert.deepEqual(project(['a'], '{"a":1,"b":12345678901234567}'), { a: 1 });
  assert.equal(project(['a'], '{"a":1,"b":"ü"}'), undefined);
});

test('see numbers the projections it met; forget starts the numbers afresh', { skip }, () => {
  const projector = fieldProjector(['a']);
  assert.ok(projector);
  const lines = ['{"a":1,"b":2}', '{"b":3,"a":1}', '{"a":2}', '{"a":1', '{"a":"' + 'x'.repeat(5000) + '"}'];
  const buf = Buffer.from(lines.join('\n'));
  const at: [number, number][] = [];
  for (let s = 0, i = 0; i < lines.length; s += Buffer.byteLength(lines[i]) + 1, i++) at.push([s, s + Buffer.byteLength(lines[i])]);
  const see = (i: number) => projector.see(buf, at[i][0], at[i][1]);
  assert.equal(see(0), '{"a":1}');
  assert.equal(see(1), 0, 'the same projection from another line');
  assert.equal(see(2), '{"a":2}');
  assert.equal(see(0), 0);
  assert.equal(see(2), 1);
  assert.equal(see(3), undefined, 'declined: takes no number');
  // A long projection is numbered (2) but not remembered: met again, it is text again (3).
  assert.equal(see(4), `{"a":"${'x'.repeat(5000)}"}`);
  assert.equal(typeof see(4), 'string');
  assert.equal(see(2), 1);
  assert.equal(see(0), 0);
  projector.forget();
  assert.equal(see(2), '{"a":2}');
  assert.equal(see(0), '{"a":1}');
  assert.equal(see(1), 1);
  assert.equal(see(2), 0);
  // The numbers after the long projections' are the count of texts returned: 0, 1, then 2.
  projector.forget();
  assert.equal(typeof see(4), 'string');
  assert.equal(see(0), '{"a":1}');
  assert.equal(see(1), 1);
});

test('native projection: a quote, escape, control or non-ASCII byte anywhere in a long string', { skip }, () => {
  // The reader scans strings sixteen bytes at a time: every offset within and across blocks.
  const base = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ';
  for (let i = 0; i <= base.length; i++) {
    const at = (ins: string) => base.slice(0, i) + ins + base.slice(i);
    for (const field of ['a', 'b']) {
      const escaped = `{"a":"${at('\\"')}","b":"${at('\\u0041\\n')}"}`;
      assert.deepStrictEqual(project([field], escaped), reference(JSON.parse(escaped), wantsOf([field])), escaped);
      assert.equal(project([field], `{"a":"${at('\u0001')}","b":1}`), undefined, `control byte at ${i}`);
      assert.equal(project([field], `{"a":"${at('é')}","b":1}`), undefined, `non-ASCII at ${i}`);
      assert.equal(project([field], `{"a":"${base.slice(0, i)}`), undefined, `unterminated after ${i}`);
    }
  }
});

/** JSON text with every non-ASCII character escaped, as many exporters write it. */
const asciiJson = (v: unknown) => JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

function hasEscapedKey(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some(hasEscapedKey);
  return Object.entries(v).some(([k, x]) => asciiJson(k) !== `"${k}"` || hasEscapedKey(x));
}

test('native projection equals JSON.parse on generated documents and wanted paths', { skip }, () => {
  const doc = fc.dictionary(fc.oneof(fc.constantFrom('a', 'b', 'a.b', 'c', 'b.c', '__proto__', 'x.y.z'), fc.string({ maxLength: 4 })), fc.jsonValue({ maxDepth: 4 }), {
    maxKeys: 6,
  });
  const fields = fc.array(fc.constantFrom('a', 'b', 'a.b', 'a.b.c', 'b.c', 'c', 'x.y', 'x.y.z', '__proto__.a', 'a.a'), { minLength: 1, maxLength: 4 });
  fc.assert(
    fc.property(doc, fields, (d, fs) => {
      const line = asciiJson(d);
      const got = project(fs, line);
      // Long integers and escaped keys are left to the ordinary path; anything else is projected.
      if (got === undefined) return /\d{16}/.test(line) || hasEscapedKey(d);
      assert.deepStrictEqual(got, reference(JSON.parse(line), wantsOf(fs)));
      return true;
    }),
    { numRuns: 400 },
  );
});

test('native projection never accepts a line JSON.parse rejects (mutated sample lines)', { skip }, () => {
  const lines = sampleLines().slice(0, 40);
  const edit = fc.tuple(fc.nat(), fc.constantFrom('', '{', '}', '[', ']', ',', ':', '"', '\\', ' ', '0', '-', 'e', '.', 'x', '\t', '\u0001', 'é'), fc.boolean());
  fc.assert(
    fc.property(fc.constantFrom(...lines), fc.array(edit, { minLength: 1, maxLength: 3 }), (line, edits) => {
      let text = line;
      for (const [at, ch, insert] of edits) {
        const i = at % (text.length + 1);
        text = text.slice(0, i) + ch + text.slice(insert ? i : i + 1);
      }
      const got = project(FIELDS, text);
      const parsed = parsedObject(text);
      if (parsed === undefined) {
        assert.equal(got, undefined, `accepted what JSON.parse rejects: ${text}`);
      } else if (got !== undefined) {
        assert.deepStrictEqual(got, reference(parsed, wantsOf(FIELDS)));
      }
    }),
    { numRuns: 1500 },
  );
});
