import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildProgram } from '../../src/cli/program.js';
import { runTrawl } from '../helpers/trawl.js';

test('trawl --help lists every command and the exit codes', async () => {
  const r = await runTrawl(['--help']);
  assert.equal(r.code, 0);
  for (const cmd of ['hunt', 'query', 'rules', 'view', 'lineage']) assert.match(r.stdout, new RegExp(`\\b${cmd}\\b`));
  assert.match(r.stdout, /Exit codes: 0 clean, 1 completed but some input was skipped, 2 usage or rule errors/);
});

test('each command has --help with examples', async () => {
  for (const cmd of [['hunt'], ['query'], ['rules', 'check'], ['view'], ['lineage']]) {
    const r = await runTrawl([...cmd, '--help']);
    assert.equal(r.code, 0, cmd.join(' '));
    assert.match(r.stdout, /Example/, cmd.join(' '));
  }
});

test('descriptions read as written on an 80-column screen: no line re-wrapped mid-sentence', async () => {
  // Without a terminal commander wraps help at 80 columns, breaking any longer line anywhere.
  const program = buildProgram();
  const commands = [{ path: [] as string[], cmd: program }];
  for (const c of program.commands) {
    commands.push({ path: [c.name()], cmd: c });
    for (const sub of c.commands) commands.push({ path: [c.name(), sub.name()], cmd: sub });
  }
  for (const { path, cmd } of commands) {
    if (cmd.name() === 'help') continue;
    const r = await runTrawl([...path, '--help']);
    const shown = new Set(r.stdout.split('\n'));
    for (const line of cmd.description().split('\n')) assert.ok(shown.has(line), `trawl ${path.join(' ')} --help re-wrapped: ${line}`);
  }
});

test('usage errors exit 2 with a message, never a stack trace', async () => {
  const r = await runTrawl(['hunt', 'samples/', '--format', 'xml']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--format must be one of/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  const unknown = await runTrawl(['frobnicate-option-that-does-not-exist', '--nope']);
  assert.equal(unknown.code, 2);
});
