import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventsOf, LineageIndex, type EvidenceReader } from '../../src/lineage/index.js';
import type { TrawlEvent } from '../../src/input/event.js';
import { statSync } from 'node:fs';
import { readEvidenceFile, SkipLedger } from '../../src/input/index.js';
import { craftedTree } from './fixtures.js';

function setup(): { index: LineageIndex; events: TrawlEvent[]; reads: string[]; read: EvidenceReader } {
  const events = craftedTree();
  const index = new LineageIndex();
  for (const ev of events) index.add(ev);
  const reads: string[] = [];
  const read: EvidenceReader = async function* (file) {
    reads.push(file);
    for (let i = 0; i < events.length; i += 2) yield events.slice(i, i + 2).filter((e) => e.file === file);
  };
  return { index, events, reads, read };
}

const lines = (evs: TrawlEvent[]) => evs.map((e) => e.line);

test('events of one process in time order', async () => {
  const { index, read } = setup();
  assert.deepEqual(lines(await eventsOf(index, index.findByEntityId('E2')[0].key, { read })), [1, 6]);
});

test('events of a process and its descendants in time order', async () => {
  const { index, read } = setup();
  // bash start 00:02 (1), history 00:03 (6), curl 00:04 (3), curl file 00:04.5 (4), sh 00:05 (2), nc 00:06 (5), curl end 00:07 (7)
  assert.deepEqual(lines(await eventsOf(index, index.findByEntityId('E2')[0].key, { read, descendants: true })), [1, 6, 3, 4, 2, 5, 7]);
});

test('unknown process reads nothing', async () => {
  const { index, read, reads } = setup();
  assert.deepEqual(await eventsOf(index, 'nope', { read }), []);
  assert.deepEqual(reads, []);
});

test('default reader re-reads the evidence file lines', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'trawl-lineage-'));
  try {
    const file = join(dir, 'ev.ndjson');
    const events = craftedTree();
    await writeFile(file, events.map((e) => JSON.stringify(e.doc)).join('\n') + '\n');
    const index = new LineageIndex();
    for (const ev of events) index.add({ ...ev, file });
    const got = await eventsOf(index, index.findByEntityId('E3')[0].key);
    assert.deepEqual(lines(got), [3, 4, 7]);
    assert.equal((got[1].doc.file as { path: string }).path, '/tmp/x');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a _search response on one line holds several processes\' events: each process gets its own', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'trawl-lineage-'));
  try {
    const file = join(dir, 'ev.ndjson');
    const events = craftedTree();
    const hits = events.slice(0, 3).map((e, i) => ({ _index: 'logs-endpoint.events.process-default', _id: `h${i}`, _source: e.doc }));
    // A plain first line: the file is NDJSON, and line 2 a whole response.
    const [first, ...rest] = events.slice(3).map((e) => JSON.stringify(e.doc));
    await writeFile(file, [first, JSON.stringify({ took: 1, timed_out: false, hits: { hits } }), ...rest].join('\n') + '\n');
    const index = new LineageIndex();
    for await (const batch of readEvidenceFile({ path: file, size: statSync(file).size }, { ledger: new SkipLedger() })) for (const ev of batch) index.add(ev);
    // The starts of bash (E2), sh (E4) and curl (E3) are the response's hits, all on line 2.
    const seen = (evs: TrawlEvent[]) => evs.map((e) => [e.line, (e.doc.process as { entity_id: string }).entity_id]);
    assert.deepEqual(seen(await eventsOf(index, index.findByEntityId('E2')[0].key)), [[2, 'E2'], [4, 'E2']]);
    assert.deepEqual(seen(await eventsOf(index, index.findByEntityId('E3')[0].key)), [[2, 'E3'], [1, 'E3'], [5, 'E3']]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
