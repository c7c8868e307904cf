import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SpillDir } from '../../src/engine/candidates/spill-dir.js';

// What a second Ctrl-C does: remove() runs synchronously in an 'exit' listener while spills are
// still opening run files on libuv's thread pool (CI saw a spill directory left behind).
test('removing the spill directory wins the race against run files still being opened on the thread pool', async (t) => {
  const parent = mkdtempSync(path.join(os.tmpdir(), 'trawl-spill-race-'));
  t.after(() => rmSync(parent, { recursive: true, force: true }));
  let left = 0;
  for (let round = 0; round < 50; round++) {
    const dir = new SpillDir(parent);
    const create = (name: string) => open(path.join(dir.path, name), 'wx').then((fh) => fh.close(), () => {});
    const started = Array.from({ length: 64 }, (_, i) => create(`run-${i}`));
    await new Promise((resolve) => setImmediate(resolve));
    const queued = Array.from({ length: 64 }, (_, i) => create(`late-${i}`));
    dir.remove();
    await Promise.all([...started, ...queued]);
    if (existsSync(dir.path)) left++;
  }
  assert.equal(left, 0, `${left} of 50 spill directories left behind`);
  assert.deepEqual(readdirSync(parent), []);
});
