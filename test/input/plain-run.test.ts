import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

/*
 * The native reader's string scan steps sixteen bytes at a time with SSE2 or NEON
 * (native/plain_run.h). plain-run-check.cc holds that step to its definition on two million
 * random buffers; it is compiled here with the machine's own compiler and, when a cross
 * compiler and qemu are installed (Debian: g++-aarch64-linux-gnu, qemu-user), for arm64 too.
 */
const ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const CHECK = path.join(ROOT, 'test/input/plain-run-check.cc');
const NATIVE = path.join(ROOT, 'native');

const has = (cmd: string) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
const cxx = ['c++', 'g++', 'clang++'].find(has);
const cross = has('aarch64-linux-gnu-g++') && has('qemu-aarch64');

function compileAndRun(compiler: string, runner: string[], extra: string[] = []): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'trawl-plain-run-'));
  try {
    const bin = path.join(dir, 'check');
    execFileSync(compiler, ['-std=c++17', '-O2', `-I${NATIVE}`, ...extra, CHECK, '-o', bin], { stdio: 'pipe' });
    const [cmd, ...args] = [...runner, bin];
    return execFileSync(cmd, args, { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the string scan step stops at the first byte that needs a look (this machine)', { skip: cxx ? false : 'skipped: no C++ compiler' }, () => {
  const out = compileAndRun(cxx!, []);
  assert.match(out, /^ok 2000000 checks/);
  console.log(out.trim());
});

test('the string scan step stops at the first byte that needs a look (arm64 NEON, under qemu)', {
  skip: cross ? false : 'skipped: no arm64 cross compiler and qemu (Debian: g++-aarch64-linux-gnu qemu-user)',
}, () => {
  const out = compileAndRun('aarch64-linux-gnu-g++', ['qemu-aarch64'], ['-static']);
  assert.match(out, /^ok 2000000 checks \(neon\)/);
  console.log(out.trim());
});
