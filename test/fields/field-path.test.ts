import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileField, getField, toValues } from '../../src/fields/index.js';

test('nested, dotted and mixed keys resolve the same field', () => {
  const get = compileField('process.parent.name');
  assert.equal(get({ process: { parent: { name: 'bash' } } }), 'bash');
  assert.equal(get({ 'process.parent.name': 'bash' }), 'bash');
  assert.equal(get({ process: { 'parent.name': 'bash' } }), 'bash');
  assert.equal(get({ 'process.parent': { name: 'bash' } }), 'bash');
  assert.equal(get({ process: { parent: {} } }), undefined);
});

test('arrays along the path yield every element, flattened', () => {
  const doc = { dns: { answers: [{ ip: '1.1.1.1' }, { ip: ['8.8.8.8', '8.8.4.4'] }, {}] } };
  assert.deepEqual(getField(doc, 'dns.answers.ip'), ['1.1.1.1', '8.8.8.8', '8.8.4.4']);
  assert.deepEqual(getField({ process: { args: ['a', ['b'], null] } }, 'process.args'), ['a', 'b']);
  assert.deepEqual(toValues(getField({ a: 1 }, 'a')), [1]);
  assert.deepEqual(toValues(getField({}, 'a')), []);
});

test('arrays nested 100,000 deep, at the leaf or along the path, are read without recursing per level', () => {
  const nest = (v: unknown, n: number) => {
    for (let i = 0; i < n; i++) v = [v];
    return v;
  };
  const leaf = { process: { args: nest(['-c', null, 'id'], 100_000) } };
  const along = { dns: { answers: nest([{ ip: '1.1.1.1' }, [{ ip: ['8.8.8.8'] }]], 100_000) } };
  for (const get of [compileField, (p: string) => compileFieldWithoutCodegen(p)]) {
    assert.deepEqual(get('process.args')(leaf), ['-c', 'id']);
    assert.deepEqual(get('dns.answers.ip')(along), ['1.1.1.1', '8.8.8.8']);
  }
});

test('values found both nested and dotted are merged', () => {
  assert.deepEqual(getField({ 'a.b': 1, a: { b: 2 } }, 'a.b'), [2, 1]);
});

test('null is missing; inherited Object members are never fields', () => {
  assert.equal(getField({ a: null }, 'a'), undefined);
  assert.equal(getField({}, 'constructor'), undefined);
  assert.equal(getField({ a: {} }, 'a.toString'), undefined);
  assert.equal(getField({ a: {} }, 'a.__proto__'), undefined);
  const hostile = JSON.parse('{"__proto__": {"x": 1}, "constructor": "c"}');
  assert.deepEqual(getField(hostile, '__proto__.x'), 1);
  assert.equal(getField(hostile, 'constructor'), 'c');
  assert.equal(({} as Record<string, unknown>).x, undefined);
});

// ---------------------------------------------------------------------------------------------
// The fast (nested-first) getters must answer exactly like the general dotted-key search.

import { compileFieldRaw, compileFieldWithoutCodegen } from '../../src/fields/field-path.js';

/** The specification, written for clarity: every way of splitting the path into keys. */
function reference(doc: unknown, path: string): unknown {
  const segs = path.split('.');
  const out: unknown[] = [];
  let multi = false;
  const leaf = (v: unknown) => {
    if (v === null || v === undefined) return;
    if (Array.isArray(v)) {
      multi = true;
      const flat = (a: unknown[]) => {
        for (const e of a) {
          if (Array.isArray(e)) flat(e);
          else if (e !== null && e !== undefined) out.push(e);
        }
      };
      flat(v);
    } else out.push(v);
  };
  const visit = (node: unknown, from: number) => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      multi = true;
      for (const e of node) visit(e, from);
      return;
    }
    for (let j = from; j < segs.length; j++) {
      const key = segs.slice(from, j + 1).join('.');
      if (!Object.prototype.hasOwnProperty.call(node, key)) continue;
      const v = (node as Record<string, unknown>)[key];
      if (j === segs.length - 1) leaf(v);
      else visit(v, j + 1);
    }
  };
  visit(doc, 0);
  if (out.length === 0) return undefined;
  return out.length === 1 && !multi ? out[0] : out;
}

const getters = [
  ['generated', compileField],
  ['loop', compileFieldWithoutCodegen],
] as const;

function same(path: string, doc: unknown) {
  const want = reference(doc, path);
  for (const [kind, make] of getters) {
    const got = make(path)(doc);
    // a lone value reached through an array may come back wrapped: compare as value lists
    assert.deepEqual(toValues(got), toValues(want), `${kind} ${path} on ${JSON.stringify(doc)}`);
    if (!Array.isArray(want)) assert.deepEqual(got, want, `${kind} ${path} on ${JSON.stringify(doc)}`);
  }
  // raw getters: the same values once nulls and nested arrays are flattened away
  for (const [kind, get] of [
    ['raw generated', compileFieldRaw(path)],
    ['raw loop', compileFieldWithoutCodegen(path, true)],
  ] as const) {
    const flat: unknown[] = [];
    const add = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(add);
      else if (v !== null && v !== undefined) flat.push(v);
    };
    add(get(doc));
    assert.deepEqual(flat, toValues(want), `${kind} ${path} on ${JSON.stringify(doc)}`);
  }
}

test('every shape: nested, dotted at each level, mixed, merged, arrays, nulls', () => {
  const p = 'process.parent.name';
  const docs: unknown[] = [
    { process: { parent: { name: 'bash' } } },
    { 'process.parent.name': 'bash' },
    { process: { 'parent.name': 'bash' } },
    { 'process.parent': { name: 'bash' } },
    { process: { parent: { name: 'a' } }, 'process.parent.name': 'b' },
    { process: { parent: { name: 'a' }, 'parent.name': 'b' }, 'process.parent': { name: 'c' } },
    { process: { parent: { pid: 1 } }, 'process.parent.name': 'late' },
    { process: { parent: [{ name: 'a' }, { name: ['b', null, ['c']] }, null, 'x'] } },
    { process: [{ parent: { name: 'a' } }, { 'parent.name': 'b' }] },
    [{ process: { parent: { name: 'a' } } }, { process: { parent: { name: 'b' } } }],
    { process: { parent: { name: null } } },
    { process: { parent: { name: [] } } },
    { process: { parent: { name: [null] } } },
    { process: { parent: { name: ['one'] } } },
    { process: { parent: { name: { nested: 1 } } } },
    { process: { parent: 'bash' } },
    { process: null },
    { process: 7 },
    'text',
    null,
    42,
    {},
    { process: { parent: { name: 0 } } },
    { process: { parent: { name: false } } },
    { process: { parent: { name: '' } } },
  ];
  for (const d of docs) same(p, d);
  for (const d of docs) same('process', d);
  for (const d of docs) same('process.parent', d);
});

test('prototype members are never read, whatever the shape', () => {
  const hostile = JSON.parse('{"__proto__": {"x": 1, "constructor": {"name": "own"}}, "constructor": "c", "a": {"toString": "t"}}');
  const paths = ['constructor', 'constructor.name', '__proto__', '__proto__.x', '__proto__.constructor.name', 'a.toString', 'a.valueOf', 'hasOwnProperty', 'a.__proto__.x', 'toString.name'];
  for (const path of paths) {
    for (const d of [hostile, {}, { a: {} }, { a: [{}, { toString: 'u' }] }, JSON.parse('{"a.__proto__": {"x": 2}}')]) same(path, d);
  }
  assert.equal(compileField('toString.name')({}), undefined);
  assert.equal(compileField('constructor.name')({ a: 1 }), undefined);
  assert.equal(compileFieldWithoutCodegen('constructor.name')({ a: 1 }), undefined);
});

test('field names that are not identifiers cannot escape the generated code', () => {
  const names = ['a"b', "a'b", 'a\\b', 'a`b${x}', 'a\nb', 'a\u2028b', '}); throw 1; ({', ''];
  for (const k of names) {
    const doc = { [k]: { v: k }, x: { [k]: 1 } };
    same(`${k}.v`, doc);
    same(`x.${k}`, doc);
    same(k, { [k]: 'leaf' });
  }
  same('a..b', { a: { '': { b: 1 } }, 'a.': { b: 2 }, 'a..b': 3 });
});

test('randomised shapes agree with the specification', () => {
  let seed = 12345;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const segs = ['a', 'b', 'c', 'd'];
  const leafValue = () => [1, 'x', null, ['y', null], true, [], [['z']]][rand(7)];
  // Puts `value` at the path segs[from..] in `obj`, choosing a random split of the keys.
  const place = (obj: Record<string, unknown>, from: number, value: unknown) => {
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
      obj[key] = rand(5) === 0 ? [child, { other: 1 }] : child;
    }
    place(child as Record<string, unknown>, j + 1, value);
  };
  for (let t = 0; t < 3000; t++) {
    const doc: Record<string, unknown> = {};
    const count = 1 + rand(3);
    for (let i = 0; i < count; i++) place(doc, 0, leafValue());
    if (rand(4) === 0) doc[['a', 'a.b', 'a.b.c'][rand(3)]] = [null, 'q', 3][rand(3)];
    for (const path of ['a.b.c.d', 'a.b.c', 'a.b', 'a', 'b.c.d']) same(path, doc);
  }
});
