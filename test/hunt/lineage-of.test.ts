import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { lineageOf } from '../../src/hunt/lineage-of.js';
import { readEvidence } from '../../src/hunt/run-query.js';
import { SkipLedger } from '../../src/input/index.js';
import { formatLineage, LineageIndex } from '../../src/lineage/index.js';
import { procEvent } from '../lineage/fixtures.js';
import { ROOT } from '../helpers/trawl.js';
import { tempDir } from '../helpers/temp.js';

const MB = 2 ** 20;

/** The tree `trawl lineage` prints, from an index of every event (no budget). */
async function unbounded(entityId: string, evidence: string[]): Promise<string> {
  const index = new LineageIndex();
  const stats = { files: 0, bytes: 0, events: 0, ledger: new SkipLedger() };
  for await (const ev of readEvidence(evidence, stats, false)) index.add(ev);
  const recs = index.findByEntityId(entityId);
  assert.ok(recs.length > 0);
  return recs.map((r) => formatLineage(index, r.key, 'json')).join('\n');
}

async function bounded(entityId: string, evidence: string[], maxMemory: number) {
  const found = await lineageOf(entityId, evidence, { maxMemory, progress: false, ledger: new SkipLedger() });
  return { ...found, tree: found.matches.map((r) => formatLineage(found.index, r.key, 'json')).join('\n') };
}

// zsh on mac-01: known only as the parent and ancestor of other processes (no event of its
// own), with 261 descendants.
const ZSH = 'OGZhNzA2OWEtM2ZkYi00NTNkLWFhODktOGMxMmY1OTFhY2U3LTMyNy0xNzk1MTU0NjAwMDAw';

test('trawl lineage keeps one host: the tree is the same at any --max-memory, even a process known only as a parent', async () => {
  const samples = [path.join(ROOT, 'samples')];
  const want = await unbounded(ZSH, samples);
  assert.ok(JSON.parse(want).process.children.length > 0);
  const roomy = await bounded(ZSH, samples, 2048 * MB);
  assert.equal(roomy.tree, want);
  assert.deepEqual(roomy.readAgain, []);
  assert.deepEqual([...roomy.index.values()].filter((r) => r.host !== 'mac-01'), [], 'the other hosts were dropped');
  for (const maxMemory of [1 * MB, 0.1 * MB]) {
    // The host's events outgrow the budget: it is read again, and the events naming the process
    // (its children's, its descendants' through their ancestry) are indexed past the budget.
    const tight = await bounded(ZSH, samples, maxMemory);
    assert.deepEqual(tight.readAgain, ['mac-01'], `${maxMemory}`);
    assert.ok((tight.index.leftOut.get('mac-01')?.events ?? 0) > 0);
    assert.equal(tight.tree, want, `${maxMemory}`);
  }
});

test('trawl lineage reads again the host whose events the index left out before the process was met', async () => {
  const dir = tempDir('lineage-of');
  const filler = Array.from({ length: 400 }, (_, i) =>
    procEvent({ host: 'busy', entityId: `B${i}`, pid: 1000 + i, name: 'cron', commandLine: `/usr/sbin/cron -f ${'x'.repeat(200)}` }),
  );
  // No ancestry: the parent's own event names nothing the child's does.
  const parent = procEvent({ host: 'quiet', entityId: 'P1', pid: 10, name: 'sshd', user: 'root', commandLine: '/usr/sbin/sshd -D', start: '2024-01-01T00:00:00Z' });
  const child = procEvent({ host: 'quiet', entityId: 'C1', pid: 11, name: 'bash', user: 'eve', parent: { entityId: 'P1', pid: 10, name: 'sshd' }, start: '2024-01-01T00:01:00Z' });
  const lines = (evs: { doc: unknown }[]) => evs.map((e) => JSON.stringify(e.doc)).join('\n') + '\n';
  writeFileSync(path.join(dir, 'a.ndjson'), lines([...filler.slice(0, 200), parent, ...filler.slice(200)]));
  writeFileSync(path.join(dir, 'b.ndjson'), lines([child]));
  const want = await unbounded('C1', [dir]);
  assert.equal(JSON.parse(want).ancestors[0].user, 'root', 'the parent from its own event');
  // ~150 records of budget: the parent's line comes after 200 of the busy host's processes.
  const tight = await bounded('C1', [dir], 1 * MB);
  assert.ok(tight.index.budget < 200 * 1100);
  assert.deepEqual(tight.readAgain, ['quiet']);
  assert.equal(tight.tree, want);
  assert.equal(tight.index.leftOut.has('quiet'), false, 'the quiet host fits once alone');
  assert.equal(tight.index.leftOut.get('busy')?.events, 400);
});
