import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ROOT } from '../helpers/trawl.js';

const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;
const ENTRY = fileURLToPath(new URL('../helpers/cli-entry.ts', import.meta.url));
const session = `trawl-e2e-${process.pid}`;

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

function screen(): string {
  return tmux('capture-pane', '-p', '-t', session);
}

async function waitFor(pattern: RegExp, ms = 60_000): Promise<string> {
  const until = Date.now() + ms;
  let last = '';
  while (Date.now() < until) {
    last = screen();
    if (pattern.test(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`screen never showed ${pattern}:\n${last}`);
}

/** The real binary in a real 100x30 terminal, driven by keystrokes as a person would. */
test('the TUI shows the hunt hits, opens a hit and its process lineage', { skip: HAS_TMUX ? false : 'skipped: tmux is not installed (apt-get install tmux)' }, async () => {
  // Ink renders only the final frame when it detects CI: run as a person's terminal would.
  const command = `env -u CI -u CONTINUOUS_INTEGRATION ${process.execPath} --import tsx ${ENTRY} hunt samples/ --workers 1; sleep 30`;
  tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', '-c', ROOT, command);
  try {
    const list = await waitFor(/hits 7: crit 0 high 1 med 4 low 2/);
    assert.match(list, /SystemKey Access via/);
    assert.match(list, /First Time Python Acc/);
    assert.match(list, /mac-01\s+xxd/);
    // Open the SystemKey hit: search for it, then Enter.
    tmux('send-keys', '-t', session, '/');
    tmux('send-keys', '-t', session, '-l', 'SystemKey');
    tmux('send-keys', '-t', session, 'Enter');
    await waitFor(/showing 1\b/);
    tmux('send-keys', '-t', session, 'Enter');
    const detail = await waitFor(/Hit detail/);
    assert.match(detail, /SystemKey Access via Command Line\n\s*severity high\s+risk 73/);
    assert.match(detail, /source samples\/mac-01\/endpoint-events\.ndjson\.gz:302/);
    // Lineage of the hit's process: zsh → xxd under the login session.
    tmux('send-keys', '-t', session, 'l');
    const lineage = await waitFor(/xxd/);
    assert.match(lineage, /zsh/);
    tmux('send-keys', '-t', session, 'q');
  } finally {
    spawnSync('tmux', ['kill-session', '-t', session]);
  }
});
