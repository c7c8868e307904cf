/**
 * The specialised predicates (inline string comparisons over raw field reads, fixed-arity
 * and/or) against a slow reference: the same query evaluated value by value over flattened
 * field values. Every document shape a getter can meet is covered.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileKql } from '../../src/lang/kql/index.js';

const m = (q: string, doc: unknown) => compileKql(q, { now: 0 })(doc as Record<string, unknown>);

const SHAPES: [string, unknown, boolean][] = [
  ['scalar', { f: 'a' }, true],
  ['dotted key', { 'x.f': 'a' }, true],
  ['array', { f: ['z', 'a'] }, true],
  ['array with nulls', { f: [null, 'a'] }, true],
  ['nested arrays', { f: ['z', [null, ['a']]] }, true],
  ['only nulls', { f: [null, [null]] }, false],
  ['empty array', { f: [] }, false],
  ['null', { f: null }, false],
  ['object', { f: { a: 'a' } }, false],
  ['array of objects', { f: [{ a: 'a' }] }, false],
  ['other', { f: ['b', 'A'] }, false],
  ['missing', {}, false],
];

test('one value, two values, small and large value lists: every leaf shape', () => {
  const queries = ['x.f:a', 'x.f:(a or b2)', 'x.f:(b1 or a or b2 or b3)', 'x.f:(b1 or b2 or b3 or b4 or b5 or a)', 'x.f:"a"', 'x.f:(a or 1)', 'x.f:a*'];
  for (const [name, shape, want] of SHAPES) {
    // `x.f` read through nested objects, a dotted key, and an array of objects
    const nested = name === 'dotted key' ? shape : { x: shape };
    const viaArray = name === 'dotted key' ? { x: [{}, { f: 'zz' }], ...(shape as object) } : { x: [{}, shape] };
    for (const q of queries) {
      assert.equal(m(q, nested), want, `${q} on ${name}`);
      assert.equal(m(q, viaArray), want, `${q} via array on ${name}`);
    }
  }
});

test('exists needs a real value; ranges and coercions search nested arrays', () => {
  assert.equal(m('f:*', { f: [] }), false);
  assert.equal(m('f:*', { f: [null, [null]] }), false);
  assert.equal(m('f:*', { f: [null, 0] }), true);
  assert.equal(m('f:*', { f: false }), true);
  assert.equal(m('f > 5', { f: [null, [1, [7]]] }), true);
  assert.equal(m('f > 5', { f: [null, [1, [3]]] }), false);
  assert.equal(m('f:7', { f: [[null], ['7']] }), true);
  assert.equal(m('f:10.0.0.0/8', { f: [['192.168.0.1'], [['10.1.2.3']]] }), true);
  assert.equal(m('not f:a', { f: [['a']] }), false);
  assert.equal(m('not f:a', { f: [[null]] }), true);
  assert.equal(m('f.caseless:abc', { f: [['ABC']] }), true);
});

test('and/or of any arity keep their meaning', () => {
  const doc = { a: 'y', b: 'n' };
  for (let n = 1; n <= 9; n++) {
    const ys = Array.from({ length: n }, () => 'a:y');
    const ns = Array.from({ length: n }, () => 'b:y');
    assert.equal(m(ys.join(' and '), doc), true, `and ${n}`);
    assert.equal(m([...ys.slice(1), 'b:y'].join(' and '), doc), false, `and ${n} last false`);
    assert.equal(m(['b:y', ...ys.slice(1)].join(' and '), doc), false, `and ${n} first false`);
    assert.equal(m(ns.join(' or '), doc), false, `or ${n}`);
    assert.equal(m([...ns.slice(1), 'a:y'].join(' or '), doc), true, `or ${n} last true`);
    // different fields: no value-list grouping
    const mixed = Array.from({ length: n }, (_, i) => `f${i}:v`);
    assert.equal(m(mixed.join(' or '), { [`f${n - 1}`]: 'v' }), true, `or ${n} mixed`);
    assert.equal(m(mixed.join(' and '), Object.fromEntries(mixed.map((_, i) => [`f${i}`, 'v']))), true, `and ${n} mixed`);
    assert.equal(m(mixed.join(' and '), Object.fromEntries(mixed.slice(1).map((_, i) => [`f${i + 1}`, 'v']))), false);
  }
});
