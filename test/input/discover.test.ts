import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkSync, symlinkSync, mkdirSync } from 'node:fs';
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

test('one file reached by a symlink, a hard link and a relative path is scanned once; a broken link is reported', async () => {
  const dir = tempDir();
  const a = write(dir, 'a.ndjson', '{}\n');
  const b = write(dir, 'b.ndjson', '{}\n');
  symlinkSync(a, path.join(dir, 'c-link.ndjson'));
  linkSync(a, path.join(dir, 'd-hard.ndjson'));
  symlinkSync(path.join(dir, 'gone'), path.join(dir, 'e-broken.ndjson'));
  const ledger = new SkipLedger();
  const files = await discoverEvidence([dir, path.relative(process.cwd(), b)], ledger);
  assert.deepEqual(files.map((f) => f.path), [a, b]);
  assert.deepEqual(Object.keys(ledger.byKind), ['unreadable-file']);
  assert.equal(ledger.byKind['unreadable-file']?.examples[0].file, path.join(dir, 'e-broken.ndjson'));
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
