import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileRule, type CompileOptions } from '../../src/engine/compile-rule.js';
import type { Candidate, CompiledRule, StatefulRule } from '../../src/engine/compiled-rule.js';
import { lazyRule, outlineOf } from '../../src/engine/lazy-rule.js';
import { evaluateStateful, Scanner } from '../../src/engine/scanner.js';
import { discoverEvidence, readEvidenceFile, SkipLedger, type TrawlEvent } from '../../src/input/index.js';
import { loadRules } from '../../src/rules/index.js';
import { compileRules } from '../../src/hunt/compile-rules.js';
import { needsShared, sharedPath } from '../helpers/shared.js';
import { tempDir } from '../helpers/temp.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OPTIONS: CompileOptions = { now: Date.UTC(2026, 10, 20), strictIndex: false };

/** Every event of the bundled samples (NDJSON, gzip, a _search export), in file order. */
async function sampleEvents(): Promise<TrawlEvent[]> {
  const ledger = new SkipLedger();
  const events: TrawlEvent[] = [];
  for (const file of await discoverEvidence([path.join(ROOT, 'samples')], ledger)) {
    for await (const batch of readEvidenceFile(file, { ledger })) events.push(...batch);
  }
  return events;
}

const candidateList = (s: Scanner) =>
  [...s.candidates].map(([id, list]) => [id, list.map((c: Candidate) => [c.file, c.line, c.ts, c.mark ?? null, c.tally ?? null])]);

/**
 * Scan the samples with the rules compiled and with lazy rules made from their outlines (sent
 * through a structured clone, as to a worker): the same hits, the same candidates, the same
 * stateful hits — and only the rules some event reached were compiled again.
 */
async function compareOn(rulePaths: string[]) {
  const { rules } = await loadRules(rulePaths);
  const compiled: CompiledRule[] = [];
  const lazy: CompiledRule[] = [];
  const compiledLazily = new Set<string>();
  const counting: typeof compileRule = (rule, options) => {
    compiledLazily.add(rule.rule_id);
    return compileRule(rule, options);
  };
  for (const rule of rules) {
    const r = compileRule(rule, OPTIONS);
    if (!r.ok) continue;
    const outline = structuredClone(outlineOf(r.compiled));
    compiled.push(r.compiled);
    lazy.push(lazyRule(rule, outline, OPTIONS, counting));
  }
  assert.equal(compiledLazily.size, 0, 'nothing is compiled before an event reaches it');
  const events = await sampleEvents();
  const eager = new Scanner(compiled);
  const onDemand = new Scanner(lazy);
  const reached = new Set<string>();
  for (const ev of events) {
    eager.scan(ev);
    onDemand.scan(ev);
  }
  for (const [id] of onDemand.candidates) reached.add(id);
  for (const h of onDemand.hits) reached.add(h.rule.id);
  assert.deepEqual(JSON.parse(JSON.stringify(onDemand.hits)), JSON.parse(JSON.stringify(eager.hits)));
  assert.deepEqual(candidateList(onDemand), candidateList(eager));
  assert.deepEqual([...onDemand.faults.values()], [...eager.faults.values()]);
  for (const id of reached) assert.ok(compiledLazily.has(id), `${id} kept events without being compiled`);

  const ctx = () => ({ warn() {}, stat() {} });
  const fail = (rule: StatefulRule, err: unknown) => assert.fail(`${rule.rule.rule_id}: ${String(err)}`);
  const stateful = (list: CompiledRule[]) => list.filter((r): r is StatefulRule => r.stateful);
  const later = evaluateStateful(stateful(lazy), onDemand.candidates, ctx, fail);
  const now = evaluateStateful(stateful(compiled), eager.candidates, ctx, fail);
  assert.deepEqual(JSON.parse(JSON.stringify(later)), JSON.parse(JSON.stringify(now)));
  return { compiled: compiled.length, compiledLazily: compiledLazily.size, hits: eager.hits.length + now.length, events: events.length };
}

test('lazy rules: bundled rules on the bundled samples behave as compiled ones', async () => {
  const r = await compareOn([path.join(ROOT, 'rules')]);
  assert.ok(r.hits > 0, 'the bundled samples hold true positives of the bundled rules');
  assert.ok(r.compiledLazily <= r.compiled);
});

test('lazy rules: the Elastic corpus on the bundled samples behaves as compiled, compiling only the rules events reach', { skip: needsShared('elastic-rules') }, async () => {
  const r = await compareOn([sharedPath('elastic-rules', 'rules'), sharedPath('elastic-rules', 'rules_building_block')]);
  console.log(`lazy rules: ${r.compiledLazily} of ${r.compiled} corpus rules compiled for ${r.events} sample events`);
  assert.ok(r.compiledLazily < r.compiled / 2, `${r.compiledLazily} of ${r.compiled} compiled`);
});

test('an outline is plain data: it survives a structured clone unchanged', async () => {
  const { rules } = await loadRules([path.join(ROOT, 'rules')]);
  for (const rule of rules) {
    const r = compileRule(rule, OPTIONS);
    if (!r.ok) continue;
    const outline = outlineOf(r.compiled);
    assert.deepEqual(structuredClone(outline), outline);
  }
});

test('compileRules(lazy): the same outcomes and failures as compiling, and rules that scan alike', async () => {
  const dir = tempDir('lazy-set');
  cpSync(path.join(ROOT, 'rules'), dir, { recursive: true });
  const text = readFileSync(path.join(ROOT, 'rules', 'persistence_python_site_or_user_customize_file_creation.toml'), 'utf8');
  const withId = (id: string) => text.replace(/rule_id = "[^"]+"/, `rule_id = "${id}"`);
  // A query that parses as TOML but not as EQL, and a rule type trawl does not run.
  writeFileSync(path.join(dir, 'broken.toml'), withId('broken-eql').replace(/query = '''[\s\S]*?'''/, "query = '''\nfile where (\n'''"));
  writeFileSync(path.join(dir, 'ml.toml'), withId('ml-rule').replace('type = "eql"', 'type = "machine_learning"\nmachine_learning_job_id = ["x"]\nanomaly_threshold = 50'));
  const { rules } = await loadRules([dir]);
  const eager = compileRules(rules, OPTIONS);
  const lazy = compileRules(rules, OPTIONS, undefined, true);
  assert.equal(eager.failed.length, 1, JSON.stringify(eager.failed));
  assert.equal(eager.unsupported.length, 1, JSON.stringify(eager.unsupported));
  assert.deepEqual(lazy.failed, eager.failed);
  assert.deepEqual(lazy.unsupported, eager.unsupported);
  const outlines = (set: typeof eager) => set.compiled.map((c) => structuredClone(outlineOf(c)));
  assert.deepEqual(outlines(lazy), outlines(eager));
  const a = new Scanner(eager.compiled);
  const b = new Scanner(lazy.compiled);
  for (const ev of await sampleEvents()) {
    a.scan(ev);
    b.scan(ev);
  }
  assert.ok(a.hits.length > 0);
  assert.deepEqual(JSON.parse(JSON.stringify(b.hits)), JSON.parse(JSON.stringify(a.hits)));
  assert.deepEqual(candidateList(b), candidateList(a));
});
