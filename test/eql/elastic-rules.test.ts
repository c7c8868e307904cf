import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import { needsShared, sharedPath, tomlFiles } from '../helpers/shared.js';
import { compileEql } from '../../src/lang/eql/index.js';

const skip = needsShared('elastic-rules');

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
        failures.push(`${path.relative(root, file)}: ${(e as Error).message}`);
      }
    }
  }
  console.log(`[elastic-rules] ${total - failures.length}/${total} EQL rules compile`);
  assert.ok(total > 0);
  assert.deepEqual(failures, []);
});

test('the whitespace-padding rule (nested unbounded quantifiers) matches as Lucene would', { skip }, () => {
  const file = sharedPath('elastic-rules', 'rules', '_deprecated', 'defense_evasion_whitespace_padding_in_command_line.toml');
  const rule = (parse(readFileSync(file, 'utf8')) as { rule: { query: string } }).rule;
  const q = compileEql(rule.query);
  const proc = (cmd: string) => ({ event: { category: 'process', type: ['start'] }, process: { command_line: cmd } });
  // ([^ ]+[ ]{3,}[^ ]*){3,}.* : three words, each followed by 3+ spaces
  assert.equal(q.filter(proc('cmd.exe   /c   whoami   /all')), true);
  assert.equal(q.filter(proc('a   b   c   ')), true);
  // .*[ ]{20,}.* : 20+ contiguous spaces anywhere
  assert.equal(q.filter(proc(`powershell${' '.repeat(20)}-enc AAAA`)), true);
  // two padded gaps only, gaps of two spaces, a leading gap: no match
  assert.equal(q.filter(proc('cmd.exe   /c   whoami')), false);
  assert.equal(q.filter(proc('cmd.exe  /c  whoami  /all  x')), false);
  assert.equal(q.filter(proc('cmd.exe /c whoami /all')), false);
  assert.equal(q.filter(proc(`powershell${' '.repeat(19)}-enc AAAA`)), false);
  // long hostile values: answered in linear time, and right
  assert.equal(q.filter(proc('x   '.repeat(20_000))), true);
  assert.equal(q.filter(proc('x  '.repeat(20_000))), false);
});
