import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ev, makeRule, run } from './fixtures.js';

const rule = makeRule({
  type: 'new_terms',
  query: 'event.category:file and process.name:python*',
  new_terms_fields: ['host.id', 'file.path'],
  history_window_start: 'now-7d',
});

function access(time: string, host: string, path: string | string[], file = 'f.ndjson') {
  return ev(time, { event: { category: 'file' }, process: { name: 'python3' }, host: { id: host }, file: { path } }, file);
}

test('new_terms: only the first occurrence of a combination is a hit, whatever the file order', () => {
  const later = access('2026-11-21T10:00:00Z', 'h1', '/Users/a/.ssh/id_rsa', 'a.ndjson');
  const first = access('2026-11-20T10:00:00Z', 'h1', '/Users/a/.ssh/id_rsa', 'b.ndjson');
  const other = access('2026-11-20T11:00:00Z', 'h2', '/Users/a/.ssh/id_rsa', 'a.ndjson');
  const { hits } = run([rule], [later, first, other]);
  assert.deepEqual(hits.map((h) => [h.timestamp, h.new_terms]), [
    ['2026-11-20T10:00:00.000Z', ['h1', '/Users/a/.ssh/id_rsa']],
    ['2026-11-20T11:00:00.000Z', ['h2', '/Users/a/.ssh/id_rsa']],
  ]);
});

test('new_terms: a combination not seen within the history window is new again', () => {
  const events = [
    access('2026-11-01T10:00:00Z', 'h1', '/p'),
    access('2026-11-07T10:00:00Z', 'h1', '/p'), // 6 days later: seen
    access('2026-11-15T10:00:00Z', 'h1', '/p'), // 8 days after the last sighting: new again
  ];
  const { hits } = run([rule], events);
  assert.deepEqual(hits.map((h) => h.timestamp), ['2026-11-01T10:00:00.000Z', '2026-11-15T10:00:00.000Z']);
});

test('new_terms: arrays give every combination; missing fields are ignored; non-matching events never count', () => {
  const events = [
    access('2026-11-20T10:00:00Z', 'h1', ['/a', '/b']),
    access('2026-11-20T10:01:00Z', 'h1', '/b'), // seen through the array
    access('2026-11-20T10:02:00Z', 'h1', ['/b', '/c']), // /c is new
    ev('2026-11-20T10:03:00Z', { event: { category: 'file' }, process: { name: 'python3' }, host: { id: 'h1' } }),
    ev('2026-11-20T09:00:00Z', { event: { category: 'file' }, process: { name: 'ruby' }, host: { id: 'h1' }, file: { path: '/d' } }),
    access('2026-11-20T10:04:00Z', 'h1', '/d'), // the ruby event did not match the query: /d is new
  ];
  const { hits } = run([rule], events);
  assert.deepEqual(hits.map((h) => h.new_terms), [['h1', '/a'], ['h1', '/c'], ['h1', '/d']]);
});

test('new_terms: events without a usable timestamp are reported, not silently dropped', () => {
  const bad = ev('not-a-date', { event: { category: 'file' }, process: { name: 'python3' }, host: { id: 'h1' }, file: { path: '/x' } });
  const { hits, warnings } = run([rule], [bad]);
  assert.equal(hits.length, 0);
  assert.match(warnings.join('\n'), /1 candidate event\(s\) without a usable timestamp/);
});
