/**
 * Every KQL query in the Elastic detection-rules snapshot (/work/shared/elastic-rules: rules/,
 * rules/_deprecated, rules_building_block/) parses and compiles, and every `[[rule.filters]]`
 * list compiles with compileFilters. Failures are listed with file and message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import { needsShared, sharedPath, tomlFiles } from '../helpers/shared.js';
import { compileFilters, compileKql, parseKql } from '../../src/lang/kql/index.js';
import type { RuleFilter } from '../../src/rules/rule.js';

const skip = needsShared('elastic-rules');
const KQL_TYPES = new Set(['query', 'new_terms', 'threshold', 'threat_match', 'saved_query']);


interface Loaded {
  file: string;
  rule: Record<string, unknown>;
}

function loadRules(): Loaded[] {
  if (skip) return [];
  const root = sharedPath('elastic-rules');
  const files = [...tomlFiles(path.join(root, 'rules')), ...tomlFiles(path.join(root, 'rules_building_block'))];
  return files.map((file) => {
    const doc = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    return { file: path.relative(root, file), rule: (doc.rule ?? {}) as Record<string, unknown> };
  });
}

const rules = loadRules();

/** Documents every compiled rule is run over once: evaluation must never throw. */
const SAMPLE_DOCS: Record<string, unknown>[] = [
  {},
  {
    '@timestamp': '2024-01-01T00:00:00Z',
    event: { category: ['process'], type: ['start'], action: 'exec', outcome: 'success' },
    host: { os: { type: 'windows' } },
    process: { name: 'cmd.exe', args: ['cmd.exe', '/c', 'whoami'], command_line: 'cmd.exe /c whoami', parent: { name: 'explorer.exe' }, pid: 4 },
    source: { ip: '10.0.0.1', port: 445 },
    user: { name: null },
  },
];

function isKuery(rule: Record<string, unknown>): boolean {
  return KQL_TYPES.has(String(rule.type)) && (rule.language === undefined || rule.language === 'kuery') && typeof rule.query === 'string';
}

test('every KQL rule query parses and compiles', { skip }, () => {
  const failures: string[] = [];
  let checked = 0;
  for (const { file, rule } of rules) {
    const queries: [string, string][] = [];
    if (isKuery(rule)) queries.push(['query', rule.query as string]);
    if (typeof rule.threat_query === 'string' && (rule.threat_language ?? 'kuery') === 'kuery') {
      queries.push(['threat_query', rule.threat_query]);
    }
    for (const [which, q] of queries) {
      checked++;
      try {
        const pred = compileKql(parseKql(q), { now: Date.UTC(2024, 0, 1) });
        for (const doc of SAMPLE_DOCS) assert.equal(typeof pred(doc), 'boolean');
      } catch (e) {
        failures.push(`${file} (${which}): ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
  assert.ok(checked > 700, `expected hundreds of KQL queries, found ${checked}`);
  assert.deepEqual(failures, [], `${failures.length} of ${checked} queries failed:\n${failures.join('\n')}`);
});

test('every rule filters / threat_filters list compiles', { skip }, () => {
  const failures: string[] = [];
  let checked = 0;
  for (const { file, rule } of rules) {
    for (const key of ['filters', 'threat_filters']) {
      const filters = rule[key];
      if (!Array.isArray(filters) || filters.length === 0) continue;
      checked++;
      try {
        compileFilters(filters as RuleFilter[]);
      } catch (e) {
        failures.push(`${file} (${key}): ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
  assert.ok(checked > 10, `expected rules with filters, found ${checked}`);
  assert.deepEqual(failures, [], `${failures.length} of ${checked} filter lists failed:\n${failures.join('\n')}`);
});
