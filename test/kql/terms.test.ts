import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kqlFields, kqlRequiredTerms, parseKql } from '../../src/lang/kql/index.js';

const req = (q: string) => kqlRequiredTerms(parseKql(q));

test('required terms come from the top-level AND chain of literal field:value', () => {
  assert.deepEqual(req('event.category:process and process.name:("cmd.exe" or powershell.exe) and not user.name:root'), [
    { field: 'event.category', values: ['process'] },
    { field: 'process.name', values: ['cmd.exe', 'powershell.exe'] },
  ]);
  assert.deepEqual(req('event.category:process'), [{ field: 'event.category', values: ['process'] }]);
});

test('required terms are [] when any doubt: or at top, wildcards, numbers, booleans, IPs, multi-fields', () => {
  assert.deepEqual(req('a:x or b:y'), []);
  assert.deepEqual(req('a:x* and b:(y or z*)'), []);
  assert.deepEqual(req('event.code:4624 and b:true and ip:10.0.0.0/8 and ip2:1.2.3.4'), []);
  assert.deepEqual(req('process.name.caseless:cmd.exe and m.text:x'), []);
  assert.deepEqual(req('a:(x or y) and (b:z and c:(x and y))'), [
    { field: 'a', values: ['x', 'y'] },
    { field: 'b', values: ['z'] },
    { field: 'c', values: ['x'] },
    { field: 'c', values: ['y'] },
  ]);
  assert.deepEqual(req('a:{ b:c }'), []);
  assert.deepEqual(req('a:(x or b*)'), []);
  assert.deepEqual(req('x'), []);
  assert.deepEqual(req(''), []);
  assert.deepEqual(req('a:x and (b:y or c:z)'), [{ field: 'a', values: ['x'] }]);
});

test('kqlFields lists every field read', () => {
  assert.deepEqual(kqlFields(parseKql('a:1 and not b >= 2 or c:{ d:1 and e:{ f:* } }')), ['a', 'b', 'c', 'c.d', 'c.e', 'c.e.f']);
  assert.deepEqual(kqlFields(parseKql('process.name.caseless:x and process.*:y')), ['process.name.caseless', 'process.name', 'process.*']);
  assert.deepEqual(kqlFields(parseKql('hello')), ['*']);
  assert.deepEqual(kqlFields(parseKql('*:* and *')), []);
});
