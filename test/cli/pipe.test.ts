import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ROOT } from '../helpers/trawl.js';

const ENTRY = fileURLToPath(new URL('../helpers/cli-entry.ts', import.meta.url));

/** Runs trawl, reads its first stdout chunk, then closes the pipe the way `| head -1` does. */
function firstLineThenClose(args: string[]): Promise<{ code: number | null; first: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], { cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0' } });
    let first = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', (d) => {
      first = String(d).split('\n')[0];
      child.stdout.destroy();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, first, stderr }));
  });
}

test('a closed output pipe ends the command quietly, exit 0 (trawl query … | head -1)', async () => {
  // Every sample event matches: enough output that the writes outlast the reader.
  const r = await firstLineThenClose(['query', '-l', 'kql', 'event.category : *', 'samples/']);
  assert.match(r.first, /^\{/);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /EPIPE|internal error|Unhandled/);
});

test('evidence from process substitution (trawl hunt <(zcat …)) hunts as the file does', { skip: process.platform === 'win32' ? 'no bash process substitution' : false }, async () => {
  const { spawnSync } = await import('node:child_process');
  const hunt = (evidence: string) => {
    const cmd = `exec "${process.execPath}" --import tsx "${ENTRY}" hunt ${evidence} --format json --no-progress`;
    const r = spawnSync('bash', ['-c', cmd], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
    const out = JSON.parse(r.stdout) as { hits: unknown[]; summary: { bytes: number } };
    return { code: r.status, hits: out.hits.length, bytes: out.summary.bytes, stderr: r.stderr };
  };
  const file = hunt('samples/linux-01/elasticdump.ndjson');
  const piped = hunt('<(cat samples/linux-01/elasticdump.ndjson)');
  assert.ok(file.hits > 0);
  assert.equal(piped.hits, file.hits, piped.stderr);
  assert.doesNotMatch(piped.stderr, /unreadable|ESPIPE|no such file/);
  // Listed as empty, the pipe's size is what was read from it.
  assert.equal(piped.bytes, file.bytes);
});
