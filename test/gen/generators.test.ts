import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ROOT } from '../helpers/trawl.js';
import { tempDir } from '../helpers/temp.js';

function run(script: string, args: string[]): void {
  execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', script), ...args], { cwd: ROOT, stdio: 'pipe' });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)))
    .sort();
}

test('samples/ is exactly what the generator writes (regenerate with npm run samples)', () => {
  const out = tempDir('samples');
  run('generate-samples.ts', ['--out', out]);
  const committed = path.join(ROOT, 'samples');
  assert.deepEqual(filesUnder(out), filesUnder(committed));
  for (const f of filesUnder(out)) {
    assert.ok(readFileSync(path.join(out, f)).equals(readFileSync(path.join(committed, f))), `${f} differs: run npm run samples`);
  }
});

test('sample documents have the Defend shape: sizes, timestamps, entity ids, ancestry that resolves', () => {
  const text = readFileSync(path.join(ROOT, 'samples/mac-02/events.ndjson'), 'utf8');
  const lines = text.trim().split('\n');
  const sizes = lines.map((l) => l.length).sort((a, b) => a - b);
  const median = sizes[Math.floor(sizes.length / 2)];
  assert.ok(median >= 2000 && median <= 6000, `median document ${median} bytes`);
  const docs = lines.map((l) => JSON.parse(l));
  const ids = new Set<string>();
  for (const d of docs) {
    assert.match(d['@timestamp'], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
    assert.match(d.process.entity_id, /^[A-Za-z0-9+/]+=*$/);
    assert.equal(d.host.os.type, 'macos');
    assert.ok(Array.isArray(d.event.category));
    ids.add(d.process.entity_id);
    if (d.process.parent) ids.add(d.process.parent.entity_id);
  }
  // Every parent named by a child is a real process of the same host (a tree, not noise).
  const starts = docs.filter((d) => d.event.type.includes('start') && d.event.category.includes('process'));
  for (const d of starts) assert.equal(d.process.Ext.ancestry[0], d.process.parent?.entity_id);
});

test('the benchmark generator is deterministic and writes gzip and plain files of the requested size', () => {
  const a = tempDir('gen-a');
  const b = tempDir('gen-b');
  for (const out of [a, b]) run('gen-evidence.ts', ['--size', '16MB', '--out', out, '--seed', '7', '--hosts', '5']);
  const files = filesUnder(a);
  assert.deepEqual(files, filesUnder(b));
  assert.ok(files.some((f) => f.endsWith('.gz')) && files.some((f) => f.endsWith('.ndjson')));
  let bytes = 0;
  for (const f of files) {
    const x = readFileSync(path.join(a, f));
    assert.ok(x.equals(readFileSync(path.join(b, f))), `${f} differs between runs`);
    const plain = f.endsWith('.gz') ? gunzipSync(x) : x;
    bytes += plain.length;
    for (const line of plain.toString('utf8').trim().split('\n').slice(0, 50)) assert.equal(typeof JSON.parse(line), 'object');
  }
  assert.ok(bytes >= 15e6 && bytes <= 17.5e6, `${bytes} bytes of NDJSON for --size 16MB`);
});
