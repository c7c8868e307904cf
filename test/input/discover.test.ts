import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symlinkSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { discoverEvidence, SkipLedger } from '../../src/input/index.js';
import { tempDir, write } from './fixtures.js';

test('directories recurse, globs expand, duplicates and symlink loops collapse, non-evidence is passed over', async () => {
  const dir = tempDir();
  const a = write(dir, 'host1/a.ndjson', '{}\n');
  const b = write(dir, 'host2/deep/b.json.gz', '');
  write(dir, 'host2/README.md', '# notes');
  write(dir, 'host2/.hidden.ndjson', '{}\n');
  symlinkSync(dir, path.join(dir, 'host1', 'loop'));
  const ledger = new SkipLedger();
  const files = await discoverEvidence([dir, a, `${dir}/host*/*.ndjson`], ledger);
  assert.deepEqual(files.map((f) => f.path), [a, b]);
  assert.deepEqual(ledger.byKind, {});
});

test('missing paths, empty directories and empty globs are reported, not thrown', async () => {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'empty'));
  const ledger = new SkipLedger();
  const files = await discoverEvidence([path.join(dir, 'nope.ndjson'), path.join(dir, 'empty'), `${dir}/*.zzz`], ledger);
  assert.deepEqual(files, []);
  assert.equal(ledger.byKind['unreadable-file']?.count, 1);
  assert.equal(ledger.byKind['no-evidence']?.count, 2);
});

test('- stands for stdin and comes last', async () => {
  const dir = tempDir();
  const a = write(dir, 'a.ndjson', '{}\n');
  const files = await discoverEvidence(['-', a], new SkipLedger());
  assert.deepEqual(files.map((f) => f.path), [a, '-']);
});
