import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { hunt } from '../../src/hunt/hunt.js';
import { ROOT } from '../helpers/trawl.js';

interface Expected {
  rule: string;
  host: string;
  file: string;
  line: number;
  group?: string;
}

const SAMPLES = path.join(ROOT, 'samples');
const RULES = path.join(ROOT, 'rules');
const expected: Expected[] = JSON.parse(readFileSync(path.join(SAMPLES, '.expected-hits.json'), 'utf8'));

function key(rule: string, host: string | undefined, file: string, line: number | string): string {
  return `${rule} | ${host} | ${file}:${line}`;
}

test('hunting samples/ with the bundled rules finds exactly the planted hits', async () => {
  const { hits, summary } = await hunt({ evidence: [SAMPLES], rulePaths: [RULES], workers: 1 });
  assert.deepEqual(summary.rules.failed, []);
  assert.equal(summary.rules.compiled, 4);
  assert.deepEqual(summary.skipped, {});
  const got = hits.map((h) => {
    if (h.rule.type === 'esql') return key(h.rule.name, h.host, 'group', String(h.row?.['process.parent.entity_id']));
    const src = Array.isArray(h.source) ? h.source[0] : h.source;
    return key(h.rule.name, h.host, path.relative(SAMPLES, src?.file ?? ''), src?.line ?? -1);
  });
  const want = expected.map((e) => (e.group ? key(e.rule, e.host, 'group', e.group) : key(e.rule, e.host, e.file, e.line)));
  assert.deepEqual([...got].sort(), [...want].sort());
  // Every seed rule fires at least once.
  assert.equal(new Set(hits.map((h) => h.rule.name)).size, 4);
});

test('the ES|QL hit carries the aggregate row as Elasticsearch would produce it', async () => {
  const { hits } = await hunt({ evidence: [SAMPLES], rulePaths: [RULES], workers: 1 });
  const esql = hits.find((h) => h.rule.type === 'esql');
  assert.ok(esql?.row);
  assert.equal(esql.row['Esql.process_command_line_count_distinct'], 6);
  assert.equal(esql.row['Esql.patterns_count_distinct'], 4);
  assert.deepEqual(Object.keys(esql.row).slice(-4), ['process.parent.entity_id', 'agent.id', 'host.name', 'Esql.time_window_date_trunc']);
  assert.equal(esql.host, 'web-01');
});

test('new_terms hits carry the new values; output is identical with 1 and 2 workers', async () => {
  const one = await hunt({ evidence: [SAMPLES], rulePaths: [RULES], workers: 1 });
  const two = await hunt({ evidence: [SAMPLES], rulePaths: [RULES], workers: 2 });
  assert.deepEqual(JSON.stringify(two.hits), JSON.stringify(one.hits));
  const nt = one.hits.filter((h) => h.rule.type === 'new_terms');
  assert.deepEqual(nt.map((h) => (h.new_terms as string[])[1]).sort(), [
    '/Users/alice/.aws/credentials',
    '/Users/alice/.ssh/id_rsa',
    '/Users/bob/Library/Keychains/login.keychain-db',
  ]);
});
