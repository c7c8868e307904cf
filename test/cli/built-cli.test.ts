import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT, runTrawl } from '../helpers/trawl.js';

// Every other CLI test runs the source through tsx; users run bin/trawl.js, which loads the
// esbuild bundle in dist/bundle (scripts/bundle.ts). This checks the bundle is the same program:
// worker entry, grok patterns and the KQL engine inside ES|QL all resolve from its directory.
const BUNDLE = path.join(ROOT, 'dist/bundle/main.js');
const notBuilt = !existsSync(BUNDLE) && 'dist/bundle not built (npm install or npm run build makes it)';

const withoutTimings = (stdout: string) => {
  const out = JSON.parse(stdout) as { hits: unknown[]; summary: Record<string, unknown> };
  delete out.summary['elapsed_ms'];
  delete out.summary['events_per_sec'];
  return out;
};

test('bin/trawl.js (the bundle) hunts the samples exactly as the source does, with 2 workers', { skip: notBuilt }, async () => {
  const args = ['hunt', 'samples/', '-f', 'json', '--workers', '2', '--no-progress'];
  const [built, source] = await Promise.all([runTrawl(args, { built: true }), runTrawl(args)]);
  assert.equal(built.code, source.code, built.stderr);
  const b = withoutTimings(built.stdout);
  assert.deepEqual(b, withoutTimings(source.stdout));
  assert.ok(b.hits.length > 0);
  const rules = b.summary['rules'] as { compiled: number; unsupported: unknown[]; failed: unknown[] };
  assert.deepEqual([rules.unsupported, rules.failed], [[], []]);
});

test('bin/trawl.js --help answers from the bundle', { skip: notBuilt }, async () => {
  const r = await runTrawl(['--help'], { built: true });
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage: trawl/);
});
