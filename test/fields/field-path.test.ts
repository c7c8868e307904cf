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
