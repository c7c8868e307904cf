import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { needsShared, sharedPath } from '../helpers/shared.js';
import { parseSpecFile, type SpecTest } from './helpers/csv-spec.js';
import { runSpec } from './helpers/run-spec.js';
import { SKIPS } from './conformance-skips.js';

const ROOT = 'conformance/esql';
const skip = needsShared(ROOT);

function allTests(): SpecTest[] {
  const dir = sharedPath(ROOT, 'specs');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.csv-spec'))
    .sort()
    .flatMap((f) => parseSpecFile(path.join(dir, f)));
}

const key = (t: SpecTest) => `${t.file}:${t.name}`;

test('ES|QL csv-spec conformance', { skip }, () => {
  const tests = allTests();
  const dataDir = sharedPath(ROOT, 'data');
  const failures: string[] = [];
  let passed = 0;
  let skipped = 0;
  let disabled = 0;
  for (const t of tests) {
    if (t.disabled) {
      disabled++;
      continue;
    }
    if (SKIPS[key(t)] !== undefined) {
      skipped++;
      continue;
    }
    const err = runSpec(t, dataDir);
    if (err === undefined) passed++;
    else failures.push(`${key(t)}: ${err}\n  query: ${t.query.replace(/\n/g, ' ')}`);
  }
  console.log(`csv-spec: ${tests.length} blocks, ${passed} passed, ${skipped} skipped (listed), ${disabled} disabled upstream (-Ignore, or skipped on every version), ${failures.length} failed`);
  if (process.env.ESQL_SPEC_REPORT) console.log(failures.join('\n\n'));
  assert.deepEqual(failures, []);
});

test('every skipped csv-spec name exists (no stale entries)', { skip }, () => {
  const names = new Set(allTests().map(key));
  const stale = Object.keys(SKIPS).filter((k) => !names.has(k));
  assert.deepEqual(stale, []);
});
