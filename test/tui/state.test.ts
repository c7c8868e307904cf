import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initState, reduce, type Action, type TuiState } from '../../src/tui/state.js';
import { LineageIndex } from '../../src/lineage/index.js';
import type { Hit } from '../../src/engine/hit.js';
import { craftedTree } from '../lineage/fixtures.js';
import { makeHit, makeSummary, manyHits } from './fixtures.js';

const run = (s: TuiState, ...actions: Action[]) => actions.reduce(reduce, s);
const ids = (s: TuiState) => s.visible.map((i) => s.ctx.hits[i].rule.name);
const top = (s: TuiState) => s.stack[s.stack.length - 1];

function three(): TuiState {
  return initState({
    hits: [
      makeHit({ rule: 'B', severity: 'low', time: '2024-01-01T00:30:00Z', host: 'h2' }),
      makeHit({ rule: 'A', severity: 'critical', time: '2024-01-01T00:10:00Z', host: 'h1', commandLine: 'nc -l 4444' }),
      makeHit({ rule: 'C', severity: 'medium', time: '2024-01-01T00:50:00Z', host: 'h1' }),
    ],
    summary: makeSummary(),
  });
}

test('initial list is sorted by time', () => {
  assert.deepEqual(ids(three()), ['A', 'B', 'C']);
});

test('cursor moves clamp; the window follows the cursor', () => {
  const s = initState({ hits: manyHits(100), summary: makeSummary(), height: 24 });
  assert.equal(run(s, { type: 'move', by: -1 }).cursor, 0);
  const down = run(s, { type: 'move', by: 20 });
  assert.equal(down.cursor, 20);
  assert.equal(down.top, 20 - 18 + 1, '18 list rows at height 24');
  assert.equal(run(s, { type: 'edge', to: 'end' }).cursor, 99);
  assert.equal(run(s, { type: 'edge', to: 'end' }).top, 82);
  assert.equal(run(s, { type: 'page', dir: 1 }).cursor, 18);
  assert.equal(run(s, { type: 'edge', to: 'end' }, { type: 'edge', to: 'start' }).top, 0);
});

test('sort cycles time → severity → rule → host and keeps the selected hit', () => {
  let s = run(three(), { type: 'move', by: 1 }); // B
  s = run(s, { type: 'sort-cycle' });
  assert.equal(s.sort, 'severity');
  assert.deepEqual(ids(s), ['A', 'C', 'B']);
  assert.equal(s.ctx.hits[s.visible[s.cursor]].rule.name, 'B');
  s = run(s, { type: 'sort-cycle' });
  assert.deepEqual(ids(s), ['A', 'B', 'C']);
  s = run(s, { type: 'sort-cycle' });
  assert.equal(s.sort, 'host');
  assert.deepEqual(ids(s), ['A', 'C', 'B']);
  assert.equal(run(s, { type: 'sort-cycle' }).sort, 'time');
});

test('search types, applies on enter, cancels on back', () => {
  let s = run(three(), { type: 'search-start' }, { type: 'search-type', text: 'n' }, { type: 'search-type', text: 'cx' }, { type: 'search-erase' });
  assert.deepEqual(s.mode, { kind: 'search', text: 'nc' });
  assert.equal(s.visible.length, 3, 'not applied while typing');
  s = run(s, { type: 'enter' });
  assert.deepEqual(ids(s), ['A']);
  assert.equal(s.filters.query, 'nc');
  const cancelled = run(three(), { type: 'search-start' }, { type: 'search-type', text: 'zzz' }, { type: 'back' });
  assert.equal(cancelled.visible.length, 3);
  assert.equal(cancelled.mode.kind, 'normal');
  assert.equal(cancelled.quit, false);
});

test('filters: minimum severity cycles; rule and host of the selected hit toggle; clear', () => {
  let s = run(three(), { type: 'filter-start' }, { type: 'filter', by: 'severity' });
  assert.deepEqual(ids(s), ['A', 'C']);
  s = run(s, { type: 'filter', by: 'severity' }, { type: 'filter', by: 'severity' });
  assert.deepEqual(ids(s), ['A']);
  s = run(s, { type: 'filter', by: 'severity' });
  assert.equal(s.visible.length, 3, 'wraps back to all');
  s = run(s, { type: 'move', by: 2 }, { type: 'filter', by: 'host' });
  assert.deepEqual(ids(s), ['A', 'C']);
  s = run(s, { type: 'filter', by: 'rule' });
  assert.deepEqual(ids(s), ['C']);
  s = run(s, { type: 'filter', by: 'rule' });
  assert.deepEqual(ids(s), ['A', 'C'], 'toggled off');
  assert.equal(run(s, { type: 'filter', by: 'clear' }).visible.length, 3);
});

test('histogram buckets select and filter; back clears the bucket, then quits', () => {
  let s = initState({ hits: three().ctx.hits, summary: makeSummary(), width: 22 }); // 20 buckets of 3 minutes
  assert.equal(s.histogram?.counts.length, 20);
  assert.deepEqual(s.histogram?.counts.filter((c) => c > 0), [1, 1, 1]);
  s = run(s, { type: 'bucket', by: 1 });
  assert.deepEqual(s.mode, { kind: 'histogram', bucket: 0 });
  s = run(s, { type: 'bucket', by: 3 });
  assert.deepEqual(s.mode, { kind: 'histogram', bucket: 3 });
  s = run(s, { type: 'enter' });
  assert.deepEqual(ids(s), ['A']);
  assert.equal(s.stack.length, 1, 'enter on a bucket filters rather than opening a hit');
  s = run(s, { type: 'back' });
  assert.equal(s.visible.length, 3);
  assert.equal(s.quit, false);
  assert.equal(run(s, { type: 'back' }).quit, true);
  assert.equal(run(initState({ hits: [], summary: makeSummary() }), { type: 'bucket-apply' }).visible.length, 0);
});

test('enter opens the detail; raw toggles; back pops', () => {
  let s = run(three(), { type: 'move', by: 1 }, { type: 'enter' });
  assert.deepEqual(top(s), { kind: 'detail', hit: 0, scroll: 0, raw: false });
  s = run(s, { type: 'toggle-raw' }, { type: 'move', by: 3 });
  assert.deepEqual(top(s), { kind: 'detail', hit: 0, scroll: 3, raw: true });
  s = run(s, { type: 'edge', to: 'start' });
  assert.equal((top(s) as { scroll: number }).scroll, 0);
  s = run(s, { type: 'back' });
  assert.equal(top(s).kind, 'list');
  assert.equal(s.quit, false);
});

test('lineage: opens at the hit process, folds, jumps to a hit of another process', () => {
  const lineage = new LineageIndex();
  for (const ev of craftedTree()) lineage.add(ev);
  const hits = [makeHit({ rule: 'Shell', entityId: 'E2', host: 'h1' }), makeHit({ rule: 'Netcat', entityId: 'E5', host: 'h1', time: '2024-01-01T00:20:00Z' })];
  let s = initState({ hits, summary: makeSummary(), lineage });
  s = run(s, { type: 'open-lineage' });
  const lin = top(s);
  assert.equal(lin.kind, 'lineage');
  assert.equal((lin as { cursor: number }).cursor, 2, 'cursor on the target after its 2 ancestors');
  s = run(s, { type: 'move', by: 2 }, { type: 'fold', open: false });
  assert.deepEqual([...(top(s) as { collapsed: ReadonlySet<string> }).collapsed], [lineage.findByEntityId('E4')[0].key]);
  s = run(s, { type: 'fold', open: true }, { type: 'move', by: 1 }, { type: 'enter' });
  assert.deepEqual(top(s), { kind: 'detail', hit: 1, scroll: 0, raw: false });
  s = run(s, { type: 'back' });
  assert.equal(top(s).kind, 'lineage');
  s = run(s, { type: 'move', by: -2 }, { type: 'enter' });
  assert.equal(s.status, 'no hits on this process');
});

test('lineage unavailable or unknown process gives a status, not a crash', () => {
  assert.match(run(three(), { type: 'open-lineage' }).status, /no lineage/);
  const s = initState({ hits: [makeHit({ entityId: 'nowhere' })], summary: makeSummary(), lineage: new LineageIndex() });
  assert.equal(run(s, { type: 'open-lineage' }).status, 'no process lineage for this hit');
  // An index that reached its memory share says so, and what raises it.
  const full = new LineageIndex(1);
  for (const ev of craftedTree()) full.add(ev);
  const t = initState({ hits: [makeHit({ entityId: 'nowhere' })], summary: makeSummary(), lineage: full });
  assert.match(run(t, { type: 'open-lineage' }).status, /^no process lineage for this hit: the lineage index reached its memory share and left \d+ events out \(rerun with a larger --max-memory\)$/);
});

test('timeline: loading then ready; a late result for another process is ignored', () => {
  const lineage = new LineageIndex();
  for (const ev of craftedTree()) lineage.add(ev);
  let s = initState({ hits: [makeHit({ entityId: 'E2', host: 'h1' })], summary: makeSummary(), lineage });
  s = run(s, { type: 'open-lineage' }, { type: 'timeline-open' });
  const key = lineage.findByEntityId('E2')[0].key;
  assert.deepEqual(top(s), { kind: 'timeline', key, status: 'loading', events: [], scroll: 0 });
  assert.equal(run(s, { type: 'timeline-loaded', key: 'other', events: [] }), s);
  s = run(s, { type: 'timeline-loaded', key, events: craftedTree().slice(0, 2) });
  assert.equal((top(s) as { status: string }).status, 'ready');
  assert.equal((top(s) as { events: readonly unknown[] }).events.length, 2);
});

test('resize recomputes the histogram and keeps the cursor visible', () => {
  let s = initState({ hits: manyHits(100), summary: makeSummary(), width: 80, height: 24 });
  s = run(s, { type: 'move', by: 50 }, { type: 'resize', width: 120, height: 10 });
  assert.equal(s.histogram?.counts.length, 118);
  assert.ok(s.cursor >= s.top && s.cursor < s.top + 4);
});

test('hits with missing or odd-typed fields do not break the reducer', () => {
  const odd = [{} as Hit, { rule: { name: 5, severity: 'bogus' }, timestamp: 12 } as unknown as Hit, null as unknown as Hit, makeHit()];
  let s = initState({ hits: odd, summary: undefined as unknown as ReturnType<typeof makeSummary> });
  for (const a of [{ type: 'sort-cycle' }, { type: 'sort-cycle' }, { type: 'enter' }, { type: 'move', by: 5 }, { type: 'back' }, { type: 'filter', by: 'rule' }, { type: 'search-start' }, { type: 'search-type', text: 'x' }, { type: 'enter' }] as Action[]) s = run(s, a);
  assert.equal(s.quit, false);
});

test('an ES|QL row without a host finds its process by entity id', () => {
  const lineage = new LineageIndex();
  for (const ev of craftedTree()) lineage.add(ev);
  const row = { ...makeHit(), event: undefined, host: 'h1', row: { 'process.entity_id': 'E4', count: 2 } } as Hit;
  const s = run(initState({ hits: [row], summary: makeSummary(), lineage }), { type: 'open-lineage' });
  assert.equal(top(s).kind, 'lineage');
  assert.equal(s.ctx.hitsByProcess.get(lineage.findByEntityId('E4')[0].key)?.[0], 0);
});
