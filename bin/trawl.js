#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm install` via the prepare script): the bundle
// (dist/bundle, see scripts/bundle.ts) starts faster; dist/src is the plain tsc output.
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const plain = new URL('../dist/src/cli/main.js', import.meta.url);
const bundle = new URL('../dist/bundle/main.js', import.meta.url);
const mtime = (url) => statSync(fileURLToPath(url), { throwIfNoEntry: false })?.mtimeMs;
const plainTime = mtime(plain);
const bundleTime = mtime(bundle);
if (plainTime === undefined && bundleTime === undefined) {
  process.stderr.write('trawl: not built yet: run `npm install` (or `npm run build`) first\n');
  process.exit(2);
}
// A bundle older than the tsc output is stale (a `tsc` without `npm run build`): don't run it.
const entry = bundleTime !== undefined && (plainTime === undefined || bundleTime >= plainTime) ? bundle : plain;
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);
