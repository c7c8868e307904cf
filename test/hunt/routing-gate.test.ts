import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { Scanner } from '../../src/engine/scanner.js';
import { hunt } from '../../src/hunt/hunt.js';
import { runQuery, type QueryLanguage, type QueryOutput, type QueryStats } from '../../src/hunt/run-query.js';
import { SkipLedger } from '../../src/input/skips.js';
import { compileRuleSet, readRuleFiles } from '../../src/hunt/rule-set.js';
import { routingGate } from '../../src/hunt/routing-gate.js';
import { nativeLineGate } from '../../src/input/line-gate.js';
import { hitParts } from '../../src/input/ndjson-lines.js';
import { needsShared, sharedPath } from '../helpers/shared.js';
import { tempDir } from '../helpers/temp.js';
import { sampleLines } from '../helpers/samples.js';
import { ROOT } from '../helpers/trawl.js';

const NOW = Date.parse('2026-11-23T00:00:00Z');
const skip = nativeLineGate() ? false : 'skipped: the native line reader is not built (npm run build builds it when a C++ toolchain is present)';

async function scannerFor(rulePaths: string[]): Promise<Scanner> {
  const o = { rulePaths, now: NOW, strictIndex: false };
  return new Scanner(compileRuleSet(await readRuleFiles(o), o).set.compiled);
}

/** Every line the gate screens out, parsed as the hunt would, meets no rule. */
async function gateIsExact(rulePaths: string[]): Promise<{ screened: number; lines: number }> {
  const scanner = await scannerFor(rulePaths);
  const gate = routingGate(scanner);
  assert.ok(gate);
  const reference = await scannerFor(rulePaths);
  const lines = sampleLines();
  for (const line of lines) {
    const buf = Buffer.from(line);
    if (gate.screen(buf, 0, buf.length) === undefined) continue;
    const doc = JSON.parse(line) as Record<string, unknown>;
    const hit = hitParts(doc);
    assert.equal(reference.meetsAnyRule(hit?.doc ?? doc, hit?.index), false, `screened out, yet meets a rule: ${line.slice(0, 120)}`);
  }
  return { screened: gate.screened, lines: lines.length };
}

test('routing gate: the lines it screens out meet no bundled rule', { skip }, async () => {
  const { screened, lines } = await gateIsExact([path.join(ROOT, 'rules')]);
  // The samples are mostly events the four bundled rules cannot match.
  assert.ok(screened > lines / 2, `${screened} of ${lines} screened out`);
});

test('routing gate: the lines it screens out meet no rule of the Elastic macOS and Linux rules', { skip: skip || needsShared('elastic-rules/rules') }, async () => {
  const { screened } = await gateIsExact([sharedPath('elastic-rules/rules/macos'), sharedPath('elastic-rules/rules/linux')]);
  assert.ok(screened > 0);
});

/** Lines of every kind the reader must count, skip and report the same with or without the gate. */
function awkwardEvidence(dir: string): void {
  const samples = sampleLines();
  const windows = JSON.stringify({ '@timestamp': '2026-11-20T10:00:00.000Z', event: { category: ['process'], type: ['start'] }, host: { os: { type: 'windows' } } });
  const lines = [
    `\ufeff${windows}`,
    `${windows}\r`,
    '',
    '   ',
    '{"event":{"category":["process"]},"host":{"os":{"type":"windows"}}',
    '{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},}',
    '{"event":{"category":["file"]},"file":{"path":"/tmp/caf\u00e9"},"host":{"os":{"type":"linux"}}}',
    '{"event":{"category":["process"]},"process":{"pid":12345678901234567890},"host":{"os":{"type":"linux"}}}',
    '[1,2,3]',
    '"just a string"',
    JSON.stringify({ took: 3, timed_out: false, hits: { hits: samples.slice(0, 3).map((l, i) => ({ _index: 'logs-endpoint.events.process-default', _id: `s${i}`, _source: JSON.parse(l) })) } }),
    ...samples.slice(0, 200),
  ];
  const text = `${lines.join('\n')}\n`;
  writeFileSync(path.join(dir, 'awkward.ndjson'), Buffer.concat([Buffer.from(text), Buffer.from([0xff, 0xfe, 0x7b, 0x7d, 0x0a])]));
  const gz = gzipSync(Buffer.from(samples.slice(100).join('\n')));
  writeFileSync(path.join(dir, 'cut.ndjson.gz'), gz.subarray(0, gz.length - 40));
}

test('routing gate: exact past the size of its memo, which starts afresh', { skip }, async () => {
  // More distinct projections than the memo holds (8,192), met twice: the second time round,
  // every one was forgotten and is decided again. Process names vary the projection; a third of
  // the lines are the samples as they are (repeats, some of which bundled rules match).
  const samples = sampleLines();
  const lines: string[] = [];
  for (let i = 0; i < 12000; i++) {
    const line = samples[i % samples.length];
    const doc = JSON.parse(line) as Record<string, unknown>;
    const proc = doc.process as Record<string, unknown> | undefined;
    if (i % 3 === 0 || !proc || typeof proc !== 'object') lines.push(line);
    else {
      proc.name = `p${i}`;
      lines.push(JSON.stringify(doc));
    }
  }
  const rules = [path.join(ROOT, 'rules')];
  const gate = routingGate(await scannerFor(rules));
  assert.ok(gate);
  const reference = await scannerFor(rules);
  let met = 0;
  const first: boolean[] = [];
  for (let pass = 0; pass < 2; pass++) {
    lines.forEach((line, i) => {
      const buf = Buffer.from(line);
      const doc = JSON.parse(line) as Record<string, unknown>;
      const hit = hitParts(doc);
      const meets = reference.meetsAnyRule(hit?.doc ?? doc, hit?.index);
      const screened = gate.screen(buf, 0, buf.length) !== undefined;
      if (meets) met++;
      assert.ok(!(screened && meets), `screened out, yet meets a rule: ${line.slice(0, 160)}`);
      if (pass === 0) first.push(screened);
      else assert.equal(screened, first[i], `decided otherwise the second time: ${line.slice(0, 160)}`);
    });
  }
  assert.ok(met > 100 && gate.screened > 9000, `${met} lines meet a rule, ${gate.screened} screened out`);
});

test('hunt with and without the routing gate: same hits, events, skips and lineage (1 and 2 workers)', { skip }, async () => {
  const dir = tempDir('routing-gate');
  try {
    awkwardEvidence(dir);
    for (const workers of [1, 2]) {
      for (const lineage of [false, true]) {
        const o = { evidence: [path.join(ROOT, 'samples'), dir], rulePaths: [path.join(ROOT, 'rules')], workers, now: NOW, lineage };
        const gated = await hunt({ ...o, lineGate: true });
        const parsed = await hunt({ ...o, lineGate: false });
        const what = `${workers} worker(s), lineage ${lineage}`;
        assert.equal(JSON.stringify(gated.hits), JSON.stringify(parsed.hits), what);
        assert.ok(gated.hits.length > 0);
        assert.equal(gated.summary.events, parsed.summary.events, what);
        assert.deepEqual(gated.summary.skipped, parsed.summary.skipped, what);
        assert.deepEqual(Object.keys(gated.summary.skipped).sort(), ['invalid-utf8', 'malformed-json', 'not-an-object', 'truncated-gzip'].sort());
        assert.deepEqual(gated.summary.warnings, parsed.summary.warnings, what);
        assert.ok(gated.linesScreened > 100, `${what}: ${gated.linesScreened} lines screened out`);
        assert.equal(parsed.linesScreened, 0);
        if (lineage) {
          assert.ok(gated.lineage && parsed.lineage && parsed.lineage.size > 10);
          // Workers' indexes merge in the order they finish: compare a single scanner's exactly.
          if (workers === 1) assert.equal(JSON.stringify(gated.lineage.toJSON()), JSON.stringify(parsed.lineage.toJSON()), what);
          else assert.equal(gated.lineage.size, parsed.lineage.size, what);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

async function query(language: QueryLanguage, q: string, evidence: string[], lineGate: boolean) {
  const stats: QueryStats = { files: 0, bytes: 0, events: 0, ledger: new SkipLedger(), warnings: [] };
  const out: QueryOutput[] = [];
  // The CLI always passes the EQL field options, defaults included.
  const eqlFields = { timestampField: '@timestamp', eventCategoryField: 'event.category' };
  for await (const o of runQuery({ language, query: q, evidence, now: NOW, lineGate, ...eqlFields }, stats)) out.push(o);
  return { out: JSON.stringify(out), stats };
}

test('trawl query with and without the routing gate: same matches and counts', { skip }, async () => {
  const dir = tempDir('routing-gate-query');
  try {
    awkwardEvidence(dir);
    const evidence = [path.join(ROOT, 'samples'), dir];
    const queries: [QueryLanguage, string, boolean][] = [
      ['kuery', 'event.category:process and process.name:(python3 or xxd)', true],
      ['eql', 'file where file.path like~ "/tmp/*"', true],
      ['eql', 'sequence by host.name [process where process.name == "python3"] [network where true]', true],
      ['esql', 'FROM logs-endpoint.events.process-* | WHERE process.name == "xxd" | STATS n = COUNT(*) BY host.name', true],
      // nothing indexable: every line is parsed
      ['kuery', 'not process.name:zzz', false],
    ];
    for (const [language, q, selective] of queries) {
      const gated = await query(language, q, evidence, true);
      const parsed = await query(language, q, evidence, false);
      assert.equal(gated.out, parsed.out, q);
      assert.equal(gated.stats.events, parsed.stats.events, q);
      assert.deepEqual(gated.stats.ledger.byKind, parsed.stats.ledger.byKind, q);
      if (selective) {
        assert.ok((JSON.parse(gated.out) as unknown[]).length > 0, `${q}: matches`);
        assert.ok((gated.stats.screened ?? 0) > 100, `${q}: ${gated.stats.screened} screened`);
      }
      else assert.equal(gated.stats.screened ?? 0, 0, q);
      assert.equal(parsed.stats.screened, undefined);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
