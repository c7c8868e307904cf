import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRules, type Rule } from '../../src/rules/index.js';
import { needsShared, sharedPath } from '../helpers/shared.js';

const RULES_DIR = path.resolve(fileURLToPath(new URL('../../rules', import.meta.url)));
const ws = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** The query text of a seed document: from its first line to the line before `end`. */
function seedQuery(seed: string, start: string, end: string): string {
  const text = readFileSync(sharedPath('seeds', seed), 'utf8');
  const i = text.indexOf(start);
  assert.ok(i >= 0, `${seed}: query start not found`);
  const j = text.indexOf(end, i);
  assert.ok(j > i, `${seed}: query end not found`);
  return text.slice(i, j);
}

async function bundled(): Promise<Map<string, Rule>> {
  const loaded = await loadRules([RULES_DIR]);
  assert.deepEqual(loaded.errors, []);
  assert.equal(loaded.rules.length, 4);
  assert.equal(loaded.files, 4);
  assert.equal(loaded.deprecatedSkipped, 0);
  return new Map(loaded.rules.map((r) => [r.name, r]));
}

const tactics = (r: Rule): string[] => r.threat.map((t) => t.tactic.id);
const techniques = (r: Rule): string[] =>
  r.threat.flatMap((t) => (t.technique ?? []).flatMap((x) => [x.id, ...(x.subtechnique ?? []).map((s) => s.id)]));

describe('bundled rules', () => {
  it('are the four seed rules', async () => {
    const rules = await bundled();
    assert.deepEqual([...rules.keys()].sort(), [
      'First Time Python Accessed Sensitive Credential Files',
      'Python Site or User Customize File Creation',
      'Suspicious Python Shell Command Execution',
      'SystemKey Access via Command Line',
    ]);
    for (const r of rules.values()) {
      assert.equal(r.deprecated, false);
      assert.equal(r.interval, '5m');
      assert.equal(r.from, 'now-9m');
      assert.equal(r.max_signals, 100);
      assert.ok(r.note?.startsWith('## Triage and analysis'), `${r.name}: note`);
      assert.ok(r.description.length > 50);
      assert.equal(r.license, 'Elastic License v2');
      assert.ok(r.queryLine && r.queryLine > 1);
    }
  });

  it('First Time Python Accessed Sensitive Credential Files: new_terms on host.id + file.path', async () => {
    const r = (await bundled()).get('First Time Python Accessed Sensitive Credential Files')!;
    assert.equal(r.rule_id, '03b150d9-9280-4eb8-9906-38cfb6184666');
    assert.equal(r.type, 'new_terms');
    assert.equal(r.language, 'kuery');
    assert.deepEqual(r.index, ['logs-endpoint.events.file-*']);
    assert.equal(r.severity, 'medium');
    assert.equal(r.risk_score, 47);
    assert.deepEqual(r.new_terms_fields, ['host.id', 'file.path']);
    assert.equal(r.history_window_start, 'now-7d');
    assert.equal(r.timestamp_override, 'event.ingested');
    assert.ok(r.tags.includes('Domain: LLM'));
    assert.equal(r.tags.length, 7);
    assert.deepEqual(tactics(r), ['TA0006']);
    assert.deepEqual(techniques(r), ['T1539', 'T1552', 'T1552.001', 'T1555', 'T1555.001', 'T1558', 'T1558.005']);
  });

  it('Suspicious Python Shell Command Execution: ES|QL', async () => {
    const r = (await bundled()).get('Suspicious Python Shell Command Execution')!;
    assert.equal(r.rule_id, 'b42e4b88-fc4a-417b-a45e-4d4a3db9fd41');
    assert.equal(r.type, 'esql');
    assert.equal(r.language, 'esql');
    assert.equal(r.index, undefined);
    assert.equal(r.severity, 'medium');
    assert.equal(r.risk_score, 47);
    assert.deepEqual(r.tags, [
      'Domain: Endpoint',
      'OS: Linux',
      'OS: macOS',
      'Use Case: Threat Detection',
      'Tactic: Execution',
      'Data Source: Elastic Defend',
      'Resources: Investigation Guide',
    ]);
    assert.deepEqual(tactics(r), ['TA0002']);
    assert.deepEqual(techniques(r), ['T1059', 'T1059.006']);
  });

  it('SystemKey Access via Command Line: KQL query', async () => {
    const r = (await bundled()).get('SystemKey Access via Command Line')!;
    assert.equal(r.rule_id, 'd75991f2-b989-419d-b797-ac1e54ec2d61');
    assert.equal(r.type, 'query');
    assert.equal(r.language, 'kuery');
    assert.deepEqual(r.index, ['logs-endpoint.events.*']);
    assert.equal(r.severity, 'high');
    assert.equal(r.risk_score, 73);
    assert.ok(r.setup?.startsWith('## Setup'));
    assert.deepEqual(tactics(r), ['TA0006']);
    assert.deepEqual(techniques(r), ['T1555', 'T1555.001']);
  });

  it('Python Site or User Customize File Creation: EQL', async () => {
    const r = (await bundled()).get('Python Site or User Customize File Creation')!;
    assert.equal(r.rule_id, 'd788313c-9e0b-4c5a-8c4b-c3f05a47d5a8');
    assert.equal(r.type, 'eql');
    assert.equal(r.language, 'eql');
    assert.deepEqual(r.index, ['logs-endpoint.events.file*']);
    assert.equal(r.severity, 'low');
    assert.equal(r.risk_score, 21);
    assert.deepEqual(tactics(r), ['TA0003', 'TA0002', 'TA0005']);
    for (const t of ['Tactic: Persistence', 'Tactic: Execution', 'Tactic: Defense Evasion', 'OS: Linux']) assert.ok(r.tags.includes(t), t);
  });

  it('queries are exactly the seed queries', { skip: needsShared('seeds') }, async () => {
    const rules = await bundled();
    const cases: [string, string, string, string][] = [
      ['First Time Python Accessed Sensitive Credential Files', '000_a23660a7dd009186.txt', 'event.category:file and host.os.type:macos', '\n\nFramework'],
      ['Suspicious Python Shell Command Execution', '001_a86b2163511ee2c9.txt', 'FROM logs-endpoint.events.process-*', '\n\nFramework'],
      ['Suspicious Python Shell Command Execution', '002_df4e051fcfd36561.txt', 'FROM logs-endpoint.events.process-*', "\n'''"],
      ['SystemKey Access via Command Line', '003_7c674c9e7778803e.txt', 'event.category:process and host.os.type:macos', '\nFramework'],
      ['Python Site or User Customize File Creation', '004_63512a502b79849b.txt', 'file where host.os.type == "linux"', '\n\nInstall detection rules'],
    ];
    for (const [name, seed, start, end] of cases) {
      assert.equal(ws(rules.get(name)!.query!), ws(seedQuery(seed, start, end)), `${name} vs ${seed}`);
    }
    // Seed 004 is the query as shown, exactly (the corpus has a later revision).
    assert.equal(
      rules.get('Python Site or User Customize File Creation')!.query!.trimEnd(),
      seedQuery('004_63512a502b79849b.txt', 'file where host.os.type == "linux"', '\n\nInstall detection rules').trimEnd(),
    );
  });

  it('each seed rule name and rule_id matches the corpus rule of the same name', { skip: needsShared('elastic-rules') }, async () => {
    const rules = await bundled();
    const corpus = await loadRules([sharedPath('elastic-rules', 'rules')]);
    const byName = new Map(corpus.rules.map((r) => [r.name, r]));
    for (const r of rules.values()) assert.equal(byName.get(r.name)?.rule_id, r.rule_id, r.name);
  });
});
