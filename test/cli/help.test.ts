import { test } from 'node:test';
import assert from 'node:assert/strict';
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

test('usage errors exit 2 with a message, never a stack trace', async () => {
  const r = await runTrawl(['hunt', 'samples/', '--format', 'xml']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--format must be one of/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  const unknown = await runTrawl(['frobnicate-option-that-does-not-exist', '--nope']);
  assert.equal(unknown.code, 2);
});
