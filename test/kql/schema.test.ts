import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkKqlSchema, parseKql } from '../../src/lang/kql/index.js';
import { QueryError } from '../../src/lang/query-error.js';

const schema = {
  'process.name': 'keyword',
  'process.pid': 'long',
  'source.ip': 'ip',
  '@timestamp': 'date',
  'event.ingested': 'date',
  deltas: 'nested',
  'deltas.action': 'keyword',
};

function typeError(q: string): QueryError {
  try {
    checkKqlSchema(parseKql(q), schema, q);
  } catch (e) {
    assert.ok(e instanceof QueryError && e.kind === 'type', String(e));
    return e;
  }
  assert.fail(`expected a type error for ${q}`);
}

test('valid queries pass the schema check', () => {
  for (const q of ['process.name:cmd* and process.pid >= 4', 'source.ip:10.0.0.0/8', '@timestamp > now-1d', 'deltas:{ action:ADD }', 'hello', 'process.pid:*']) {
    assert.doesNotThrow(() => checkKqlSchema(parseKql(q), schema, q), q);
  }
});

test('type errors point at the offending token', () => {
  assert.match(typeError('process.nam:x').message, /Unknown field process\.nam/);
  const q = 'process.name:x and process.pid:abc';
  assert.equal(typeError(q).offset, q.indexOf('abc'));
  typeError('process.pid:4*');
  typeError('source.ip:"not an ip"');
  typeError('@timestamp > 5');
  typeError('process.name:{ x:1 }');
  typeError('deltas:{ bogus:1 }');
  typeError('*.ip:x');
  assert.match(typeError('process.*:x or *e*:1').message, /Unknown field|incompatible/);
});
