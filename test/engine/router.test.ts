import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { compileRule, type CompiledRule } from '../../src/engine/index.js';
import { RuleRouter } from '../../src/engine/router.js';
import type { TrawlEvent } from '../../src/input/event.js';
import { eventIndex, SkipLedger } from '../../src/input/index.js';
import { compileRules } from '../../src/hunt/compile-rules.js';
import { readEvidence } from '../../src/hunt/run-query.js';
import { loadRules } from '../../src/rules/index.js';
import { needsShared, sharedPath } from '../helpers/shared.js';
import { ev, makeRule } from './fixtures.js';

const ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));

function compiled(query: string, type: 'eql' | 'query' = 'eql', rule_id = 'r1'): CompiledRule {
  const out = compileRule(makeRule({ type, query, rule_id }), { now: Date.now(), strictIndex: false });
  assert.ok(out.ok, JSON.stringify(out));
  return out.compiled;
}

const routed = (router: RuleRouter, e: TrawlEvent) => router.rulesFor(e).map((r) => r.rule.rule_id).sort();

/** A process event with these process fields. */
const processEvent = (process: Record<string, unknown>) => ev('2026-01-01T00:00:00Z', { event: { category: 'process' }, process });

test('router: a rule meets only events whose values pass its cheapest condition, any case', () => {
  const router = new RuleRouter([
    compiled('process where process.name : ("Python*", "*.sh")', 'eql', 'wild'),
    compiled('process where process.name == "curl"', 'eql', 'exact'),
    compiled('process where process.args_count > 3', 'eql', 'open'),
  ]);
  const proc = (name: unknown) => processEvent({ name });
  assert.deepEqual(routed(router, proc('python3.11')), ['open', 'wild']);
  assert.deepEqual(routed(router, proc('PYTHON3')), ['open', 'wild']);
  assert.deepEqual(routed(router, proc('install.SH')), ['open', 'wild']);
  assert.deepEqual(routed(router, proc('curl')), ['exact', 'open']);
  // case-sensitive == still routes an upper-case value (the rule then says no): a superset is safe
  assert.deepEqual(routed(router, proc('CURL')), ['exact', 'open']);
  assert.deepEqual(routed(router, proc('ruby')), ['open']);
  assert.deepEqual(routed(router, proc(undefined)), ['open']);
  // several values of one array selecting the same rule list it once
  assert.deepEqual(routed(router, proc(['python', 'python3', 'curl'])), ['exact', 'open', 'wild']);
  // another category never meets these rules at all
  assert.deepEqual(routed(router, ev('2026-01-01T00:00:00Z', { event: { category: 'file' }, process: { name: 'curl' } })), []);
});

test('router: infixes of *…* patterns route on the values that contain them; objects admit them', () => {
  const router = new RuleRouter([
    compiled('process where process.command_line : ("*Invoke-Mimikatz*", "*sekurlsa::*")', 'eql', 'mimi'),
    compiled('process where process.command_line like~ "*\\\\Temp\\\\*.ps1*"', 'eql', 'temp'),
    compiled('event.category:process and process.command_line:*curl*', 'query', 'kql'),
  ]);
  const proc = (command_line: unknown) => processEvent({ command_line });
  assert.deepEqual(routed(router, proc('powershell -c invoke-mimikatz -dump')), ['mimi']);
  assert.deepEqual(routed(router, proc('x SEKURLSA::logonpasswords')), ['mimi']);
  assert.deepEqual(routed(router, proc('C:\\Users\\a\\AppData\\Local\\TEMP\\x.ps1')), ['temp']);
  assert.deepEqual(routed(router, proc('curl -s http://x | sh')), ['kql']);
  assert.deepEqual(routed(router, proc('notepad.exe')), []);
  assert.deepEqual(routed(router, proc(['a', 'b curl'])), ['kql']);
  // languages match an object as its JSON text: any infix could be in it
  assert.deepEqual(routed(router, proc({ text: 'x' })), ['kql', 'mimi', 'temp']);
});

test('router: remembered values route as looked-up ones, and values that never repeat stop being remembered', () => {
  const router = new RuleRouter([
    compiled('process where process.name : ("Python*", "*.sh")', 'eql', 'wild'),
    compiled('process where process.command_line : "*mimikatz*"', 'eql', 'mimi'),
  ]);
  const proc = (name: string, command_line: string) => processEvent({ name, command_line });
  // The same values again (remembered), and the same letters in another case (a different raw value).
  for (let round = 0; round < 3; round++) {
    assert.deepEqual(routed(router, proc('python3', 'a')), ['wild']);
    assert.deepEqual(routed(router, proc('PYTHON3', 'x MIMIKATZ')), ['mimi', 'wild']);
    assert.deepEqual(routed(router, proc('ruby', 'b')), []);
  }
  // Thousands of command lines, each new: past the trial their field is no longer remembered,
  // and every one is still routed on its own value.
  for (let i = 0; i < 5000; i++) {
    const cl = i % 7 === 0 ? `run ${i} mimikatz` : `run ${i}`;
    assert.deepEqual(routed(router, proc('ruby', cl)), i % 7 === 0 ? ['mimi'] : [], cl);
  }
  const fields = (router as unknown as { root: { next: Map<string, unknown> } }).root;
  const groups: { fields: { memo: unknown; lookups: number }[] }[] = [];
  const visit = (node: { next: Map<string, unknown>; group?: unknown }) => {
    if (node.group) groups.push(node.group as (typeof groups)[number]);
    for (const n of node.next.values()) visit(n as typeof node);
  };
  visit(fields);
  const memos = groups.flatMap((g) => g.fields).map((f) => (f.memo === undefined ? 'dropped' : 'kept'));
  assert.deepEqual(memos.sort(), ['dropped', 'kept'], 'process.name remembered, process.command_line not');
});

test('router: a common program name gives way to a rarer condition of the same rule', () => {
  const router = new RuleRouter([
    // Either condition is necessary; a shell is the parent of most process events.
    compiled('process where process.parent.name : ("bash", "sh") and process.args : "*awsrunShellScript*"', 'eql', 'ssm'),
    compiled('process where process.parent.name == "ssm-agent-worker" and process.args : "*awsrunShellScript*"', 'eql', 'rare'),
  ]);
  const proc = (parentName: string, args: string[]) => processEvent({ parent: { name: parentName }, args });
  assert.deepEqual(routed(router, proc('bash', ['ls', '-l'])), [], 'routed on the argument, not the shell');
  assert.deepEqual(routed(router, proc('bash', ['/var/lib/amazon/ssm/i-1/document/awsrunShellScript/0/_script.sh'])), ['ssm']);
  // A rare name is still the cheaper condition.
  assert.deepEqual(routed(router, proc('ssm-agent-worker', ['ls'])), ['rare']);
});

test('router: numeric-looking terms are not index keys (loose comparison would miss them)', () => {
  const router = new RuleRouter([compiled('process where process.pid == "0123"', 'eql', 'pid')]);
  const e = processEvent({ pid: 123 });
  assert.deepEqual(routed(router, e), ['pid']);
});

test('router: sequence stages route on their own conditions, decided per route key', () => {
  const router = new RuleRouter([
    compiled('sequence by process.entity_id [process where process.name == "cp"] [file where event.action == "deletion"]', 'eql', 'seq'),
    compiled('process where event.action == "exec" or process.name == "cp"', 'eql', 'or'),
  ]);
  const at = '2026-01-01T00:00:00Z';
  const proc = (name: string, action = 'fork') => ev(at, { event: { category: 'process', action }, process: { name } });
  const file = (action: string) => ev(at, { event: { category: 'file', action }, process: { name: 'cp' } });
  assert.deepEqual(routed(router, proc('cp')), ['or', 'seq']);
  assert.deepEqual(routed(router, proc('mv')), [], 'the process stage needs cp; the file stage cannot match a process event');
  assert.deepEqual(routed(router, proc('mv', 'exec')), ['or'], 'event.action decided by the route key');
  assert.deepEqual(routed(router, file('deletion')), ['seq']);
  assert.deepEqual(routed(router, file('creation')), [], 'a file event only meets the file stage, which needs a deletion');
  // the key tells values apart by type: a string "deletion" and an array holding it are both seen
  assert.deepEqual(routed(router, ev(at, { event: { category: ['file'], action: ['deletion'] } })), ['seq']);
  assert.deepEqual(routed(router, ev(at, { event: { category: 'file', action: 'deletion' } })), ['seq']);
});

/**
 * The index must never hide a rule from an event it matches: on real evidence, routing with the
 * whole corpus loaded selects exactly the rules that evaluating every rule would.
 */
test('router: with the Elastic corpus, routed evaluation equals evaluating every rule', { skip: needsShared('elastic-rules') }, async () => {
  const loaded = await loadRules([sharedPath('elastic-rules')], {});
  const { compiled: rules } = compileRules(loaded.rules, { now: Date.parse('2026-11-23T00:00:00Z'), strictIndex: false });
  const router = new RuleRouter(rules);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'trawl-router-'));
  try {
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/gen-evidence.ts', '--size', '3MB', '--out', dir, '--seed', '7', '--gzip-ratio', '0'], { cwd: ROOT, stdio: 'ignore' });
    const stats = { files: 0, bytes: 0, events: 0, ledger: new SkipLedger() };
    let events = 0;
    let selected = 0;
    let matched = 0;
    for await (const e of readEvidence([path.join(ROOT, 'samples'), sharedPath('ecs-samples'), dir], stats, false)) {
      events++;
      const chosen = new Set(router.rulesFor(e));
      selected += chosen.size;
      for (const rule of rules) {
        if (!rule.matchesIndex(eventIndex(e))) continue;
        let hit: boolean;
        try {
          hit = rule.stateful ? rule.candidate(e.doc) : rule.match(e.doc);
        } catch {
          continue;
        }
        if (!hit) continue;
        matched++;
        assert.ok(chosen.has(rule), `${rule.rule.rule_id} (${rule.rule.name}) matches ${e.file}:${e.line} but was not routed to it`);
      }
    }
    assert.ok(events > 1000, `only ${events} events read`);
    assert.ok(matched > 0);
    console.log(`# router: ${events} events, ${rules.length} rules, ${(selected / events).toFixed(1)} rules met per event, ${matched} rule matches all routed`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
