import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkRules } from '../../src/hunt/check-rules.js';
import { hunt, type HuntOptions, type HuntResult } from '../../src/hunt/hunt.js';
import { RuleCache } from '../../src/hunt/rule-cache.js';
import { compileRuleSet, lazyRuleSet, readRuleFiles, rulesForWorkers } from '../../src/hunt/rule-set.js';
import { outlineOf } from '../../src/engine/lazy-rule.js';
import { needsShared, sharedPath } from '../helpers/shared.js';
import { ROOT, runTrawl } from '../helpers/trawl.js';

const SAMPLES = path.join(ROOT, 'samples');
const NOW = Date.UTC(2026, 10, 20);

function tempDir(t: { after(fn: () => void): void }, prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** What must not depend on the cache: every hit and the summary, timings aside. */
function outcome(r: HuntResult): string {
  const { elapsed_ms: _e, events_per_sec: _r, ...summary } = r.summary as unknown as Record<string, unknown>;
  return JSON.stringify({ hits: r.hits, summary });
}

/** The bundled rules plus one with a syntax error, in a folder the test may edit. */
function ruleFolder(dir: string): string {
  const rules = path.join(dir, 'rules');
  cpSync(path.join(ROOT, 'rules'), rules, { recursive: true });
  writeFileSync(
    path.join(rules, 'broken.toml'),
    `[metadata]\ncreation_date = "2026/01/01"\n\n[rule]\nauthor = ["t"]\ndescription = "d"\nname = "Broken"\nrisk_score = 21\nrule_id = "broken-1"\nseverity = "low"\ntype = "eql"\nlanguage = "eql"\nindex = ["logs-*"]\nquery = '''\nprocess where process.name == \n'''\n`,
  );
  return rules;
}

type SetOptions = Parameters<typeof readRuleFiles>[0];

/** Read and compile `o`'s rules through `cache` (open: the caller closes it). */
async function compileThrough(cache: RuleCache | undefined, o: SetOptions) {
  return compileRuleSet(await readRuleFiles(o, cache), o, cache);
}

/** A cache under `cacheDir` holding `o`'s rules, written; what compiling them gave. */
async function fillCache(cacheDir: string, o: SetOptions) {
  const cache = RuleCache.open(cacheDir, o)!;
  const set = await compileThrough(cache, o);
  cache.close();
  return set;
}

test('a warm cache compiles nothing up front and finds the same hits, failures included, with 1 and 2 workers', async (t) => {
  const dir = tempDir(t, 'trawl-cache-');
  const rules = ruleFolder(dir);
  const cacheDir = path.join(dir, 'cache');
  for (const workers of [1, 2]) {
    const opts: HuntOptions = { evidence: [SAMPLES], rulePaths: [rules], workers, now: NOW };
    const reference = await hunt(opts);
    assert.equal(reference.ruleCache, undefined, 'no cache unless asked for');
    assert.equal(reference.summary.rules.failed.length, 1);
    const cold = await hunt({ ...opts, cacheDir });
    const warm = await hunt({ ...opts, cacheDir });
    assert.equal(outcome(cold), outcome(reference));
    assert.equal(outcome(warm), outcome(reference));
    assert.deepEqual(warm.ruleCache, { reused: 5, parsed: 0, compiled: 0 });
  }
  const bins = () => readdirSync(cacheDir).filter((f) => f.endsWith('.bin'));
  assert.equal(bins().length, 1);
  // --strict-index changes how rules match indexes: its cache is its own, and both stay.
  const strict = await hunt({ evidence: [SAMPLES], rulePaths: [rules], workers: 1, now: NOW, strictIndex: true, cacheDir });
  assert.deepEqual(strict.ruleCache, { reused: 0, parsed: 5, compiled: 5 });
  assert.equal(bins().length, 2);
});

test('an edited rule file is parsed and compiled again; the others still come from the cache', async (t) => {
  const dir = tempDir(t, 'trawl-cache-');
  const rules = ruleFolder(dir);
  const cacheDir = path.join(dir, 'cache');
  const opts: HuntOptions = { evidence: [SAMPLES], rulePaths: [rules], workers: 1, now: NOW, cacheDir };
  await hunt(opts);
  const file = path.join(rules, 'credential_access_systemkey_access_via_command_line.toml');
  const text = readFileSync(file, 'utf8');
  assert.match(text, /severity = "high"/);
  writeFileSync(file, text.replace('severity = "high"', 'severity = "low"'));
  const edited = await hunt(opts);
  assert.deepEqual(edited.ruleCache, { reused: 4, parsed: 1, compiled: 1 });
  const fresh = await hunt({ ...opts, cacheDir: undefined });
  assert.equal(outcome(edited), outcome(fresh));
  assert.ok(edited.hits.some((h) => h.rule.name.includes('SystemKey') && h.rule.severity === 'low'));
  // The broken rule fixed: it compiles now, and the fix is what the next run reuses.
  writeFileSync(path.join(rules, 'broken.toml'), readFileSync(path.join(rules, 'broken.toml'), 'utf8').replace('process.name == ', 'process.name == "x"'));
  const fixed = await hunt(opts);
  assert.deepEqual(fixed.summary.rules.failed, []);
  assert.deepEqual((await hunt(opts)).ruleCache, { reused: 5, parsed: 0, compiled: 0 });
});

test('a damaged cache file is a miss: the hunt parses everything, finds the same hits and writes a good cache', async (t) => {
  const dir = tempDir(t, 'trawl-cache-');
  const rules = ruleFolder(dir);
  const cacheDir = path.join(dir, 'cache');
  const opts: HuntOptions = { evidence: [SAMPLES], rulePaths: [rules], workers: 1, now: NOW, cacheDir };
  const first = await hunt(opts);
  const [name] = readdirSync(cacheDir);
  const file = path.join(cacheDir, name);
  writeFileSync(file, readFileSync(file).subarray(0, 1000));
  const damaged = await hunt(opts);
  assert.deepEqual(damaged.ruleCache, { reused: 0, parsed: 5, compiled: 5 });
  assert.equal(outcome(damaged), outcome(first));
  assert.deepEqual((await hunt(opts)).ruleCache, { reused: 5, parsed: 0, compiled: 0 });
});

test('rules check reports the same from a warm cache as without one (bundled rules and a broken one)', async (t) => {
  const dir = tempDir(t, 'trawl-cache-');
  const rules = ruleFolder(dir);
  const cacheDir = path.join(dir, 'cache');
  const plain = await checkRules([rules], { now: NOW });
  await checkRules([rules], { now: NOW, cacheDir });
  const warm = await checkRules([rules], { now: NOW, cacheDir });
  assert.deepEqual(warm.report, plain.report);
  assert.equal(plain.report.errors.length, 1);
  assert.ok(plain.report.errors[0].line !== undefined, 'the error keeps its position');
});

test('rules check over the elastic-rules corpus: a warm cache gives the same report', { skip: needsShared('elastic-rules') }, async (t) => {
  const cacheDir = tempDir(t, 'trawl-cache-');
  const corpus = [sharedPath('elastic-rules')];
  const plain = await checkRules(corpus, { now: NOW });
  await checkRules(corpus, { now: NOW, cacheDir });
  const warm = await checkRules(corpus, { now: NOW, cacheDir });
  assert.deepEqual(warm.report, plain.report);
  assert.ok(warm.report.compiled > 1500);
});

test('the CLI keeps its cache where TRAWL_CACHE_DIR says; --no-cache and TRAWL_CACHE_DIR=off leave it alone', async (t) => {
  const dir = tempDir(t, 'trawl-cache-');
  const cacheDir = path.join(dir, 'cache');
  const args = ['hunt', 'samples/', '-f', 'json', '--no-progress', '--workers', '1', '--now', '2026-11-20T00:00:00Z'];
  const withEnv = (env: Record<string, string>) => runTrawl(args, { env });
  const off = await withEnv({ TRAWL_CACHE_DIR: 'off' });
  assert.equal(off.code, 0, off.stderr);
  const none = await runTrawl([...args, '--no-cache'], { env: { TRAWL_CACHE_DIR: cacheDir } });
  assert.equal(none.code, 0, none.stderr);
  assert.equal(existsSync(cacheDir), false);
  const cold = await withEnv({ TRAWL_CACHE_DIR: cacheDir });
  const warm = await withEnv({ TRAWL_CACHE_DIR: cacheDir });
  assert.equal(readdirSync(cacheDir).length, 1);
  for (const r of [none, cold, warm]) assert.deepEqual(JSON.parse(r.stdout).hits, JSON.parse(off.stdout).hits);
});

test('hunts started together on a cold cache all finish with the same hits and leave one readable cache', async (t) => {
  const dir = tempDir(t, 'trawl-cache-');
  const cacheDir = path.join(dir, 'cache');
  const args = ['hunt', 'samples/', '-f', 'json', '--no-progress', '--workers', '1', '--now', '2026-11-20T00:00:00Z'];
  const runs = await Promise.all([1, 2, 3].map(() => runTrawl(args, { env: { TRAWL_CACHE_DIR: cacheDir } })));
  const after = await runTrawl(args, { env: { TRAWL_CACHE_DIR: cacheDir } });
  for (const r of [...runs, after]) {
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).hits, JSON.parse(runs[0].stdout).hits);
  }
  assert.deepEqual(
    readdirSync(cacheDir).filter((f) => !f.endsWith('.bin')),
    [],
    'no temporary file left behind',
  );
  const warm = await hunt({ evidence: [SAMPLES], rulePaths: [path.join(ROOT, 'rules')], workers: 1, now: NOW, cacheDir });
  assert.ok(warm.ruleCache && warm.ruleCache.reused >= 4, JSON.stringify(warm.ruleCache));
});

test('a run reads its entries from the cache it opened, though another run replaced the file meanwhile', async (t) => {
  const dir = tempDir(t, 'trawl-cache-');
  const rules = ruleFolder(dir);
  const cacheDir = path.join(dir, 'cache');
  const o = { rulePaths: [rules], strictIndex: false, now: NOW };
  const reference = await fillCache(cacheDir, o);
  const [name] = readdirSync(cacheDir);
  const opened = RuleCache.open(cacheDir, o)!;
  // Another hunt renames its own cache into place (here: one that holds nothing this run wants),
  // then the file is gone altogether: entries are read where they lie in the file first opened.
  writeFileSync(path.join(cacheDir, 'other.tmp'), Buffer.alloc(64));
  renameSync(path.join(cacheDir, 'other.tmp'), path.join(cacheDir, name));
  rmSync(path.join(cacheDir, name));
  const set = await compileThrough(opened, o);
  assert.deepEqual(opened.stats, { reused: 5, parsed: 0, compiled: 0 });
  assert.ok(set.set.compiled.every((c) => opened.storedLength(c.rule) !== undefined));
  assert.deepEqual(set.set.compiled.map(outlineOf), reference.set.compiled.map(outlineOf));
  assert.deepEqual(set.failed, reference.failed);
  opened.close();
  assert.deepEqual(readdirSync(cacheDir), [], 'a warm run writes nothing');
  // The file cut short in place after the rules were read: workers get every rule encoded anew.
  await hunt({ evidence: [SAMPLES], rulePaths: [rules], workers: 1, now: NOW, cacheDir });
  const cut = RuleCache.open(cacheDir, o)!;
  const again = await compileThrough(cut, o);
  assert.deepEqual(cut.stats, { reused: 5, parsed: 0, compiled: 0 });
  truncateSync(path.join(cacheDir, readdirSync(cacheDir)[0]), 100);
  const inWorker = lazyRuleSet(rulesForWorkers(again, cut), o).compiled;
  cut.close();
  assert.deepEqual(inWorker.map(outlineOf), reference.set.compiled.map(outlineOf));
  assert.ok(inWorker.every((c) => c.rule.note === undefined));
});

/** The cache keeps outlines across runs whose clocks differ: they must not depend on `now`. */
async function outlinesAt(rulePaths: string[], now: number): Promise<string> {
  const o = { rulePaths, strictIndex: false, now };
  const set = await compileThrough(undefined, o);
  return JSON.stringify({ outlines: set.set.compiled.map(outlineOf), failed: set.failed, unsupported: set.set.unsupported });
}

test('what the cache keeps does not depend on the clock: bundled rules', async () => {
  const rules = [path.join(ROOT, 'rules')];
  assert.equal(await outlinesAt(rules, Date.UTC(2020, 0, 1)), await outlinesAt(rules, NOW));
});

test('what the cache keeps does not depend on the clock: the elastic-rules corpus', { skip: needsShared('elastic-rules') }, async () => {
  const rules = [sharedPath('elastic-rules')];
  assert.equal(await outlinesAt(rules, Date.UTC(2020, 0, 1)), await outlinesAt(rules, NOW));
});

test('one cache serves several rule packs: hunting with one keeps the other\'s entries, unread', async (t) => {
  const dir = tempDir(t, 'trawl-cache-');
  const cacheDir = path.join(dir, 'cache');
  const packA = ruleFolder(path.join(dir, 'a'));
  const packB = path.join(dir, 'b');
  cpSync(path.join(ROOT, 'rules', 'credential_access_systemkey_access_via_command_line.toml'), path.join(packB, 'one.toml'));
  const a: HuntOptions = { evidence: [SAMPLES], rulePaths: [packA], workers: 1, now: NOW, cacheDir };
  const b: HuntOptions = { ...a, rulePaths: [packB] };
  const reference = await hunt({ ...a, cacheDir: undefined });
  await hunt(a);
  assert.deepEqual((await hunt(b)).ruleCache, { reused: 0, parsed: 1, compiled: 1 });
  const warmA = await hunt(a);
  assert.deepEqual(warmA.ruleCache, { reused: 5, parsed: 0, compiled: 0 });
  assert.equal(outcome(warmA), outcome(reference));
  assert.deepEqual((await hunt(b)).ruleCache, { reused: 1, parsed: 0, compiled: 0 });
});

test('workers get each compiled rule as the cache entry it was read from, or encoded anew: the same rules and outlines, without prose', async (t) => {
  const dir = tempDir(t, 'trawl-cache-');
  const rules = ruleFolder(dir);
  const cacheDir = path.join(dir, 'cache');
  const o = { rulePaths: [rules], strictIndex: false, now: NOW };
  await fillCache(cacheDir, o);
  // One rule changed since: its entry is new in this run, the others are read from the cache.
  const changed = path.join(rules, readdirSync(rules).find((f) => f.endsWith('.toml') && f !== 'broken.toml')!);
  writeFileSync(changed, readFileSync(changed, 'utf8').replace(/^name = "(.*)"$/m, 'name = "$1 (edited)"'));
  const cache = RuleCache.open(cacheDir, o)!;
  const set = await compileThrough(cache, o);
  const stored = set.set.compiled.filter((c) => cache.storedLength(c.rule) !== undefined);
  assert.equal(stored.length, set.set.compiled.length - 1, 'all but the edited rule come from the cache');
  const inWorker = lazyRuleSet(rulesForWorkers(set, cache), o).compiled;
  cache.close();
  assert.deepEqual(
    inWorker.map((c) => [c.rule.rule_id, c.rule.name, c.rule.query, outlineOf(c)]),
    set.set.compiled.map((c) => [c.rule.rule_id, c.rule.name, c.rule.query, outlineOf(c)]),
  );
  assert.ok(inWorker.some((c) => c.rule.name.endsWith('(edited)')));
  assert.ok(set.set.compiled.some((c) => c.rule.note), 'the bundled rules have investigation guides');
  assert.ok(inWorker.every((c) => c.rule.note === undefined && c.rule.references === undefined), 'no prose goes to workers');
  // Without a cache every rule is encoded: the same again.
  const plain = lazyRuleSet(rulesForWorkers(set), o).compiled;
  assert.deepEqual(plain.map((c) => outlineOf(c)), set.set.compiled.map((c) => outlineOf(c)));
});
