import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import { compileEsql } from '../../src/lang/esql/index.js';
import { isQueryError } from '../../src/lang/query-error.js';
import { needsShared, sharedPath, tomlFiles } from '../helpers/shared.js';


test('every ES|QL query in elastic-rules compiles (or is unsupported offline)', { skip: needsShared('elastic-rules') }, () => {
  const root = sharedPath('elastic-rules');
  const failures: string[] = [];
  let total = 0;
  let unsupported = 0;
  for (const dir of ['rules', 'rules_building_block']) {
    for (const f of tomlFiles(path.join(root, dir))) {
      const doc = parse(readFileSync(f, 'utf8')) as { rule?: { type?: string; query?: string } };
      if (doc.rule?.type !== 'esql' || typeof doc.rule.query !== 'string') continue;
      total++;
      try {
        const q = compileEsql(doc.rule.query, { now: Date.UTC(2026, 0, 1) });
        q.createExecutor().finish();
      } catch (e) {
        if (isQueryError(e) && e.kind === 'unsupported') {
          unsupported++;
          continue;
        }
        failures.push(`${path.relative(root, f)}: ${isQueryError(e) ? e.format('query') : String(e)}`);
      }
    }
  }
  console.log(`elastic-rules ES|QL: ${total} queries, ${total - unsupported - failures.length} compiled, ${unsupported} unsupported offline, ${failures.length} failed`);
  assert.ok(total > 100, `expected many ES|QL rules, found ${total}`);
  assert.deepEqual(failures, []);
});
