import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineageIndex } from '../../src/lineage/index.js';
import type { ProcessRecord } from '../../src/lineage/index.js';
import { craftedTree, fileEvent, procEvent, resetLines } from './fixtures.js';

function build(events = craftedTree()): LineageIndex {
  const index = new LineageIndex();
  for (const ev of events) index.add(ev);
  return index;
}

const names = (recs: ProcessRecord[]) => recs.map((r) => r.name ?? r.entityId);
const key = (index: LineageIndex, id: string) => index.findByEntityId(id)[0].key;

test('records processes, parents and ancestry placeholders', () => {
  const index = build();
  assert.equal(index.size, 6);
  const sshd = index.findByEntityId('E1')[0];
  assert.equal(sshd.placeholder, true);
  assert.equal(sshd.name, 'sshd');
  assert.equal(sshd.pid, 100);
  assert.equal(sshd.parentKey, key(index, 'E0'), 'ancestry links the placeholder to its own parent');
  const init = index.findByEntityId('E0')[0];
  assert.equal(init.placeholder, true);
  assert.equal(init.name, undefined);
  const bash = index.findByEntityId('E2')[0];
  assert.equal(bash.placeholder, false);
  assert.equal(bash.user, 'root');
  assert.deepEqual(bash.ancestry, ['E1', 'E0']);
});

test('end events set end without losing the start facts', () => {
  const curl = build().findByEntityId('E3')[0];
  assert.equal(curl.commandLine, 'curl http://x');
  assert.equal(curl.start, '2024-01-01T00:00:04Z');
  assert.equal(curl.end, '2024-01-01T00:00:07Z');
  assert.deepEqual(curl.eventRefs.map((r) => r.line), [3, 4, 7]);
});

test('ancestors, children, descendants, siblings', () => {
  const index = build();
  assert.deepEqual(names(index.ancestors(key(index, 'E5'))), ['sh', 'bash', 'sshd', 'E0']);
  assert.deepEqual(names(index.children(key(index, 'E2'))), ['curl', 'sh'], 'children in start order');
  assert.deepEqual(names(index.descendants(key(index, 'E1'))), ['bash', 'curl', 'sh', 'nc']);
  assert.deepEqual(names(index.siblings(key(index, 'E3'))), ['sh']);
  assert.deepEqual(index.ancestors('nope'), []);
});

test('ancestors fills a missing parent link from process.Ext.ancestry', () => {
  resetLines();
  const index = build([
    procEvent({ entityId: 'A', name: 'root-proc' }),
    procEvent({ entityId: 'C', name: 'leaf', ancestry: ['B', 'A'] }),
  ]);
  assert.deepEqual(names(index.ancestors(key(index, 'C'))), ['B', 'root-proc']);
});

test('pid and start time key processes without entity ids; pid reuse stays apart', () => {
  resetLines();
  const index = build([
    procEvent({ pid: 42, name: 'first', start: '2024-01-01T00:00:00Z' }),
    procEvent({ pid: 42, name: 'second', start: '2024-01-01T01:00:00Z' }),
    procEvent({ pid: 43, name: 'kid', start: '2024-01-01T01:00:01Z', parent: { pid: 42, start: '2024-01-01T01:00:00Z' } }),
    fileEvent({ pid: 42 }, '2024-01-01T00:30:00Z', '/a'),
    fileEvent({ pid: 42 }, '2024-01-01T02:00:00Z', '/b'),
  ]);
  assert.equal(index.size, 3);
  const k2 = index.keyFor({ host: { name: 'h1' }, process: { pid: 42, start: '2024-01-01T01:00:00Z' } })!;
  assert.equal(index.get(k2)?.name, 'second');
  assert.deepEqual(names(index.children(k2)), ['kid']);
  const k1 = index.keyFor({ host: { name: 'h1' }, process: { pid: 42, start: '2024-01-01T00:00:00Z' } })!;
  assert.deepEqual(index.get(k1)?.eventRefs.map((r) => r.line), [1, 4], 'a pid-only event goes to the process running at its time');
  assert.deepEqual(index.get(k2)?.eventRefs.map((r) => r.line), [2, 5]);
});

test('same entity id on two hosts gives two records', () => {
  resetLines();
  const index = build([procEvent({ entityId: 'X', host: 'a', name: 'p1' }), procEvent({ entityId: 'X', host: 'b', name: 'p2' })]);
  assert.deepEqual(index.findByEntityId('X').map((r) => r.host), ['a', 'b']);
});

test('non-process events of an unseen process create a placeholder with the actor facts', () => {
  resetLines();
  const index = build([fileEvent({ entityId: 'Z', pid: 9, name: 'dropper' }, '2024-01-01T00:00:00Z', '/x')]);
  const rec = index.findByEntityId('Z')[0];
  assert.equal(rec.placeholder, true);
  assert.equal(rec.name, 'dropper');
  assert.equal(rec.eventRefs.length, 1);
});

test('documents without a process are ignored; odd-typed fields do not throw', () => {
  const index = new LineageIndex();
  index.add({ doc: { message: 'x' }, file: 'f', line: 1 });
  index.add({ doc: { process: { entity_id: { nested: 1 }, pid: 'abc' } }, file: 'f', line: 2 });
  index.add({ doc: { event: { category: 'process' }, process: { entity_id: ['Q'], pid: -1, name: 7, args: 'one', Ext: { ancestry: 'P' } } }, file: 'f', line: 3 });
  assert.equal(index.size, 2);
  assert.equal(index.findByEntityId('Q')[0].name, '7');
  assert.deepEqual(index.findByEntityId('Q')[0].args, ['one']);
});

test('command lines are truncated to 1 KiB', () => {
  resetLines();
  const index = build([procEvent({ entityId: 'L', commandLine: 'x'.repeat(5000) })]);
  assert.ok(index.findByEntityId('L')[0].commandLine!.length <= 1025);
});

test('merge of split partial indexes equals the whole', () => {
  const events = craftedTree();
  const whole = build(events);
  const a = build(events.slice(0, 3));
  const b = build(events.slice(3));
  const merged = new LineageIndex();
  merged.merge(LineageIndex.fromJSON(a.toJSON()));
  merged.merge(LineageIndex.fromJSON(JSON.parse(JSON.stringify(b.toJSON()))));
  assert.equal(merged.size, whole.size);
  for (const rec of whole.values()) {
    const m = merged.get(rec.key)!;
    assert.equal(m.placeholder, rec.placeholder, rec.key);
    assert.equal(m.name, rec.name);
    assert.equal(m.parentKey, rec.parentKey);
    assert.deepEqual(m.eventRefs.map((r) => r.line).sort(), rec.eventRefs.map((r) => r.line).sort());
  }
  assert.deepEqual(names(merged.descendants(key(merged, 'E2'))), ['curl', 'sh', 'nc']);
});

test('fromJSON drops malformed records', () => {
  assert.equal(LineageIndex.fromJSON(null).size, 0);
  assert.equal(LineageIndex.fromJSON({ records: [{ key: 1 }, 'x', { key: 'k', host: 'h', pid: 'no', eventRefs: [['f', 1], 'bad'] }] }).size, 1);
});

test('event references per process are capped', async () => {
  const { MAX_EVENT_REFS } = await import('../../src/lineage/index.js');
  resetLines();
  const index = new LineageIndex();
  index.add(procEvent({ entityId: 'BUSY', name: 'busy' }));
  for (let i = 0; i < MAX_EVENT_REFS + 50; i++) index.add(fileEvent({ entityId: 'BUSY' }, '2024-01-01T00:00:01Z', `/f${i}`));
  assert.equal(index.findByEntityId('BUSY')[0].eventRefs.length, MAX_EVENT_REFS);
});

test('a command line replaces args; args stand in when there is none', () => {
  resetLines();
  const withCmd = procEvent({ entityId: 'C1', commandLine: 'ls -la' });
  (withCmd.doc.process as Record<string, unknown>).args = ['ls', '-la'];
  const argsOnly = procEvent({ entityId: 'C2' });
  (argsOnly.doc.process as Record<string, unknown>).args = ['ls', '-la'];
  const index = build([withCmd, argsOnly]);
  assert.equal(index.findByEntityId('C1')[0].args, undefined);
  assert.deepEqual(index.findByEntityId('C2')[0].args, ['ls', '-la']);
});

test('a budget bounds the index: past it events are counted, not indexed; counts survive serialising and merging', () => {
  const events = craftedTree();
  const whole = build(events);
  // Room for about two records: the rest of the tree's events are left out, and said so.
  const small = new LineageIndex(2000);
  for (const ev of events) small.add(ev);
  assert.ok(small.size < whole.size, `${small.size} of ${whole.size} records`);
  assert.ok(small.unindexed > 0 && small.unindexed < events.length, `${small.unindexed} of ${events.length} events left out`);
  const copy = LineageIndex.fromJSON(JSON.parse(JSON.stringify(small.toJSON())));
  assert.equal(copy.unindexed, small.unindexed);
  const merged = new LineageIndex();
  merged.merge(copy);
  merged.merge(LineageIndex.fromJSON(small.toJSON()));
  assert.equal(merged.unindexed, 2 * small.unindexed);
  assert.equal(build(events).unindexed, 0, 'no budget: everything indexed');
});

test('dropping a host makes room and forgets its ids; its events count as left out unless read again', () => {
  const events = craftedTree();
  const index = build(events);
  const host = [...index.values()][0].host;
  const before = index.heldBytes;
  index.dropHosts(new Set([host]), false);
  assert.equal([...index.values()].filter((r) => r.host === host).length, 0);
  assert.ok(index.heldBytes < before);
  assert.equal(index.findByEntityId('E2').length, 0);
  assert.ok((index.leftOut.get(host)?.events ?? 0) > 0);
  index.dropHosts(new Set([host]), true);
  assert.equal(index.leftOut.get(host)?.events, undefined, 'about to be read again: nothing left out');
  assert.equal(index.unindexed, 0);
  for (const ev of events) index.add(ev);
  assert.equal(index.size, build(events).size, 'indexed again in full');
});
