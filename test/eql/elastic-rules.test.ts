import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import { needsShared, sharedPath, tomlFiles } from '../helpers/shared.js';
import { compileEql } from '../../src/lang/eql/index.js';

const skip = needsShared('elastic-rules');

/** Rules rejected on purpose (file → reason). */
const KNOWN_REJECTED: Record<string, string> = {
  'rules/_deprecated/defense_evasion_whitespace_padding_in_command_line.toml':
    'regex ([^ ]+[ ]{3,}[^ ]*){3,} nests unbounded quantifiers: catastrophic backtracking in a JS regex engine (Lucene uses automata)',
};


test('every EQL query in elastic detection rules compiles', { skip }, () => {
  const root = sharedPath('elastic-rules');
  const failures: string[] = [];
  let total = 0;
  for (const sub of ['rules', 'rules_building_block']) {
    for (const file of tomlFiles(path.join(root, sub))) {
      let doc: { rule?: { type?: string; query?: string; language?: string } };
      try { doc = parse(readFileSync(file, 'utf8')) as typeof doc; } catch { continue; }
      const rule = doc.rule;
      if (!rule || rule.type !== 'eql' || typeof rule.query !== 'string') continue;
      total++;
      try {
        const q = compileEql(rule.query);
        assert.ok(q.fields.length > 0 || rule.query.includes('any where'));
      } catch (e) {
        const rel = path.relative(root, file);
        if (KNOWN_REJECTED[rel]) console.log(`  known rejection ${rel}: ${KNOWN_REJECTED[rel]}`);
        else failures.push(`${rel}: ${(e as Error).message}`);
      }
    }
  }
  console.log(`[elastic-rules] ${total - failures.length}/${total} EQL rules compile`);
  assert.ok(total > 0);
  assert.deepEqual(failures, []);
});
