import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadRules, type LoadedRules } from '../../src/rules/index.js';
import { needsShared, sharedPath } from '../helpers/shared.js';

const skip = needsShared('elastic-rules');

/** ORIGIN.md's table: type/language → [active, _deprecated, building block]. */
const ORIGIN: Record<string, [number, number, number]> = {
  'eql/eql': [954, 57, 70],
  'query/kuery': [424, 53, 30],
  'new_terms/kuery': [217, 4, 24],
  'esql/esql': [206, 3, 3],
  'machine_learning/': [106, 0, 0],
  'threshold/kuery': [27, 3, 1],
  'threat_match/kuery': [6, 3, 0],
  'query/lucene': [0, 1, 0],
};

function countByType(loaded: LoadedRules, pick: (file: string) => boolean): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of loaded.rules) {
    if (!pick(r.file)) continue;
    const k = `${r.type}/${r.language ?? ''}`;
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}
const column = (i: 0 | 1 | 2): Record<string, number> =>
  Object.fromEntries(Object.entries(ORIGIN).filter(([, v]) => v[i] > 0).map(([k, v]) => [k, v[i]]));
const isDeprecated = (f: string): boolean => f.includes('/_deprecated/');
const isBbr = (f: string): boolean => f.includes('/rules_building_block/');

describe('Elastic detection-rules corpus', { skip }, () => {
  it('all 2,192 files load with includeDeprecated; counts by type match ORIGIN.md', async () => {
    const loaded = await loadRules([sharedPath('elastic-rules')], { includeDeprecated: true });
    assert.deepEqual(loaded.errors, []);
    assert.equal(loaded.files, 2192);
    assert.equal(loaded.rules.length, 2192);
    assert.equal(loaded.deprecatedSkipped, 0);
    assert.deepEqual(countByType(loaded, (f) => !isDeprecated(f) && !isBbr(f)), column(0));
    assert.deepEqual(countByType(loaded, isDeprecated), column(1));
    assert.deepEqual(countByType(loaded, isBbr), column(2));
    assert.equal(loaded.rules.filter((r) => r.deprecated).length, 124);
    assert.ok(loaded.rules.filter((r) => r.deprecated).every((r) => isDeprecated(r.file)));
    assert.equal(loaded.rules.filter((r) => r.type === 'eql' && /^\s*sequence\b/.test(r.query ?? '')).length, 211);
    assert.ok(loaded.rules.filter((r) => isBbr(r.file)).every((r) => r.building_block_type === 'default'));
  });

  it('without includeDeprecated the _deprecated rules are skipped and counted', async () => {
    const loaded = await loadRules([sharedPath('elastic-rules')]);
    assert.deepEqual(loaded.errors, []);
    assert.equal(loaded.files, 2192);
    assert.equal(loaded.deprecatedSkipped, 124);
    assert.equal(loaded.rules.length, 2068);
    assert.ok(loaded.rules.every((r) => !r.deprecated && !isDeprecated(r.file)));
  });

  it('every rule is well formed: query positions, type-specific fields, defaults', async () => {
    const loaded = await loadRules([sharedPath('elastic-rules')], { includeDeprecated: true });
    const ids = new Set<string>();
    for (const r of loaded.rules) {
      assert.ok(!ids.has(r.rule_id), `duplicate ${r.rule_id}`);
      ids.add(r.rule_id);
      assert.ok(['low', 'medium', 'high', 'critical'].includes(r.severity), r.file);
      if (r.type === 'machine_learning') {
        assert.equal(r.query, undefined);
        assert.ok(r.machine_learning_job_id?.length, r.file);
        continue;
      }
      assert.equal(typeof r.query, 'string', r.file);
      // The query's first non-empty line is found at queryLine/queryColumn in the file.
      const lines = readFileSync(r.file, 'utf8').split('\n');
      const first = r.query!.split('\n')[0]!;
      const at = lines[r.queryLine! - 1]!.slice(r.queryColumn! - 1);
      if (!first.includes('\\') && !first.includes('"')) assert.ok(at.startsWith(first), `${r.file}: queryLine ${r.queryLine}`);
      if (r.type === 'new_terms') {
        assert.ok(r.new_terms_fields!.length >= 1, r.file);
        assert.match(r.history_window_start!, /^now-\d+[dhm]$/, r.file);
      }
      if (r.type === 'threshold') {
        assert.ok(Array.isArray(r.threshold!.field), r.file);
        assert.ok(r.threshold!.value >= 1, r.file);
      }
    }
    const withFilters = loaded.rules.filter((r) => r.filters.length > 0);
    assert.equal(withFilters.length, 21);
    assert.ok(withFilters.every((r) => r.filters.every((f) => typeof f === 'object' && f !== null)));
    const withCardinality = loaded.rules.filter((r) => r.threshold?.cardinality?.length);
    assert.equal(withCardinality.length, 19);
  });
});
