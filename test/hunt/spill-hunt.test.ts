import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hunt } from '../../src/hunt/hunt.js';
import { readBackInOrder } from '../../src/hunt/read-back.js';
import { sourcesOf, type Hit } from '../../src/engine/hit.js';
import { readDocument } from '../../src/tui/documents.js';
import { HIT_SUMMARY_FIELDS } from '../../src/tui/hit-facts.js';
import type { LineageIndex } from '../../src/lineage/index.js';
import { ROOT } from '../helpers/trawl.js';
import { tempDir, writeEvidence, writeRules } from './evidence-fixtures.js';

const root = tempDir('spill-hunt');
const rules = writeRules(path.join(root, 'rules'), ['newTerms', 'sequence', 'threshold', 'esql', 'query']);
const evidence = path.join(root, 'evidence');
const spills = path.join(root, 'spills');
test.before(async () => {
  mkdirSync(evidence);
  mkdirSync(spills);
  await writeEvidence(evidence, 20_000, { users: 300 }, 4);
});
test.after(() => rmSync(root, { recursive: true, force: true }));

test('hits are byte-identical with and without spilling, on 1 and 2 workers', async () => {
  const base = { evidence: [evidence], rulePaths: [rules], now: Date.parse('2026-11-21T00:00:00Z'), tempDir: spills };
  const reference = await hunt({ ...base, workers: 1 });
  assert.equal(reference.summary.stats['candidate_spill_files'], undefined, 'the default budget does not spill 5 MB');
  assert.ok(!reference.summary.warnings.some((w) => w.startsWith('peak memory')), 'the default budget holds this hunt');
  assert.deepEqual(
    reference.summary.hits.by_rule.map((r) => r.rule_id).sort(),
    ['esql-users', 'nt-user', 'q-root', 'seq-fail-success', 'th-failures'],
    'every kind of rule has hits to compare',
  );
  const expected = JSON.stringify(reference.hits);
  for (const workers of [1, 2]) {
    // 1 MB: candidates (~10 MB here) spill many times over; new_terms state (~100 KB) still fits.
    const spilled = await hunt({ ...base, workers, maxMemory: 1024 * 1024 });
    const { stats, warnings } = spilled.summary;
    assert.ok((stats['candidate_spill_files'] ?? 0) > 4, `workers=${workers}: ${JSON.stringify(stats)}`);
    assert.equal(stats['candidate_spill_rules'], 4);
    assert.match(warnings[0], /^candidates of 4 rule\(s\) were spilled to disk to stay within --max-memory 1 MB: \d+ file\(s\), \d+ MB$/);
    assert.ok(!warnings.some((w) => /forgotten/.test(w)), 'no new_terms eviction at this budget');
    // Node alone takes more than 1 MB: the hunt says what the budget could not bound.
    assert.match(
      warnings[warnings.length - 1],
      /^peak memory \d+ MB went past --max-memory 1 MB: \d+ MB were in use before the first event was read \(Node and 5 compiled rule\(s\)\); the budget only bounds what grows with the evidence$/,
    );
    assert.equal(JSON.stringify(spilled.hits), expected, `workers=${workers}`);
    assert.deepEqual(readdirSync(spills), [], 'the spill directory is removed');
  }
});

test('hits written as they go keep only their places past their share, and read back byte-identical, on 1 and 2 workers', async () => {
  // The fixtures' rules plus a single-event rule with ~6,000 hits.
  const broad = path.join(root, 'broad-rules');
  mkdirSync(broad, { recursive: true });
  cpSync(rules, broad, { recursive: true });
  writeFileSync(
    path.join(broad, 'failures.toml'),
    [
      '[metadata]', 'creation_date = "2024/01/01"', 'maturity = "production"', 'updated_date = "2024/01/01"', '',
      '[rule]', 'author = ["trawl"]', 'description = "every failure"', 'name = "Failures"', 'risk_score = 21',
      'rule_id = "q-failures"', 'severity = "low"', 'type = "query"', 'language = "kuery"', 'index = ["logs-*"]',
      'query = "event.outcome:failure"', '',
    ].join('\n'),
  );
  const base = { evidence: [evidence], rulePaths: [broad], now: Date.parse('2026-11-21T00:00:00Z'), tempDir: spills };
  const expected = JSON.stringify((await hunt({ ...base, workers: 1 })).hits);
  for (const workers of [1, 2]) {
    // 1 MB: the failures' documents (~2 MB) outgrow the hits' share (15 %).
    const placed = await hunt({ ...base, workers, maxMemory: 1024 * 1024, readBack: false });
    assert.ok((placed.summary.stats['hit_place_rules'] ?? 0) >= 1, JSON.stringify(placed.summary.stats));
    assert.ok(placed.projected?.has('q-failures'));
    const places = placed.hits.filter((h) => Object.keys(h.event ?? { x: 1 }).length === 0).length;
    assert.ok(places > 1000, `${places} hits hold only their place`);
    const written = [];
    for await (const h of readBackInOrder(placed.hits, placed.projected!, { budget: 64 * 1024, tempDir: spills })) written.push(h);
    assert.equal(JSON.stringify(written), expected, `workers=${workers}`);
    assert.deepEqual(readdirSync(spills), []);
  }
  // Read back by the hunt itself (the library's default), no hit is left a place.
  const whole = await hunt({ ...base, workers: 1, maxMemory: 1024 * 1024 });
  assert.equal(whole.summary.stats['hit_place_rules'], undefined);
  assert.equal(JSON.stringify(whole.hits), expected);
  // The TUI's hunt: past the share, a hit keeps the fields the list reads; documents come back when shown.
  for (const workers of [1, 2]) {
    const listed = await hunt({ ...base, workers, maxMemory: 1024 * 1024, hitSummary: HIT_SUMMARY_FIELDS });
    assert.ok(listed.projected?.has('q-failures'), `workers=${workers}`);
    const summarized = listed.hits.filter((h) => h.rule.id === 'q-failures' && !('outcome' in ((h.event as { event?: object }).event ?? {})));
    assert.ok(summarized.length > 1000, `${summarized.length} hits hold a summary`);
    for (const h of summarized.slice(0, 50)) {
      const fields = Object.keys(flatten(h.event));
      assert.ok(fields.length > 0 && fields.every((f) => HIT_SUMMARY_FIELDS.includes(f)), fields.join());
    }
    const placeOf = (h: Hit) => `${h.rule.id} ${sourcesOf(h)[0]?.file}:${sourcesOf(h)[0]?.line}`;
    const byPlace = new Map((JSON.parse(expected) as Hit[]).map((h) => [placeOf(h), h]));
    for (const h of [summarized[0], summarized[summarized.length - 1]]) {
      const shown = await readDocument(h, listed.projected!);
      assert.deepEqual(JSON.parse(JSON.stringify(shown)), byPlace.get(placeOf(h)));
    }
    // Stateful rules' hits are read back whole by the hunt, as before.
    const stateful = (h: Hit) => !listed.projected!.has(h.rule.id);
    assert.ok(listed.hits.some((h) => h.rule.type === 'eql' && stateful(h)));
    assert.equal(JSON.stringify(listed.hits.filter(stateful)), JSON.stringify((JSON.parse(expected) as Hit[]).filter(stateful)));
  }
});

/** A document's leaf fields by dotted path. */
function flatten(v: unknown, prefix = ''): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return { [prefix]: v };
  return Object.assign({}, ...Object.entries(v).map(([k, x]) => flatten(x, prefix ? `${prefix}.${k}` : k)));
}

test('a main thread scanning alone by default keeps the whole candidate budget, as --workers 1 does', async (t) => {
  // On one core there is no late start: the default is one scanner from the outset.
  if (os.availableParallelism() < 2) {
    t.skip('one core: the default never plans workers');
    return;
  }
  const base = { evidence: [evidence], rulePaths: [rules], now: Date.parse('2026-11-21T00:00:00Z'), tempDir: spills };
  // 40 MB: 8 MB for candidates, which spill a few times alone and about three times as often
  // when held to the half planned for a worker that 5 MB of evidence never gets.
  const alone = await hunt({ ...base, workers: 1, maxMemory: 40 * 1024 * 1024 });
  const byDefault = await hunt({ ...base, maxMemory: 40 * 1024 * 1024 });
  assert.equal(byDefault.scanners, 1, 'workers do not pay for 5 MB, so none start');
  const spillFiles = (r: typeof alone) => r.summary.stats['candidate_spill_files'];
  assert.ok((spillFiles(alone) ?? 0) > 0, 'the budget is small enough to spill');
  assert.equal(spillFiles(byDefault), spillFiles(alone));
  assert.equal(JSON.stringify(byDefault.hits), JSON.stringify(alone.hits));
});

test('without a usable temporary directory the hunt still runs, in memory, with a warning', async () => {
  const samples = { evidence: [path.join(ROOT, 'samples')], rulePaths: [path.join(ROOT, 'rules')], workers: 1 };
  const reference = await hunt(samples);
  const stranded = await hunt({ ...samples, maxMemory: 64 * 1024, tempDir: path.join(root, 'no', 'such', 'dir') });
  assert.match(stranded.summary.warnings[0], /^no temporary directory for spilling candidates \(ENOENT.*\); they are kept in memory$/);
  assert.equal(JSON.stringify(stranded.hits), JSON.stringify(reference.hits));
});

test('the process lineage index of an interactive hunt stays within its share of --max-memory, and says what it left out', async () => {
  const base = { evidence: [path.join(ROOT, 'samples')], rulePaths: [path.join(ROOT, 'rules')], now: Date.parse('2026-11-21T00:00:00Z'), tempDir: spills, lineage: true };
  for (const workers of [1, 2]) {
    const full = await hunt({ ...base, workers });
    assert.ok(full.lineage && full.lineage.size > 100 && full.lineage.unindexed === 0, `workers=${workers}: ${full.lineage?.size} records`);
    assert.ok(!full.summary.warnings.some((w) => /process lineage/.test(w)));
    // 15 % of 256 KB: room for a few dozen processes of the samples' hundreds.
    const bounded = await hunt({ ...base, workers, maxMemory: 256 * 1024 });
    const lineage = bounded.lineage!;
    assert.ok(lineage.size < full.lineage.size / 2, `workers=${workers}: ${lineage.size} of ${full.lineage.size} records`);
    assert.ok(lineage.unindexed > 0);
    assert.ok(
      bounded.summary.warnings.some((w) => w.startsWith(`process lineage: ${lineage.unindexed} event(s) of ${lineage.leftOut.size} host(s) not indexed: the lineage index reached its share of --max-memory 256 KB`)),
      bounded.summary.warnings.join('\n'),
    );
    assert.equal(JSON.stringify(bounded.hits), JSON.stringify(full.hits), 'hits do not depend on it');
  }
});

test('hosts with hits whose events the lineage index left out are read again, taking the room of hosts without hits', async () => {
  // A quiet host (500 processes, no hits) fills the index first: its file is the larger, and
  // larger files are scanned first. mac-02 comes after.
  const dir = path.join(root, 'lineage-evidence');
  mkdirSync(path.join(dir, 'a-quiet'), { recursive: true });
  const quiet = Array.from({ length: 500 }, (_, i) =>
    JSON.stringify({
      '@timestamp': `2026-11-20T10:00:${String(i % 60).padStart(2, '0')}.000Z`,
      host: { name: 'quiet-01', os: { type: 'linux' } },
      event: { kind: 'event', category: ['process'], type: ['start'], action: 'exec' },
      process: { entity_id: `Q${i}`, pid: 1000 + i, name: 'true', executable: '/bin/true', parent: { entity_id: 'Q0', pid: 1000 } },
      padding: 'x'.repeat(3000),
    }),
  );
  writeFileSync(path.join(dir, 'a-quiet', 'quiet.ndjson'), `${quiet.join('\n')}\n`);
  cpSync(path.join(ROOT, 'samples', 'mac-02'), path.join(dir, 'b-mac-02'), { recursive: true });
  const base = { evidence: [dir], rulePaths: [path.join(ROOT, 'rules')], now: Date.parse('2026-11-21T00:00:00Z'), tempDir: spills, lineage: true };
  const full = await hunt({ ...base, workers: 1 });
  const ofHost = (index: LineageIndex, host: string) => [...index.values()].filter((r) => r.host === host).length;
  assert.ok(full.hits.length > 0 && full.hits.every((h) => h.host === 'mac-02'), 'hits on mac-02 only');
  const wanted = ofHost(full.lineage!, 'mac-02');
  // 15 % of 1.2 MB: room for ~150 processes, mac-02's ~120 among them but not the quiet host's 500 too.
  for (const workers of [1, 2]) {
    const bounded = await hunt({ ...base, workers, maxMemory: 1.2 * 1024 * 1024 });
    const lineage = bounded.lineage!;
    assert.equal(bounded.summary.stats['lineage_hosts_read_again'], 1, `workers=${workers}`);
    assert.equal(ofHost(lineage, 'mac-02'), wanted, 'every process of the host with hits');
    assert.equal(lineage.leftOut.get('mac-02')?.events, undefined);
    assert.equal(lineage.leftOut.get('quiet-01')?.events, 500, 'the quiet host gave up its room (no partial tree)');
    assert.equal(ofHost(lineage, 'quiet-01'), 0);
    for (const h of bounded.hits) {
      const key = lineage.keyFor(h.event ?? h.events![0]);
      assert.ok(key && lineage.get(key), `${h.rule.name}: its process is indexed`);
    }
    assert.match(bounded.summary.warnings.find((w) => /process lineage/.test(w)) ?? '', /^process lineage: 500 event\(s\) of 1 host\(s\) not indexed: .*; the 1 host\(s\) with the most hits that fit were read again for it;/);
    assert.equal(JSON.stringify(bounded.hits), JSON.stringify(full.hits));
  }
});
