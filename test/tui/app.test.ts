import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import React from 'react';
import { render, cleanup } from 'ink-testing-library';
import { App, type AppProps } from '../../src/tui/index.js';
import { LineageIndex, type EvidenceReader } from '../../src/lineage/index.js';
import type { Hit } from '../../src/engine/hit.js';
import { compileProjection } from '../../src/fields/projection.js';
import { HIT_SUMMARY_FIELDS } from '../../src/tui/hit-facts.js';
import { craftedTree } from '../lineage/fixtures.js';
import { KEY, makeHit, makeSummary, manyHits, tick } from './fixtures.js';

afterEach(() => cleanup());

function mount(props: Partial<AppProps> & { hits: Hit[] }) {
  const app = render(React.createElement(App, { summary: makeSummary(), width: 80, height: 24, ...props }));
  let ready = false;
  const press = async (...keys: string[]) => {
    // Ink subscribes to input in an effect after the first render: keys sent before it are lost.
    if (!ready) {
      for (let waited = 0; waited < 3000 && !app.lastFrame(); waited += 10) await tick(10);
      await tick(20);
    }
    ready = true;
    for (const k of keys) {
      app.stdin.write(k);
      await tick(k === KEY.escape ? 30 : 8);
    }
  };
  const frame = () => app.lastFrame() ?? '';
  /** Wait (up to 3 s: renders are slow on a loaded machine) until the frame matches, then assert it. */
  const see = async (re: RegExp, message?: string) => {
    for (let waited = 0; waited < 3000 && !re.test(frame()); waited += 10) await tick(10);
    assert.match(frame(), re, message);
  };
  return { app, press, frame, see };
}

function tree(): LineageIndex {
  const lineage = new LineageIndex();
  for (const ev of craftedTree()) lineage.add(ev);
  return lineage;
}

function treeHits(): Hit[] {
  return [
    makeHit({ rule: 'Interactive Shell', severity: 'high', entityId: 'E2', host: 'h1', process: 'bash' }),
    makeHit({ rule: 'Netcat Listener', severity: 'critical', entityId: 'E5', host: 'h1', process: 'nc', commandLine: 'nc -l 4444', time: '2024-01-01T00:20:00Z' }),
    makeHit({ rule: 'Odd Low', severity: 'low', host: 'web-9', process: 'cron', time: '2024-01-01T00:50:00Z' }),
  ];
}

test('list: header counts, histogram, one row per hit, fits 80×24', async () => {
  const { frame, see } = mount({ hits: treeHits() });
  await see(/Odd Low/);
  const lines = frame().split('\n');
  assert.equal(lines[0], 'trawl  files 2  events 1,234  skipped 3  hits 3: crit 1 high 1 med 0 low 1');
  assert.match(lines[3], /^2024-01-01 00:00 +2024-01-01 01:00$/);
  assert.match(lines[5], /^› 2024-01-01 00:10:00 high +Interactive Sh… h1 +bash +bash -i$/);
  assert.match(lines[6], /critical Netcat Listener +h1 +nc +nc -l 4444/);
  assert.ok(lines.length <= 24, `${lines.length} lines`);
  for (const l of lines) assert.ok(l.length <= 80, l);
});

test('list → detail → lineage → jump to another hit → back', async () => {
  const { press, see } = mount({
    hits: treeHits(),
    lineage: tree(),
    rules: { 'id-Interactive Shell': { description: 'An interactive shell.', note: '## Triage\n- check the **parent**\n' } },
  });
  await press(KEY.enter);
  await see(/Hit detail/);
  await see(/^Interactive Shell$/m);
  await see(/TA0002 Execution › T1059 Command and Scripting Interpreter/);
  await see(/^  Triage$/m);
  await see(/^  • check the parent$/m);
  await see(/source evidence\/a\.ndjson:7/);
  await press('l');
  await see(/Process lineage/);
  await see(/› +└─ ▾ ● 1 hit \[200\]  bash/);
  await see(/└─   ● 1 hit \[500\]  nc/);
  await press(KEY.down, KEY.down, KEY.down);
  await see(/›.*\[500\]  nc/);
  await press(KEY.enter);
  await see(/^Netcat Listener$/m);
  await press(KEY.escape);
  await see(/Process lineage/);
  await press(KEY.escape, KEY.escape);
  await see(/^trawl  files/);
});

test('lineage: ← collapses and → expands a subtree', async () => {
  const { press, frame, see } = mount({ hits: treeHits(), lineage: tree() });
  await press('l', KEY.down, KEY.down);
  await see(/›.*\[400\]  sh/);
  await press(KEY.left);
  await see(/▸ \(\+1\) \[400\]  sh/);
  assert.doesNotMatch(frame(), /\[500\]/);
  await press(KEY.right);
  await see(/\[500\]  nc/);
});

test('timeline shows a loading line, then the events of the process and its children', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const events = craftedTree();
  const read: EvidenceReader = async function* () {
    await gate;
    yield events;
  };
  const { press, frame, see } = mount({ hits: treeHits(), lineage: tree(), read });
  await press('l', 't');
  await see(/loading events…/);
  release();
  await tick(20);
  await see(/Timeline of bash and children \(7 events\)/);
  const rows = frame().split('\n').filter((l) => l.startsWith('2024-'));
  assert.deepEqual(rows.map((r) => r.split(/\s+/)[2]), ['bash[200]', 'bash[200]', 'curl[300]', 'curl[300]', 'sh[400]', 'nc[500]', 'curl[300]']);
  await see(/file\/creation  \/root\/\.bash_history/);
});

test('search: / types a query, Enter applies, Esc cancels', async () => {
  const { press, frame, see } = mount({ hits: treeHits() });
  await press('/', 'n', 'c', ' ');
  await see(/^\/nc █/m);
  await press(KEY.backspace, KEY.enter);
  await see(/showing 1  sort time  filter \/nc/);
  await see(/Netcat Listener/);
  assert.doesNotMatch(frame(), /Interactive Shell/);
  await press('/', 'x', KEY.escape);
  await see(/showing 1 /, 'cancel keeps the applied query');
});

test('filter: f then s raises the minimum severity; f x clears', async () => {
  const { press, frame, see } = mount({ hits: treeHits() });
  await press('f');
  await see(/filter: s min severity/);
  await press('s', 'f', 's');
  await see(/showing 2  sort time  filter ≥high/);
  assert.doesNotMatch(frame(), /Odd Low/);
  await press('f', 'x');
  await see(/showing 3 /);
});

test('sort: s cycles and the header names the key', async () => {
  const { press, frame, see } = mount({ hits: treeHits() });
  await press('s');
  await see(/sort severity/);
  assert.match(frame().split('\n')[5], /Netcat Listener/);
});

test('histogram: ] selects a bucket, Enter filters to it, Esc clears', async () => {
  const { press, see } = mount({ hits: treeHits() });
  await press(']');
  await see(/bucket 1\/78: 2024-01-01 00:00:00 – 2024-01-01 00:00:46  0 hit/);
  for (let i = 0; i < 12; i++) await press(']'); // bucket 13 holds 00:10 (78 buckets over an hour)
  await see(/bucket 13\/78: .* 1 hit\(s\)/);
  await press(KEY.enter);
  await see(/showing 1  sort time  filter time/);
  await press(KEY.escape);
  await see(/showing 3 /);
});

test('e exports the filtered hit list as {hits, summary}', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'trawl-tui-'));
  try {
    const { press, see } = mount({ hits: treeHits(), exportPath: dir });
    await press('f', 's', 'f', 's', 'e');
    await tick(50);
    const files = await readdir(dir);
    assert.equal(files.length, 1);
    assert.match(files[0], /^trawl-hits-.*\.json$/);
    await see(new RegExp(`exported 2 hit\\(s\\) to ${dir}`));
    const saved = JSON.parse(await readFile(join(dir, files[0]), 'utf8'));
    assert.deepEqual(saved.hits.map((h: Hit) => h.rule.name), ['Interactive Shell', 'Netcat Listener']);
    assert.equal(saved.summary.events, 1234);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('hits holding only the list\'s fields: detail reads the document back; e exports whole documents', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'trawl-tui-'));
  try {
    // The evidence the hunt read; its hits kept only the fields the list shows (HuntOptions.hitSummary).
    const file = join(dir, 'events.ndjson');
    const whole = [makeHit({ process: 'bash', line: 1 }), makeHit({ process: 'curl', line: 2, time: '2024-01-01T00:20:00Z' })].map((h, i) => ({
      ...h,
      source: { file, line: i + 1 },
      event: { ...(h.event as object), process: { ...((h.event as { process: object }).process), working_directory: `/srv/case-${i + 1}` } },
    }));
    await writeFile(file, whole.map((h) => JSON.stringify(h.event)).join('\n') + '\n');
    const summarize = compileProjection(HIT_SUMMARY_FIELDS);
    const hits = whole.map((h) => ({ ...h, event: summarize(h.event as Record<string, unknown>) }));
    assert.ok(!JSON.stringify(hits).includes('/srv/case'), 'the summaries leave the directory out');
    const { press, see, frame } = mount({ hits, placed: new Set([hits[0].rule.id]), exportPath: dir });
    await see(/curl/);
    await press(KEY.enter);
    await see(/\/srv\/case-1/, 'the whole document, read back');
    assert.doesNotMatch(frame(), /reading the whole document back/);
    await press(KEY.escape, 'e');
    await see(/exported 2 hit\(s\)/);
    const saved = JSON.parse(await readFile(join(dir, (await readdir(dir)).find((f) => f.startsWith('trawl-hits-'))!), 'utf8'));
    assert.deepEqual(saved.hits.map((h: Hit) => h.event), whole.map((h) => h.event));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a hit whose document is gone from the evidence says so and shows the fields it kept', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'trawl-tui-'));
  try {
    const hit = { ...makeHit({ process: 'nc' }), source: { file: join(dir, 'gone.ndjson'), line: 3 } };
    await writeFile(join(dir, 'gone.ndjson'), '{"a": 1}\n');
    const { press, see } = mount({ hits: [hit], placed: new Set([hit.rule.id]) });
    await press(KEY.enter);
    await see(/could not read the whole document back \(not found in the evidence/);
    await see(/nc/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('? shows help; q goes back', async () => {
  const { press, see } = mount({ hits: treeHits() });
  await press('?');
  await see(/^Help/);
  await see(/export the filtered hit list/);
  await press('q');
  await see(/^trawl  files/);
});

test('100,000 hits: renders only the window and stays usable', async () => {
  const { press, frame, see } = mount({ hits: manyHits(100_000) });
  await tick(20);
  await see(/hits 100,000/);
  assert.equal(frame().split('\n').filter((l) => /^[ ›] 2024-/.test(l)).length, 18);
  await press('G');
  await see(/^› 2024-01-01 00:59:59/m);
  await press(KEY.pageUp, 'k', 's');
  await see(/sort severity/);
  await press('/', 'p', 'r', 'o', 'c', '1', '0', KEY.enter);
  await see(/showing 9,090 /);
});

test('detail of sequences, ES|QL rows, new_terms and threshold hits', async () => {
  const base = makeHit();
  const hits: Hit[] = [
    { ...base, event: undefined, events: [{ process: { name: 'a' } }, { process: { name: 'b' } }], source: [{ file: 'f', line: 1 }, { file: 'f', line: 2 }], join_keys: ['u1'] },
    { ...base, event: undefined, row: { 'host.name': 'h', count: 3 }, timestamp: '2024-01-01T00:11:00Z' },
    { ...base, new_terms: ['root', 'h1'], timestamp: '2024-01-01T00:12:00Z' },
    { ...base, event: undefined, threshold: { terms: [{ field: 'user.name', value: 'bob' }], count: 25, from: 'a', to: 'b' }, timestamp: '2024-01-01T00:13:00Z' },
  ];
  const { press, see } = mount({ hits, height: 40 });
  await press(KEY.enter);
  await see(/Sequence \(2 events\) joined by u1/);
  await see(/event 2  f:2\n  process\.name: b/);
  await press('r');
  await see(/Hit detail \(raw\)/);
  await see(/"name": "a"/);
  await press(KEY.escape, 'j', KEY.enter);
  await see(/ES\|QL row\n  count: 3\n  host\.name: h/);
  await press(KEY.escape, 'j', KEY.enter);
  await see(/New terms\n  root, h1/);
  await press(KEY.escape, 'j', KEY.enter);
  await see(/Threshold\n  count: 25  from a to b\n  user\.name: bob/);
});

test('hits with missing or odd-typed fields render', async () => {
  const odd = [
    {} as Hit,
    { rule: { name: ['x'], severity: 7, threat: 'no' }, timestamp: 'not a time', host: { a: 1 }, source: 'bad' } as unknown as Hit,
    { rule: null, event: { process: 'str' }, events: 'nope' } as unknown as Hit,
  ];
  const dir = await mkdtemp(join(tmpdir(), 'trawl-tui-'));
  try {
    const { press, see } = mount({ hits: odd, summary: {} as never, exportPath: dir });
    await tick(10);
    await see(/hits 3/);
    await press(KEY.enter, 'r', 'j', KEY.escape, 'j', KEY.enter, 'l', KEY.escape, 'j', KEY.enter, KEY.escape, 's', 'e');
    await tick(30);
    await see(/exported 3 hit/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('follows the terminal size and its resizes', async () => {
  const app = render(React.createElement(App, { hits: manyHits(200), summary: makeSummary() }));
  for (let waited = 0; waited < 3000 && !app.lastFrame(); waited += 10) await tick(10);
  const widest = () => Math.max(...(app.lastFrame() ?? '').split('\n').map((l) => l.length));
  assert.ok(widest() > 90, 'ink-testing-library reports 100 columns');
  Object.defineProperty(app.stdout, 'columns', { get: () => 60, configurable: true });
  Object.defineProperty(app.stdout, 'rows', { get: () => 12, configurable: true });
  app.stdout.emit('resize');
  for (let waited = 0; waited < 3000 && widest() > 60; waited += 10) await tick(10);
  const lines = (app.lastFrame() ?? '').split('\n');
  assert.ok(widest() <= 60, `width ${widest()}`);
  assert.ok(lines.length <= 11, `${lines.length} lines`);
  assert.equal(lines.filter((l) => /^[ ›] 2024-/.test(l)).length, 5);
});

test('b applies the selected bucket like Enter', async () => {
  const { press, see } = mount({ hits: treeHits() });
  await press('[');
  await see(/bucket 78\/78/);
  for (let i = 0; i < 13; i++) await press('[');
  await see(/bucket 65\/78: 2024-01-01 00:49:13 – 2024-01-01 00:50:00  1 hit\(s\)/);
  await press('b');
  await see(/showing 1  sort time  filter time/);
  await see(/Odd Low/);
});

test('detail wraps long values instead of cutting them', async () => {
  const long = `powershell -enc ${'A'.repeat(150)}END`;
  const { press, frame, see } = mount({ hits: [makeHit({ commandLine: long })] });
  await press(KEY.enter, 'G');
  await see(/process\.command_line/);
  const lines = frame().split('\n');
  for (const l of lines) assert.ok(l.length <= 80, l);
  const at = lines.findIndex((l) => l.startsWith('  process.command_line: powershell -enc AAA'));
  assert.ok(at > 0, frame());
  assert.equal(lines.slice(at, at + 3).map((l, i) => (i ? l.slice(4) : l.slice('  process.command_line: '.length))).join(''), long);
});

test('tall terminals get one histogram row per severity', async () => {
  const hits = [makeHit({ severity: 'critical', time: '2024-01-01T00:00:00Z' }), makeHit({ severity: 'low', time: '2024-01-01T00:59:00Z' })];
  const { frame, see } = mount({ hits, height: 40 });
  await see(/2024-01-01 00:59:00/);
  const lines = frame().split('\n');
  assert.deepEqual(lines.slice(2, 6).map((l) => l.trimEnd()), [' █', '', '', `${' '.repeat(77)}█`]);
  assert.match(lines[6], /^2024-01-01 00:00 +2024-01-01 01:00$/);
  assert.equal(lines.filter((l) => /^[ ›] 2024-/.test(l)).length, 2);
  assert.ok(lines.length <= 40);
});
