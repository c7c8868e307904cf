import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileField } from '../../src/fields/index.js';
import { compileProjection, compileProjectionWithoutCodegen } from '../../src/fields/projection.js';

type Doc = Record<string, unknown>;

/** Every getter reads from the projection exactly what it reads from the whole document. */
function sameThroughProjection(wanted: string[], doc: Doc, probes: string[] = wanted, compile = compileProjection): void {
  const p = compile(wanted)(doc);
  for (const path of probes) {
    const get = compileField(path);
    assert.deepEqual(get(p), get(doc), `${path} (wanted ${wanted.join(', ')}) on ${JSON.stringify(doc)} -> ${JSON.stringify(p)}`);
  }
}

test('projection keeps only wanted fields, in the document\'s own spelling', () => {
  const doc = {
    '@timestamp': '2026-01-01T00:00:00Z',
    process: { name: 'bash', pid: 7, args: ['-c', 'id'], parent: { name: 'sshd', pid: 1 } },
    'host.name': 'h1',
    host: { os: { type: 'linux' } },
    event: { category: ['process'], type: ['start'] },
    big: { blob: 'x'.repeat(1000) },
  };
  const p = compileProjection(['process.name', 'process.parent', 'host.name', 'event.category'])(doc);
  assert.deepEqual(p, {
    process: { name: 'bash', parent: { name: 'sshd', pid: 1 } },
    'host.name': 'h1',
    event: { category: ['process'] },
  });
  // nothing wanted under an object: the object is left out rather than kept empty
  assert.deepEqual(compileProjection(['user.name'])(doc), {});
});

test('projection: arrays of objects are projected element by element', () => {
  const doc = { threat: [{ tactic: { name: 'a', id: 1 }, x: 1 }, 'loose', { tactic: [{ name: 'b' }] }, null] };
  assert.deepEqual(compileProjection(['threat.tactic.name'])(doc), { threat: [{ tactic: { name: 'a' } }, 'loose', { tactic: [{ name: 'b' }] }, null] });
  sameThroughProjection(['threat.tactic.name'], doc);
});

test('projection: a wanted path inside another keeps the outer one whole', () => {
  const doc = { a: { b: { c: 1, d: 2 }, e: 3 } };
  assert.deepEqual(compileProjection(['a.b', 'a.b.c'])(doc), { a: { b: { c: 1, d: 2 } } });
  assert.deepEqual(compileProjection(['a.b.c', 'a.b'])(doc), { a: { b: { c: 1, d: 2 } } });
  assert.deepEqual(compileProjection(['a'])(doc), doc);
});

test('projection agrees with the field getters on randomised shapes', () => {
  let seed = 4242;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const segs = ['a', 'b', 'c', 'd'];
  const leaf = () => [1, 'x', null, ['y', null], true, [], [['z']], { deep: 1 }][rand(8)];
  const place = (obj: Doc, from: number, value: unknown) => {
    const j = from + rand(segs.length - from);
    const key = segs.slice(from, j + 1).join('.');
    if (j === segs.length - 1) {
      obj[key] = value;
      return;
    }
    let child = obj[key];
    if (Array.isArray(child)) child = child[rand(child.length)];
    if (child === null || typeof child !== 'object') {
      child = {};
      obj[key] = rand(5) === 0 ? [child, { other: 1 }, 'p'] : child;
    }
    place(child as Doc, j + 1, value);
  };
  const paths = ['a.b.c.d', 'a.b.c', 'a.b', 'a', 'b.c.d', 'a.c', 'other', 'a.b.other'];
  for (let t = 0; t < 3000; t++) {
    const doc: Doc = {};
    for (let i = 1 + rand(4); i > 0; i--) place(doc, 0, leaf());
    if (rand(4) === 0) doc[['a', 'a.b', 'a.b.c'][rand(3)]] = [null, 'q', 3, { b: 1 }][rand(4)];
    const wanted = paths.filter(() => rand(3) === 0);
    // What was wanted reads the same; through the general projection, so does anything below
    // it (the generated one may drop `{"a": {"b.c": …}}` for a wanted `a.b`).
    sameThroughProjection(wanted, doc);
    sameThroughProjection(wanted, doc, [...wanted, ...wanted.map((w) => `${w}.d`)], compileProjectionWithoutCodegen);
    // On plain nested documents the two are the same projection.
    if (!JSON.stringify(doc).match(/"[^"]*\.[^"]*":/)) assert.deepEqual(compileProjection(wanted)(doc), compileProjectionWithoutCodegen(wanted)(doc));
  }
});

test('projection: an object of wanted leaves is shared while its values repeat', () => {
  const project = compileProjection(['host.name', 'host.id', '@timestamp', 'process.pid']);
  const doc = (t: string, name: string, pid: number) => JSON.parse(JSON.stringify({ '@timestamp': t, host: { name, id: 'h-1', os: {} }, process: { pid } }));
  const a = project(doc('t1', 'web', 1));
  const b = project(doc('t2', 'web', 2));
  const c = project(doc('t3', 'db', 3));
  assert.deepEqual(b, { '@timestamp': 't2', host: { name: 'web', id: 'h-1' }, process: { pid: 2 } });
  assert.equal(a['host'], b['host'], 'same values: one object');
  assert.notEqual(b['host'], c['host']);
  assert.deepEqual(c['host'], { name: 'db', id: 'h-1' });
  // A leaf that disappears is not inherited from the shared object.
  const d = project(JSON.parse('{"host": {"name": "db"}}'));
  assert.deepEqual(d, { host: { name: 'db' } });
});
