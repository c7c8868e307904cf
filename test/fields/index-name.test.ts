import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventIndex, matchesIndexPatterns } from '../../src/input/index-name.js';

test('backing indices resolve to their data stream', () => {
  assert.equal(
    eventIndex({ doc: {}, index: '.ds-logs-endpoint.events.file-default-2026.11.20-000001' }),
    'logs-endpoint.events.file-default',
  );
  assert.equal(eventIndex({ doc: {}, index: 'winlogbeat-8.1' }), 'winlogbeat-8.1');
});

test('data_stream fields name the index when _index is absent', () => {
  const doc = { data_stream: { dataset: 'endpoint.events.process', namespace: 'default' } };
  assert.equal(eventIndex({ doc }), 'logs-endpoint.events.process-default');
  assert.equal(eventIndex({ doc: { 'data_stream.dataset': 'x', 'data_stream.namespace': 'y' } }), 'logs-x-y');
  assert.equal(eventIndex({ doc: {} }), undefined);
});

test('wildcards, comma lists, exclusions and unknown indices', () => {
  const doc = { data_stream: { dataset: 'endpoint.events.process', namespace: 'default' } };
  assert.equal(matchesIndexPatterns({ doc }, ['logs-endpoint.events.process-*']), true);
  assert.equal(matchesIndexPatterns({ doc }, ['logs-endpoint.events.file-*']), false);
  assert.equal(matchesIndexPatterns({ doc }, ['logs-endpoint.events.file-*,logs-*']), true);
  assert.equal(matchesIndexPatterns({ doc }, ['logs-*', '-logs-endpoint.*']), false);
  assert.equal(matchesIndexPatterns({ doc }, ['remote:logs-endpoint.events.*']), true);
  assert.equal(matchesIndexPatterns({ doc: {} }, ['logs-endpoint.events.file-*']), true);
  assert.equal(matchesIndexPatterns({ doc: {} }, ['logs-endpoint.events.file-*'], true), false);
  // `.` is literal, not a regex wildcard.
  assert.equal(matchesIndexPatterns({ doc: {}, index: 'logsXendpoint' }, ['logs.endpoint']), false);
});
