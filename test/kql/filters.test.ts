import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFilters } from '../../src/lang/kql/index.js';
import { QueryError } from '../../src/lang/query-error.js';
import type { RuleFilter } from '../../src/rules/rule.js';

const NOW = Date.UTC(2024, 5, 15, 12);
const run = (filters: RuleFilter[], doc: Record<string, unknown>) => compileFilters(filters, { now: NOW })(doc);

test('no filters, or only disabled ones, pass everything', () => {
  assert.equal(run([], {}), true);
  assert.equal(run([{ meta: { disabled: true }, query: { match_none: {} } }], {}), true);
});

test('phrase (match_phrase, legacy meta params) and negate', () => {
  const phrase: RuleFilter = { meta: { key: 'event.module', type: 'phrase', negate: false }, query: { match_phrase: { 'event.module': 'threatintel' } } };
  assert.equal(run([phrase], { event: { module: 'threatintel' } }), true);
  assert.equal(run([phrase], { event: { module: 'other' } }), false);
  assert.equal(run([{ ...phrase, meta: { ...phrase.meta, negate: true } }], { event: { module: 'other' } }), true);
  const legacy: RuleFilter = { meta: { key: 'a', type: 'phrase', params: { query: 'x' } } };
  assert.equal(run([legacy], { a: 'x' }), true);
  const withQueryKey: RuleFilter = { query: { match: { a: { query: 5, type: 'phrase' } } } };
  assert.equal(run([withQueryKey], { a: '5' }), true);
});

test('phrases: bool.should of match_phrase with minimum_should_match', () => {
  const f: RuleFilter = {
    meta: { type: 'phrases', key: 'host.os.type' },
    query: { bool: { should: [{ match_phrase: { 'host.os.type': 'linux' } }, { match_phrase: { 'host.os.type': 'macos' } }], minimum_should_match: 1 } },
  };
  assert.equal(run([f], { host: { os: { type: 'macos' } } }), true);
  assert.equal(run([f], { host: { os: { type: 'windows' } } }), false);
});

test('exists (top-level and under query), with negate', () => {
  assert.equal(run([{ exists: { field: 'user_agent.original' }, meta: { negate: true } }], {}), true);
  assert.equal(run([{ exists: { field: 'user_agent.original' }, meta: { negate: true } }], { user_agent: { original: 'curl' } }), false);
  assert.equal(run([{ query: { exists: { field: 'a' } } }], { a: '' }), true);
});

test('range filters: numbers and dates with date math', () => {
  const f: RuleFilter = { range: { 'event.duration': { gte: 10, lt: 20 } } };
  assert.equal(run([f], { event: { duration: 10 } }), true);
  assert.equal(run([f], { event: { duration: 20 } }), false);
  const d: RuleFilter = { query: { range: { '@timestamp': { gte: 'now-1h' } } } };
  assert.equal(run([d], { '@timestamp': '2024-06-15T11:30:00Z' }), true);
  assert.equal(run([d], { '@timestamp': '2024-06-15T10:30:00Z' }), false);
});

test('wildcard filters: ES wildcard syntax (* ? and escapes), case_insensitive', () => {
  const f: RuleFilter = {
    meta: { negate: true },
    query: { wildcard: { 'file.path': { case_insensitive: true, value: '?:\\\\Windows\\\\Sys?????\\\\*' } } },
  };
  assert.equal(run([f], { file: { path: 'C:\\windows\\system32\\x.dll' } }), false);
  assert.equal(run([f], { file: { path: 'C:\\Windows\\Temp\\x.dll' } }), true);
  const cs: RuleFilter = { query: { wildcard: { name: 'ab*' } } };
  assert.equal(run([cs], { name: 'abc' }), true);
  assert.equal(run([cs], { name: 'ABC' }), false);
  assert.equal(run([{ query: { wildcard: { p: { value: '*a*a*a*a*a*a*a*b' } } } }], { p: 'a'.repeat(5000) }), false);
});

test('bool must / filter / must_not / should; term and terms; several filters are ANDed', () => {
  const f: RuleFilter = {
    query: {
      bool: {
        must: [{ term: { a: 'x' } }],
        filter: { terms: { b: ['1', '2'] } },
        must_not: [{ term: { c: { value: 'no' } } }],
      },
    },
  };
  assert.equal(run([f], { a: 'x', b: 2 }), true);
  assert.equal(run([f], { a: 'x', b: 3 }), false);
  assert.equal(run([f], { a: 'x', b: '1', c: 'no' }), false);
  const two: RuleFilter[] = [{ query: { term: { a: 'x' } } }, { query: { term: { b: 'y' } }, meta: { negate: true } }];
  assert.equal(run(two, { a: 'x', b: 'z' }), true);
  assert.equal(run(two, { a: 'x', b: 'y' }), false);
});

test('query_string: run as KQL when it parses; otherwise an unsupported QueryError', () => {
  assert.equal(run([{ query: { query_string: { query: 'a:1 and b:2' } } }], { a: 1, b: 2 }), true);
  assert.throws(
    () => compileFilters([{ query: { query_string: { query: 'a:[1 TO 5]' } } }]),
    (e: unknown) => e instanceof QueryError && e.kind === 'unsupported',
  );
  assert.throws(
    () => compileFilters([{ query: { geo_shape: {} } }]),
    (e: unknown) => e instanceof QueryError && e.kind === 'unsupported' && /geo_shape/.test(e.message),
  );
});
