import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { hunt } from '../../src/hunt/hunt.js';
import { planTasks, splittableFiles, TaskClaims, taskBytes, type ScanPlan, type ScanTask } from '../../src/hunt/scan-plan.js';
import { readEvidenceFile, SkipLedger, type TrawlEvent } from '../../src/input/index.js';
import { authEvent, random, tempDir, writeEvidence, writeRules } from './evidence-fixtures.js';

const root = tempDir('scan-plan');
test.after(() => rmSync(root, { recursive: true, force: true }));

const MB = 1024 * 1024;
const file = (name: string, size: number) => ({ path: name, size });

test('the plan cuts plain NDJSON into ranges that shrink with the work left, largest first', () => {
  const big = file('big.ndjson', 96 * MB);
  const mid = file('mid.ndjson', 20 * MB);
  const gz = file('big.ndjson.gz', 96 * MB);
  const small = file('small.ndjson', 3 * MB);
  const one = planTasks([{ file: big, splittable: true }, { file: mid, splittable: true }], 1);
  assert.deepEqual(one.tasks.map((t) => t.range), [undefined, undefined], 'one scanner never splits');

  const files = [
    { file: big, splittable: true },
    { file: mid, splittable: true },
    { file: gz, splittable: false },
    { file: small, splittable: true },
  ];
  const { tasks, slots } = planTasks(files, 2);
  const sizes = tasks.map(taskBytes);
  assert.deepEqual(sizes, [...sizes].sort((a, b) => b - a), 'largest first');
  assert.equal(tasks[0].file.path, 'big.ndjson.gz', 'gzip stays whole');
  assert.equal(tasks.at(-1)?.file.path, 'small.ndjson', 'a file under the smallest range stays whole');
  assert.equal(tasks.at(-1)?.range, undefined);
  // 119 MB to cut for 2 scanners: the first ranges are a sixth of that, the last ones the 4 MB floor.
  assert.ok(sizes[1] >= 19 * MB && sizes[1] <= 20 * MB, `first range ${sizes[1] / MB} MB`);
  const ranges = tasks.filter((t) => t.range);
  assert.ok(Math.min(...ranges.map(taskBytes)) <= 6 * MB, 'the last ranges are small');
  assert.ok(Math.min(...ranges.map(taskBytes)) >= 2 * MB, 'no sliver');
  assert.equal(slots, ranges.length);
  for (const f of [big, mid]) {
    const parts = ranges.filter((t) => t.file === f).sort((a, b) => a.range!.part - b.range!.part);
    assert.ok(parts.length > 1, `${f.path} is cut`);
    assert.equal(parts[0].range?.start, 0);
    assert.equal(parts.at(-1)?.range?.end, f.size, 'the ranges cover the file exactly');
    for (let i = 1; i < parts.length; i++) assert.equal(parts[i].range?.start, parts[i - 1].range?.end);
    assert.deepEqual(parts.map((t) => t.range?.start), parts[0].range?.bounds.slice(0, -1));
  }
  // Each file's parts count their newlines in slots of their own: slot…slot+n-1.
  const bigSlot = ranges.find((t) => t.file === big)!.range!.slot;
  const midSlot = ranges.find((t) => t.file === mid)!.range!.slot;
  assert.equal(Math.abs(bigSlot - midSlot), bigSlot < midSlot ? ranges.filter((t) => t.file === big).length : ranges.filter((t) => t.file === mid).length);

  const huge = planTasks([{ file: file('huge.ndjson', 1024 * MB), splittable: true }], 2);
  assert.ok(huge.tasks.every((t) => taskBytes(t) <= 64 * MB), 'never more than 64 MB a task');
  assert.ok(taskBytes(huge.tasks.at(-1)!) <= 6 * MB, 'however big the file, the last tasks are small');
  const over = planTasks([{ file: file('over.ndjson', 13 * MB), splittable: true }, { file: file('gz', 900 * MB), splittable: false }], 2);
  assert.deepEqual(over.tasks.map(taskBytes).slice(1), [5 * MB, 4 * MB, 4 * MB], 'a rest under half a range joins the last one');
});

/** Lines of every shape the reader realigns: long, short, blank, CRLF, a BOM, a bad one. */
function awkwardNdjson(lines: number): string {
  const rnd = random(7);
  const out: string[] = ['\ufeff{"n":0}'];
  for (let i = 1; i < lines; i++) {
    const r = rnd();
    if (r < 0.05) out.push('');
    else if (r < 0.08) out.push('{"broken":');
    else if (r < 0.15) out.push(`{"n":${i},"crlf":true}\r`);
    else out.push(JSON.stringify({ n: i, pad: 'x'.repeat(Math.floor(rnd() * 300)) }));
  }
  return `${out.join('\n')}\n`;
}

test('only files the plan could cut are opened to see whether they are plain NDJSON, a few at a time', async () => {
  // A dump of thousands of small files: none of them can be cut, so none is opened.
  const files = [...Array.from({ length: 3000 }, (_, i) => file(`host-${i}.ndjson`, 40 * 1024)), ...Array.from({ length: 40 }, (_, i) => file(`big-${i}.ndjson`, (8 + i) * MB))];
  const asked: string[] = [];
  let open = 0;
  let mostOpen = 0;
  const sniff = async (p: string) => {
    asked.push(p);
    mostOpen = Math.max(mostOpen, ++open);
    await new Promise((r) => setTimeout(r, 1));
    open--;
    return !p.endsWith('-7.ndjson');
  };
  const out = await splittableFiles(files, 2, sniff);
  assert.equal(asked.length, 40, 'the big files only');
  assert.ok(asked.every((p) => p.startsWith('big-')));
  assert.ok(mostOpen > 1 && mostOpen <= 16, `${mostOpen} at once`);
  assert.deepEqual(out.map((o) => o.file), files, 'every file, in order');
  assert.deepEqual(out.filter((o) => o.splittable).length, 39);
  assert.equal(out.find((o) => o.file.path === 'big-7.ndjson')?.splittable, false);
  // One scanner never cuts: nothing is opened.
  asked.length = 0;
  assert.ok((await splittableFiles(files, 1, sniff)).every((o) => !o.splittable));
  assert.equal(asked.length, 0);
  // Whatever the plan would cut is asked about, down to the smallest file it cuts.
  for (const mb of [1, 4, 5.9, 6, 6.1, 8, 30]) {
    const f = file(`s-${mb}.ndjson`, Math.round(mb * MB));
    const cut = planTasks([{ file: f, splittable: true }], 2).tasks.some((t) => t.file === f && t.range);
    asked.length = 0;
    await splittableFiles([f], 2, sniff);
    if (cut) assert.equal(asked.length, 1, `${mb} MB is cut, so it must be sniffed`);
  }
});

test('ranges read in any order, on shared line counts, give exactly the whole file: events, lines, skips', async () => {
  const p = path.join(root, 'awkward.ndjson');
  writeFileSync(p, awkwardNdjson(3000));
  const size = statSync(p).size;
  const whole = new SkipLedger();
  const expected: TrawlEvent[] = [];
  for await (const b of readEvidenceFile(p, { ledger: whole })) expected.push(...b);

  for (const step of [997, 4096, 65_536]) {
    const tasks: ScanTask[] = [];
    const bounds: number[] = [];
    for (let start = 0; start < size; start += step) bounds.push(start);
    bounds.push(size);
    // Uneven cuts too: every third range twice as long.
    if (step === 997) for (let i = bounds.length - 2; i > 0; i -= 3) bounds.splice(i, 1);
    for (let part = 0; part < bounds.length - 1; part++) {
      tasks.push({ file: { path: p, size }, range: { start: bounds[part], end: bounds[part + 1], bounds, part, slot: 3 } });
    }
    const part = bounds.length - 1;
    // Other files' slots around this one's must not be touched.
    const plan: ScanPlan = { tasks, slots: part + 6 };
    const claims = new TaskClaims(plan, 1);
    const shuffled = [...tasks].sort((a, b) => ((a.range?.part ?? 0) * 7919) % 13 - ((b.range?.part ?? 0) * 7919) % 13);
    const ledger = new SkipLedger();
    const got: TrawlEvent[] = [];
    for (const t of shuffled) {
      const range = t.range && { start: t.range.start, end: t.range.end, linesBefore: claims.linesBefore(t.range, p) };
      for await (const b of readEvidenceFile(p, { ledger, range })) got.push(...b);
    }
    got.sort((a, b) => a.line - b.line);
    assert.deepEqual(got, expected, `step ${step}`);
    assert.deepEqual(
      Object.fromEntries(Object.entries(ledger.byKind).map(([k, c]) => [k, c?.count])),
      Object.fromEntries(Object.entries(whole.byKind).map(([k, c]) => [k, c?.count])),
      `step ${step}`,
    );
  }
});

test('a range read to its end reports the newlines the bytes hold, and ranges numbered from those reports read the whole file', async () => {
  const p = path.join(root, 'awkward-counted.ndjson');
  // Lines over the 200-byte limit too: skipped unread, they still end at newlines.
  writeFileSync(p, awkwardNdjson(3000));
  const bytes = readFileSync(p);
  const size = bytes.length;
  const newlines = (from: number, to: number) => {
    let n = 0;
    for (let i = from; i < to; i++) if (bytes[i] === 0x0a) n++;
    return n;
  };
  const maxLineBytes = 200;
  const whole = new SkipLedger();
  const expected: TrawlEvent[] = [];
  for await (const b of readEvidenceFile(p, { ledger: whole, maxLineBytes })) expected.push(...b);
  assert.ok((whole.byKind['line-too-long']?.count ?? 0) > 10);

  for (const step of [997, 4096, 30_000]) {
    const bounds: number[] = [];
    for (let start = 0; start < size; start += step) bounds.push(start);
    bounds.push(size);
    const tasks: ScanTask[] = [];
    for (let part = 0; part < bounds.length - 1; part++) {
      tasks.push({ file: { path: p, size }, range: { start: bounds[part], end: bounds[part + 1], bounds, part, slot: 0 } });
    }
    const claims = new TaskClaims({ tasks, slots: tasks.length }, 1);
    const reported = new Map<number, number>();
    const ledger = new SkipLedger();
    const got: TrawlEvent[] = [];
    // In file order, as one scanner claims them: each range after the first starts from reports only.
    for (const t of tasks) {
      const r = t.range!;
      const range = {
        start: r.start,
        end: r.end,
        linesBefore: claims.linesBefore(r, p),
        onNewlines: (n: number) => {
          reported.set(r.part, n);
          claims.recordNewlines(r, n);
        },
      };
      for await (const b of readEvidenceFile(p, { ledger, range, maxLineBytes })) got.push(...b);
    }
    for (let part = 0; part < tasks.length - 1; part++) {
      const from = part === 0 ? 0 : bounds[part] - 1;
      assert.equal(reported.get(part), newlines(from, bounds[part + 1] - 1), `step ${step}, part ${part}`);
    }
    assert.equal(reported.has(tasks.length - 1), false, 'the last range ends at the end of the file: nothing to report');
    assert.deepEqual(got, expected, `step ${step}`);
    assert.equal(ledger.byKind['line-too-long']?.count, whole.byKind['line-too-long']?.count, `step ${step}`);
  }
});

/** 30,000 authentication events (~9 MB: cut into ranges for 2 scanners), `bad(i)` in place of some. */
function writeAuthLines(file: string, rnd: () => number, users: number, bad: (i: number) => string | undefined): string[] {
  const lines = Array.from({ length: 30_000 }, (_, i) => bad(i) ?? JSON.stringify(authEvent(i, rnd, { users })));
  writeFileSync(file, `${lines.join('\n')}\n`);
  return lines;
}

test('a file split among the main thread and a worker: hits and skips identical to one scanner', async () => {
  const evidence = path.join(root, 'split');
  mkdirSync(evidence);
  // ~9 MB in one file: big enough to be cut into ranges for 2 scanners. Broken lines all along it,
  // and in a small file that sorts first but is read last (largest tasks go first).
  const rnd = random(3);
  writeAuthLines(path.join(evidence, 'auth.ndjson'), rnd, 200, (i) => (i % 2_999 === 1_000 ? '{"broken":' : undefined));
  writeFileSync(path.join(evidence, 'a-few.ndjson'), `${JSON.stringify(authEvent(0, rnd, { users: 1 }))}\n[1]\n{"broken":\n`);
  const rules = writeRules(path.join(root, 'rules'), ['sequence', 'query', 'threshold']);
  const base = { evidence: [evidence], rulePaths: [rules], now: Date.parse('2026-11-21T00:00:00Z') };
  const one = await hunt({ ...base, workers: 1 });
  const two = await hunt({ ...base, workers: 2 });
  assert.ok(one.hits.length > 10);
  assert.equal(JSON.stringify(two.hits), JSON.stringify(one.hits));
  assert.equal(two.summary.events, one.summary.events);
  assert.deepEqual(two.summary.skipped, one.summary.skipped);
  // Each range reads the newline before its start too: the bytes scanned are still the files'.
  const size = readdirSync(evidence).reduce((n, f) => n + statSync(path.join(evidence, f)).size, 0);
  assert.equal(one.summary.bytes, size);
  assert.equal(two.summary.bytes, size);
  // The whole summary is the same, figures in the same order (by name), timings aside.
  const untimed = (r: typeof one) => JSON.stringify({ ...r.summary, elapsed_ms: 0, events_per_sec: 0 });
  assert.equal(untimed(two), untimed(one));
  assert.ok(Object.keys(one.summary.stats).length > 2);
  assert.deepEqual(Object.keys(one.summary.stats), Object.keys(one.summary.stats).sort());
  const malformed = one.summary.skipped['malformed-json'];
  assert.equal(malformed?.count, 11);
  assert.deepEqual(
    malformed?.examples.map((e) => [path.basename(e.file), e.line]),
    [['a-few.ndjson', 3], ['auth.ndjson', 1001], ['auth.ndjson', 4000], ['auth.ndjson', 6999], ['auth.ndjson', 9998]],
    'the earliest examples, not the first read',
  );
});

test('skipped input is reported kind by kind in one fixed order, whichever scanner met which kind first', async () => {
  const evidence = path.join(root, 'kinds');
  mkdirSync(evidence);
  // Read first (largest): lines that are JSON but not objects. Then a malformed line, then a
  // gzip file cut short. In the order met, the report would start with not-an-object.
  const rnd = random(4);
  const lines = writeAuthLines(path.join(evidence, 'big.ndjson'), rnd, 50, (i) => (i % 5_000 === 2_500 ? '[1]' : undefined));
  writeFileSync(path.join(evidence, 'small.ndjson'), `${JSON.stringify(authEvent(0, rnd, { users: 1 }))}\n{"broken":\n`);
  writeFileSync(path.join(evidence, 'cut.ndjson.gz'), gzipSync(Buffer.from(lines.slice(0, 200).join('\n'))).subarray(0, 2_000));
  const rules = writeRules(path.join(root, 'rules-kinds'), ['query']);
  const base = { evidence: [evidence], rulePaths: [rules], now: Date.parse('2026-11-21T00:00:00Z') };
  const one = await hunt({ ...base, workers: 1 });
  assert.deepEqual(Object.keys(one.summary.skipped), ['malformed-json', 'not-an-object', 'truncated-gzip']);
  for (const workers of [2, 3]) {
    const many = await hunt({ ...base, workers });
    assert.equal(JSON.stringify(many.summary.skipped), JSON.stringify(one.summary.skipped), `workers=${workers}`);
  }
});

test('a hunt stopped before it starts reads nothing and says it is incomplete', async () => {
  const evidence = path.join(root, 'stopped');
  mkdirSync(evidence);
  await writeEvidence(evidence, 200, { users: 5 }, 3);
  const rules = writeRules(path.join(root, 'rules-stopped'), ['query']);
  const abort = new AbortController();
  abort.abort();
  for (const workers of [1, 2]) {
    const r = await hunt({ evidence: [evidence], rulePaths: [rules], workers, signal: abort.signal });
    assert.equal(r.summary.events, 0);
    assert.equal(r.summary.incomplete, true, `workers=${workers}`);
  }
});

test('stdin is read by the main thread while workers take the files: same hits as one scanner', async () => {
  const { runTrawl } = await import('../helpers/trawl.js');
  const input = readFileSync('samples/mac-02/events.ndjson');
  const args = ['hunt', '-', 'samples/linux-01', 'samples/mac-01', '-f', 'json', '--no-progress'];
  const one = await runTrawl([...args, '--workers', '1'], { input });
  const two = await runTrawl([...args, '--workers', '3'], { input });
  assert.equal(one.code, 0, one.stderr);
  assert.equal(two.code, 0, two.stderr);
  const hits = (out: string) => JSON.stringify(JSON.parse(out).hits);
  assert.ok(JSON.parse(one.stdout).hits.some((h: { source: { file: string } }) => h.source.file === '<stdin>'), 'stdin has hits');
  assert.equal(hits(two.stdout), hits(one.stdout));
});

test('claims: each task goes to one scanner; a scanner with no task once none is left is idle', () => {
  const tasks = [1, 2, 3].map((n) => ({ file: file(`f${n}.ndjson`, n) }));
  const claims = new TaskClaims({ tasks, slots: 0 }, 3);
  const main = claims.claim(0);
  const worker = claims.claim(1);
  assert.equal(main.next().value?.file.path, 'f1.ndjson');
  assert.equal(worker.next().value?.file.path, 'f2.ndjson');
  assert.equal(claims.idle(2), false, 'a task is still unclaimed');
  assert.equal(main.next().value?.file.path, 'f3.ndjson');
  assert.equal(claims.unclaimed, 0);
  assert.equal(claims.idle(1), false, 'scanner 1 holds a task');
  assert.equal(claims.idle(2), true, 'scanner 2 never got one and never will');
  assert.equal(worker.next().done, true);
  assert.equal(claims.idle(1), false, 'still holds what it scanned');

  const stopped = new TaskClaims({ tasks, slots: 0 }, 2);
  stopped.stop();
  assert.equal(stopped.claim(0).next().done, true);
  assert.equal(stopped.unclaimed, 3);
  assert.equal(stopped.idle(1), true);
});
