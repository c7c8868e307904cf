import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadRules, parseRuleToml } from '../../src/rules/index.js';

function ruleToml(over: { id?: string; name?: string; extra?: string; header?: string; meta?: string } = {}): string {
  return `[metadata]
creation_date = "2026/01/01"
maturity = "${over.meta ?? 'production'}"
updated_date = "2026/01/01"

${over.header ?? '[rule]'}
author = ["test"]
description = "A test rule."
name = "${over.name ?? 'Good Rule'}"
risk_score = 47
rule_id = "${over.id ?? 'good-1'}"
severity = "medium"
type = "query"
language = "kuery"
index = ["logs-*"]
${over.extra ?? ''}
query = '''
process.name : "sh"
'''
`;
}

describe('loadRules: bad rules become error entries, the rest load', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'trawl-rules-'));
    writeFileSync(path.join(dir, 'a_good.toml'), ruleToml());
    writeFileSync(path.join(dir, 'b_malformed.toml'), '[rule]\nname = "x"\nrule_id = \n');
    writeFileSync(path.join(dir, 'c_no_rule.toml'), '[metadata]\nmaturity = "production"\n');
    writeFileSync(path.join(dir, 'd_no_id.toml'), ruleToml().replace('rule_id = "good-1"\n', ''));
    writeFileSync(path.join(dir, 'e_risk.toml'), ruleToml({ id: 'risk-1', name: 'Risky' }).replace('risk_score = 47', 'risk_score = "high"'));
    writeFileSync(path.join(dir, 'f_dup.toml'), ruleToml({ name: 'Dup Rule' }));
    writeFileSync(path.join(dir, 'g_other.toml'), ruleToml({ id: 'other-1', name: 'Other Rule' }));
    writeFileSync(path.join(dir, 'notes.txt'), 'not a rule');
    mkdirSync(path.join(dir, 'sub', '_deprecated'), { recursive: true });
    writeFileSync(path.join(dir, 'sub', 'h_nested.toml'), ruleToml({ id: 'nested-1', name: 'Nested Rule' }));
    writeFileSync(path.join(dir, 'sub', '_deprecated', 'i_old.toml'), ruleToml({ id: 'old-1', name: 'Old Rule' }));
    writeFileSync(path.join(dir, 'sub', 'j_retired.toml'), ruleToml({ id: 'retired-1', name: 'Retired Rule', meta: 'deprecated' }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the good ones and reports each bad one', async () => {
    const loaded = await loadRules([dir]);
    assert.deepEqual(loaded.rules.map((r) => r.rule_id), ['good-1', 'other-1', 'nested-1']);
    assert.equal(loaded.files, 10);
    assert.equal(loaded.deprecatedSkipped, 2);
    const byFile = new Map(loaded.errors.map((e) => [path.basename(e.file), e]));
    assert.deepEqual([...byFile.keys()].sort(), ['b_malformed.toml', 'c_no_rule.toml', 'd_no_id.toml', 'e_risk.toml', 'f_dup.toml']);

    const malformed = byFile.get('b_malformed.toml')!;
    assert.equal(malformed.line, 3);
    assert.equal(typeof malformed.column, 'number');
    assert.match(malformed.message, /TOML/);
    assert.ok(!malformed.message.includes('\n'));

    assert.match(byFile.get('c_no_rule.toml')!.message, /missing \[rule\]/);

    const noId = byFile.get('d_no_id.toml')!;
    assert.match(noId.message, /missing rule\.rule_id/);
    assert.equal(noId.name, 'Good Rule');
    assert.equal(noId.line, 6); // the [rule] header

    const risk = byFile.get('e_risk.toml')!;
    assert.match(risk.message, /rule\.risk_score must be a number, got a string/);
    assert.equal(risk.rule_id, 'risk-1');
    assert.equal(risk.line, 10);
    assert.equal(risk.column, 1);

    const dup = byFile.get('f_dup.toml')!;
    assert.equal(dup.rule_id, 'good-1');
    assert.match(dup.message, /duplicate rule_id good-1/);
    assert.ok(dup.message.includes(path.join(dir, 'a_good.toml')));
    assert.ok(dup.message.includes(path.join(dir, 'f_dup.toml')));
  });

  it('includeDeprecated loads _deprecated folders and deprecated maturity, flagged', async () => {
    const loaded = await loadRules([path.join(dir, 'sub')], { includeDeprecated: true });
    assert.equal(loaded.deprecatedSkipped, 0);
    const flags = Object.fromEntries(loaded.rules.map((r) => [r.rule_id, r.deprecated]));
    assert.deepEqual(flags, { 'nested-1': false, 'old-1': true, 'retired-1': true });
  });

  it('accepts single files, ignores repeats, reports missing paths without throwing', async () => {
    const good = path.join(dir, 'a_good.toml');
    const loaded = await loadRules([good, good, path.join(dir, 'nope')]);
    assert.equal(loaded.rules.length, 1);
    assert.equal(loaded.files, 1);
    assert.equal(loaded.errors.length, 1);
    assert.match(loaded.errors[0]!.message, /ENOENT/);
  });

  it('reads rule files of any size, multi-byte text intact, through the reused read buffer', async () => {
    // The loader reads through a 1 MiB buffer and rereads files that fill it: test both sides,
    // with two-byte characters across the buffer's end in the large one.
    const big = mkdtempSync(path.join(tmpdir(), 'trawl-rules-big-'));
    try {
      const note = (chars: number) => `note = """${'é'.repeat(chars)}"""`;
      writeFileSync(path.join(big, 'a_small.toml'), ruleToml({ id: 'small-1', extra: note(500) }));
      writeFileSync(path.join(big, 'b_large.toml'), ruleToml({ id: 'large-1', extra: note(1 << 20) }));
      const loaded = await loadRules([big]);
      assert.deepEqual(loaded.errors, []);
      assert.deepEqual(loaded.rules.map((r) => [r.rule_id, r.note?.length]), [['small-1', 500], ['large-1', 1 << 20]]);
    } finally {
      rmSync(big, { recursive: true, force: true });
    }
  });

  it('an empty list loads nothing', async () => {
    assert.deepEqual(await loadRules([]), { rules: [], errors: [], files: 0, deprecatedSkipped: 0 });
  });
});

describe('parseRuleToml', () => {
  it('applies defaults', () => {
    const { rule, error } = parseRuleToml(ruleToml(), 'x.toml');
    assert.equal(error, undefined);
    assert.equal(rule!.file, 'x.toml');
    assert.equal(rule!.from, 'now-6m');
    assert.equal(rule!.interval, '5m');
    assert.equal(rule!.max_signals, 100);
    assert.deepEqual(rule!.filters, []);
    assert.deepEqual(rule!.threat, []);
    assert.deepEqual(rule!.tags, []);
    assert.equal(rule!.deprecated, false);
    assert.equal(rule!.query, 'process.name : "sh"\n');
    assert.equal(rule!.maturity, 'production');
  });

  it('rejects wrong field types with the key position', () => {
    const cases: [string, string, RegExp][] = [
      ['severity', 'severity = 3', /rule\.severity must be a string, got a number/],
      ['tags', 'tags = [1, 2]', /rule\.tags must be a list of strings/],
      ['max_signals', 'max_signals = 1.5', /rule\.max_signals must be an integer/],
      ['from', 'from = 9', /rule\.from must be a string/],
      ['note', 'note = ["a"]', /rule\.note must be a string, got an array/],
      ['filters', 'filters = [1]', /rule\.filters must be an array of tables/],
    ];
    for (const [key, line, re] of cases) {
      const text = ruleToml({ extra: `author2 = "x"\n${line}` }).replace('severity = "medium"\n', key === 'severity' ? '' : 'severity = "medium"\n');
      const { rule, error } = parseRuleToml(text, 'x.toml');
      assert.equal(rule, undefined, line);
      assert.match(error!.message, re);
      assert.equal(error!.line, text.split('\n').indexOf(line) + 1, line);
      assert.equal(error!.column, 1, line);
    }
  });

  it('rejects an unknown severity and a type without its required parts', () => {
    assert.match(parseRuleToml(ruleToml().replace('"medium"', '"urgent"'), 'x')!.error!.message, /severity must be one of/);
    assert.match(parseRuleToml(ruleToml().replace('type = "query"', 'type = "threshold"'), 'x').error!.message, /threshold/);
    assert.match(parseRuleToml(ruleToml().replace('type = "query"', 'type = "new_terms"'), 'x').error!.message, /new_terms/);
    assert.match(parseRuleToml(ruleToml().replace(/query = '''[^]*'''\n/, ''), 'x').error!.message, /missing rule\.query/);
    const ml = parseRuleToml(ruleToml().replace('type = "query"', 'type = "machine_learning"').replace(/query = '''[^]*'''\n/, ''), 'x');
    assert.equal(ml.rule?.type, 'machine_learning');
  });

  it('normalises new_terms as published', () => {
    const extra = '';
    const text =
      ruleToml({ extra }).replace('type = "query"', 'type = "new_terms"') +
      `
[rule.new_terms]
field = "new_terms_fields"
value = ["host.id", "user.name"]
[[rule.new_terms.history_window_start]]
field = "history_window_start"
value = "now-14d"
`;
    const { rule, error } = parseRuleToml(text, 'x');
    assert.equal(error, undefined);
    assert.deepEqual(rule!.new_terms_fields, ['host.id', 'user.name']);
    assert.equal(rule!.history_window_start, 'now-14d');
  });

  it('normalises threshold: field as string or list, cardinality', () => {
    const base = ruleToml().replace('type = "query"', 'type = "threshold"');
    const one = parseRuleToml(`${base}\n[rule.threshold]\nfield = "host.id"\nvalue = 5\n`, 'x').rule!;
    assert.deepEqual(one.threshold, { field: ['host.id'], value: 5 });
    const none = parseRuleToml(`${base}\n[rule.threshold]\nfield = []\nvalue = 100\n`, 'x').rule!;
    assert.deepEqual(none.threshold, { field: [], value: 100 });
    const card = parseRuleToml(
      `${base}\n[rule.threshold]\nfield = ["host.id", "user.name"]\nvalue = 2\n[[rule.threshold.cardinality]]\nfield = "source.ip"\nvalue = 10\n`,
      'x',
    ).rule!;
    assert.deepEqual(card.threshold, { field: ['host.id', 'user.name'], value: 2, cardinality: [{ field: 'source.ip', value: 10 }] });
    const bad = parseRuleToml(`${base}\n[rule.threshold]\nfield = "host.id"\nvalue = "5"\n`, 'x').error!;
    assert.match(bad.message, /rule\.threshold\.value must be a number/);
    assert.equal(bad.line, base.split('\n').length + 3);
  });

  it('keeps filters and threat mappings', () => {
    const text = `${ruleToml()}
[[rule.filters]]
[rule.filters."$state"]
store = "appState"
[rule.filters.exists]
field = "user_agent.original"
[rule.filters.meta]
negate = true
type = "exists"

[[rule.threat]]
framework = "MITRE ATT&CK"
[[rule.threat.technique]]
id = "T1059"
name = "Command and Scripting Interpreter"
reference = "https://attack.mitre.org/techniques/T1059/"
[rule.threat.tactic]
id = "TA0002"
name = "Execution"
reference = "https://attack.mitre.org/tactics/TA0002/"
`;
    const { rule, error } = parseRuleToml(text, 'x');
    assert.equal(error, undefined);
    assert.equal(rule!.filters.length, 1);
    assert.deepEqual(rule!.filters[0]!.exists, { field: 'user_agent.original' });
    assert.equal(rule!.filters[0]!.meta?.negate, true);
    assert.equal(rule!.threat[0]!.tactic.id, 'TA0002');
    assert.equal(rule!.threat[0]!.technique![0]!.id, 'T1059');
  });
});

describe('parseRuleToml input quirks', () => {
  it('accepts a byte-order mark', () => {
    const { rule, error } = parseRuleToml('\uFEFF[rule]\nname = "B"\nrule_id = "b"\ntype = "machine_learning"\n', 'b.toml');
    assert.equal(error, undefined);
    assert.equal(rule!.rule_id, 'b');
    assert.equal(rule!.severity, 'low');
    assert.equal(rule!.risk_score, 21);
  });

  it('a missing name or type is located at the [rule] header', () => {
    const e = parseRuleToml('# c\n[rule]\nrule_id = "b"\ntype = "eql"\nquery = "any where true"\n', 'b.toml').error!;
    assert.match(e.message, /missing rule\.name/);
    assert.equal(e.rule_id, 'b');
    assert.equal(e.line, 2);
    const t = parseRuleToml('[rule]\nname = "B"\nrule_id = "b"\n', 'b.toml').error!;
    assert.match(t.message, /missing rule\.type/);
  });
});
