/**
 * Builds the optional native line reader (native/line_gate.cc, see src/input/line-gate.ts) with
 * the node-gyp that npm ships, as part of `npm run build`. It is optional: without a C++
 * toolchain or Node headers the build says so in one line and trawl parses every line with
 * JSON.parse — same results, slower with small rule packs. TRAWL_NATIVE=off skips it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NATIVE_ADDON } from '../src/input/line-gate.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = path.join(root, 'native');
const addon = path.join(root, NATIVE_ADDON);
const sources = ['line_gate.cc', 'plain_run.h', 'binding.gyp'].map((f) => path.join(dir, f));

function main(): void {
  if (process.env['TRAWL_NATIVE'] === 'off') {
    console.log('native line reader: skipped (TRAWL_NATIVE=off)');
    return;
  }
  const mtime = (f: string) => statSync(f, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  // `npm start` builds every time: an up-to-date addon is not compiled again.
  if (existsSync(addon) && sources.every((f) => mtime(f) <= mtime(addon))) return;
  const gyp = nodeGyp();
  if (!gyp) {
    console.log('native line reader: not built (node-gyp not found); every line will be parsed with JSON.parse');
    return;
  }
  const args = [gyp, 'rebuild', '--directory', dir];
  // Outside npm (no npm_config_nodedir), node-gyp would download Node's headers: use the ones
  // installed beside this node when there are any, so an offline build still works.
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  if (!process.env['npm_config_nodedir'] && existsSync(path.join(prefix, 'include/node/node_api.h'))) args.push(`--nodedir=${prefix}`);
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: 'pipe' });
  if (run.status === 0 && existsSync(addon)) {
    console.log('native line reader: built');
    return;
  }
  const why = `${run.stderr ?? ''}${run.stdout ?? ''}`
    .split('\n')
    .filter((l) => /error|not found|ERR!/i.test(l))
    .slice(0, 3)
    .join('\n  ');
  console.log(`native line reader: not built; every line will be parsed with JSON.parse (results are the same)\n  ${why || run.error?.message || `node-gyp exited with ${run.status}`}`);
}

/** npm's own node-gyp: npm names it to the scripts it runs, else it sits beside npm. */
function nodeGyp(): string | undefined {
  const named = process.env['npm_config_node_gyp'];
  if (named && existsSync(named)) return named;
  const npm = process.env['npm_execpath'];
  const candidates = [
    npm && path.join(path.dirname(npm), '../node_modules/node-gyp/bin/node-gyp.js'),
    path.join(path.dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
  ];
  return candidates.find((c): c is string => !!c && existsSync(c));
}

main();
