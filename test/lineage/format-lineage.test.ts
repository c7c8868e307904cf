import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLineage, LineageIndex } from '../../src/lineage/index.js';
import { craftedTree } from './fixtures.js';

function tree(): LineageIndex {
  const index = new LineageIndex();
  for (const ev of craftedTree()) index.add(ev);
  return index;
}

test('tree: ancestry chain root → process, then the descendant tree', () => {
  const index = tree();
  assert.equal(
    formatLineage(index, index.findByEntityId('E2')[0].key, 'tree'),
    [
      'host: h1',
      '[?]  <unknown>  (not in evidence: E0)',
      '└─ [100]  sshd  (not in evidence)',
      '   └─ * [200]  bash  user=root  start=2024-01-01T00:00:02Z  $ -bash',
      '      ├─ [300]  curl  user=root  start=2024-01-01T00:00:04Z  $ curl http://x',
      '      └─ [400]  sh  user=root  start=2024-01-01T00:00:05Z  $ sh -c "nc -l 4444"',
      '         └─ [500]  nc  user=root  start=2024-01-01T00:00:06Z  $ nc -l 4444',
    ].join('\n'),
  );
});

test('tree: a leaf process has only its chain', () => {
  const index = tree();
  const out = formatLineage(index, index.findByEntityId('E5')[0].key, 'tree').split('\n');
  assert.equal(out.length, 6);
  assert.equal(out[5], '         └─ * [500]  nc  user=root  start=2024-01-01T00:00:06Z  $ nc -l 4444');
});

test('json: ancestors root first, process with nested children', () => {
  const index = tree();
  const out = JSON.parse(formatLineage(index, index.findByEntityId('E4')[0].key, 'json'));
  assert.equal(out.host, 'h1');
  assert.deepEqual(out.ancestors.map((a: { entity_id: string }) => a.entity_id), ['E0', 'E1', 'E2']);
  assert.equal(out.process.name, 'sh');
  assert.deepEqual(out.process.children.map((c: { name: string }) => c.name), ['nc']);
  assert.deepEqual(out.process.children[0].children, []);
  assert.equal(out.ancestors[2].events, 2);
});

test('unknown key', () => {
  assert.equal(formatLineage(new LineageIndex(), 'x', 'tree'), 'unknown process x');
});
