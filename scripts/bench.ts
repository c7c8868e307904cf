/**
 * `npm run bench`: generate realistic evidence (seeded), then time, on the same files in one
 * run, the baselines and trawl — medians of several runs, peak RSS — and write
 * bench-out/results.json plus docs/benchmarks.md.
 *
 *   npm run bench -- [--size 1GB] [--runs 3] [--out bench-out] [--skip-corpus] [--skip-jq] [--scale | --scale-only]
 *
 * --scale adds the memory targets: peak RSS of the same hunts over 400 MB and 4 GB of plain
 * evidence (generated once, ~4.4 GB on disk); --scale-only measures them alone and leaves the
 * rest of docs/benchmarks.md as it was.
 *
 * Every figure is reported as a ratio to (b), read + frame + JSON.parse on the same cores: the
 * ceiling for a Node scanner on this machine.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NATIVE_ADDON } from '../src/input/line-gate.js';

/** The package root, whether this runs from scripts/ (tsx) or dist/scripts/ (built). */
function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}
const root = findRoot();
const args = process.argv.slice(2);
const flag = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const has = (name: string) => args.includes(`--${name}`);
const size = flag('size', '1GB');
const runs = Number(flag('runs', '3'));
const out = path.resolve(root, flag('out', 'bench-out'));
const corpus = path.resolve(root, '../shared/elastic-rules');
const corpusRules = [path.join(corpus, 'rules'), path.join(corpus, 'rules_building_block')];
const TIME = '/usr/bin/time';
/** Every timed hunt writes its hits as JSON, to nowhere, without a progress bar. */
const HITS_TO_NOWHERE = ['--no-progress', '-f', 'json', '-o', '/dev/null'];
const LOG_MARKER = '<!-- optimisation log: kept across reruns of npm run bench -->';
/** The --scale section sits between these; a run without --scale keeps the last one measured. */
const SCALE_START = '<!-- memory in input size: rerun with npm run bench -- --scale -->';
const SCALE_END = '<!-- end of memory in input size -->';
const SCALE_SIZES = ['400MB', '4GB'] as const;
/** The two rules of the bundled set that decide on one event (the KQL query and the EQL event query). */
const STATELESS_RULE_IDS = ['d75991f2-b989-419d-b797-ac1e54ec2d61', 'd788313c-9e0b-4c5a-8c4b-c3f05a47d5a8'];

interface ScaleRow {
  name: string;
  workers: number;
  /** Per size of SCALE_SIZES: median wall seconds and the peak RSS of all runs. */
  runs: { size: string; wall_s: number; peak_rss_mb: number }[];
  rss_ratio: number;
}

/** 2 workers against 1, beside the machine's own ceiling for two (see measureParallel). */
interface ParallelRow {
  rules: 'bundled' | 'corpus';
  set: 'plain' | 'gzip';
  one_worker_s: number;
  /**
   * The cores one worker keeps busy (its CPU seconds over its wall seconds, medians): beside the
   * scanning thread, V8's collector and compiler threads and libuv's reads and inflating. Two
   * such scanners can be at most min(2, cores / this) times one on this machine.
   */
  one_worker_cores: number;
  two_workers_s: number;
  two_processes_s: number;
  /** Medians of the per-round ratios to 1 worker. */
  two_workers_speedup: number;
  two_processes_speedup: number;
}

interface Measure {
  name: string;
  set: 'plain' | 'gzip';
  workers: number;
  median_s: number;
  runs_s: number[];
  peak_rss_mb: number;
  mb_per_s: number;
  events_per_s: number;
  ratio_to_parse?: number;
  note?: string;
  /** Run without --workers: the default, which decides itself whether to start workers. */
  auto?: boolean;
}

function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

function ensureBuilt(): void {
  if (!existsSync(path.join(root, 'dist/bundle/main.js')) || has('build')) {
    log('building…');
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  }
}

/** `dir`, filled with generated evidence unless it exists (a rerun reuses it). */
function generated(dir: string, bytes: string, set: 'plain' | 'gzip', seed: number): string {
  if (!existsSync(dir)) {
    log(`generating ${bytes} of ${set} evidence in ${dir}…`);
    mkdirSync(dir, { recursive: true });
    execFileSync(
      'node',
      [path.join(root, 'dist/scripts/gen-evidence.js'), '--size', bytes, '--out', dir, '--gzip-ratio', set === 'gzip' ? '1' : '0', '--seed', String(seed)],
      { stdio: 'inherit' },
    );
  }
  return dir;
}

function evidence(set: 'plain' | 'gzip'): string[] {
  const dir = generated(path.join(out, `evidence-${size}-${set}`), halfOf(size), set, 1);
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && !d.name.startsWith('.'))
    .map((d) => path.join(d.parentPath ?? (d as unknown as { path: string }).path, d.name))
    .sort();
}

/** Each set (plain, gzip) gets half the requested size, so the total is what was asked. */
function halfOf(s: string): string {
  const m = /^(\d+(?:\.\d+)?)\s*(KB|MB|GB)?$/i.exec(s);
  if (!m) throw new Error(`--size: cannot read "${s}" (e.g. 512MB, 2GB)`);
  return `${Number(m[1]) / 2}${m[2] ?? 'MB'}`;
}

/** Run a command under /usr/bin/time; returns wall seconds, CPU seconds (user + system, all threads) and peak RSS (KiB). */
function timed(cmd: string, argv: string[], shell = false, env?: Record<string, string>): { wall: number; cpu: number; rssKb: number; stdout: string } {
  const o = { encoding: 'utf8' as const, maxBuffer: 1 << 26, env: env && { ...process.env, ...env } };
  const format = '%e %M %U %S';
  const r = shell ? spawnSync(TIME, ['-f', format, 'sh', '-c', cmd], o) : spawnSync(TIME, ['-f', format, cmd, ...argv], o);
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [wall, rss, user, sys] = last.split(' ').map(Number);
  if (!Number.isFinite(wall)) throw new Error(`could not time ${cmd}: ${r.stderr.slice(-500)}`);
  return { wall, cpu: user + sys, rssKb: rss, stdout: r.stdout };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface Config {
  name: string;
  set: 'plain' | 'gzip';
  workers: number;
  auto?: boolean;
  run: () => ReturnType<typeof timed>;
}

/**
 * Time configurations round-robin — b, c, d, b, c, d, … — rather than all runs of one before the
 * next: on a shared machine the speed drifts over minutes, and a ratio of two medians taken
 * minutes apart measures the drift. Each ratio to the baseline (the first configuration) is the
 * median of the per-round ratios, as paired runs give it.
 */
function measureRounds(configs: Config[], bytes: number, events: number): Measure[] {
  const times = configs.map(() => [] as number[]);
  const rss = configs.map(() => 0);
  for (let round = 0; round < runs; round++) {
    configs.forEach((c, i) => {
      const r = c.run();
      times[i].push(r.wall);
      rss[i] = Math.max(rss[i], r.rssKb);
    });
  }
  return configs.map((c, i): Measure => {
    const m = median(times[i]);
    const result: Measure = {
      name: c.name,
      set: c.set,
      workers: c.workers,
      median_s: m,
      runs_s: times[i],
      peak_rss_mb: Math.round(rss[i] / 1024),
      mb_per_s: Math.round(bytes / 1e6 / m),
      events_per_s: Math.round(events / m),
      ratio_to_parse: round2(median(times[0].map((base, k) => base / times[i][k]))),
      ...(c.auto ? { auto: true } : {}),
    };
    log(`  ${c.name.padEnd(34)} ${c.set.padEnd(5)} w=${c.workers}  ${m.toFixed(2)} s  ${result.mb_per_s} MB/s  ${result.peak_rss_mb} MB RSS  ${result.ratio_to_parse}x (b)`);
    return result;
  });
}

/** Table rank within a set: (a), then the rows of 1 and of 2 workers, (e) last (the sort is stable). */
function rank(m: Measure): number {
  return m.name.startsWith('(a)') ? 0 : m.name.startsWith('(e)') ? 3 : m.workers;
}

function main(): void {
  ensureBuilt();
  mkdirSync(out, { recursive: true });
  if (has('scale-only')) return scaleOnly();
  const node = process.execPath;
  const parse = path.join(root, 'dist/scripts/bench/parse-baseline.js');
  const trawl = path.join(root, 'bin/trawl.js');
  // The bench's own rule cache, filled before anything is timed: every hunt row reads it warm,
  // as a responder's second hunt does; the "without the rule cache" rows and the cold startup
  // figure pass --no-cache.
  process.env['TRAWL_CACHE_DIR'] = path.join(out, 'rule-cache');
  const results: Measure[] = [];
  const haveJq = !has('skip-jq') && spawnSync('jq', ['--version']).status === 0;
  const haveCorpus = !has('skip-corpus') && existsSync(corpus);
  const notes: string[] = [];
  if (!haveJq) notes.push('jq not installed (or --skip-jq): (e) skipped. Install it with your package manager (e.g. apt-get install jq).');
  if (!haveCorpus) notes.push(`${corpus} absent (or --skip-corpus): (d) skipped.`);
  if (!existsSync(path.join(root, NATIVE_ADDON))) {
    notes.push('The native line reader is not built (no C++ toolchain?): every (c) and (d) row parses every line, as "without the native reader" does.');
  }
  timed(node, [trawl, 'rules', 'check', path.join(root, 'rules')]);
  if (haveCorpus) timed(node, [trawl, 'rules', 'check', ...corpusRules]);

  for (const set of ['plain', 'gzip'] as const) {
    const files = evidence(set);
    // MB/s are of the NDJSON itself (uncompressed), so plain and gzip figures compare.
    const bytes = files.reduce((n, f) => n + (f.endsWith('.gz') ? gunzipSync(readFileSync(f)).length : statSync(f).size), 0);
    const count = JSON.parse(timed(node, [parse, '--workers=1', ...files]).stdout).lines as number;
    log(`${set}: ${files.length} files, ${(bytes / 1e6).toFixed(0)} MB, ${count} events`);
    const group: Measure[] = [];
    for (const w of [1, 2]) {
      // workers 'auto' passes no --workers, as a user does: the main thread scans alone and starts
      // workers only if its first half second says they pay (src/hunt/worker-decision.ts).
      const hunt = (rules: string[], o: { extra?: string[]; env?: Record<string, string>; workers?: number | 'auto' } = {}) => () => {
        const workers = o.workers ?? w;
        const workerArgs = workers === 'auto' ? [] : ['--workers', String(workers)];
        return timed(node, [trawl, 'hunt', ...files, ...rules.flatMap((r) => ['--rules', r]), ...workerArgs, ...HITS_TO_NOWHERE, ...(o.extra ?? [])], false, o.env);
      };
      // (a) and (e) run on one core: they are compared with (b) on one worker, in its rounds.
      const configs: Config[] = [
        { name: '(b) read + frame + JSON.parse', set, workers: w, run: () => timed(node, [parse, `--workers=${w}`, ...files]) },
        { name: '(c) trawl hunt, bundled rules', set, workers: w, run: hunt([path.join(root, 'rules')]) },
        // What a machine without a C++ toolchain gets: every line parsed (see src/hunt/routing-gate.ts).
        { name: '(c) … without the native reader', set, workers: w, run: hunt([path.join(root, 'rules')], { env: { TRAWL_NATIVE: 'off' } }) },
      ];
      if (haveCorpus) configs.push({ name: '(d) trawl hunt, elastic-rules corpus', set, workers: w, run: hunt(corpusRules) });
      if (haveCorpus && w === 1) configs.push({ name: '(d) … without the rule cache', set, workers: w, run: hunt(corpusRules, { extra: ['--no-cache'] }) });
      if (w > 1) {
        configs.push({ name: '(c) … default --workers', set, workers: w, auto: true, run: hunt([path.join(root, 'rules')], { workers: 'auto' }) });
        if (haveCorpus) configs.push({ name: '(d) … default --workers', set, workers: w, auto: true, run: hunt(corpusRules, { workers: 'auto' }) });
      }
      if (w === 1 && set === 'gzip') configs.push({ name: '(a) raw gunzip (node zlib)', set, workers: 1, run: () => timed(node, [parse, '--no-parse', ...files]) });
      if (w === 1 && haveJq) {
        const jqCmd =
          set === 'gzip'
            ? `zcat ${files.map(q).join(' ')} | jq -c 'select(.process.name == "python3")' > /dev/null`
            : `jq -c 'select(.process.name == "python3")' ${files.map(q).join(' ')} > /dev/null`;
        configs.push({ name: '(e) jq, one predicate', set, workers: 1, run: () => timed(jqCmd, [], true) });
      }
      group.push(...measureRounds(configs, bytes, count));
    }
    group.sort((x, y) => rank(x) - rank(y));
    results.push(...group);
  }
  const parallel = measureParallel(node, trawl, haveCorpus);
  const manyFiles = measureManyFiles(node, trawl);
  const scale = has('scale') ? measureScale(node, trawl, haveCorpus) : undefined;
  const startup = measureStartup(node, trawl, haveCorpus);
  log('compiled KQL vs hand-written predicate…');
  const kql = JSON.parse(execFileSync(node, [path.join(root, 'dist/scripts/bench/kql-predicate.js')], { encoding: 'utf8' }));
  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memory_gb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
  };
  const report = { date: new Date().toISOString(), size, runs, machine, results, parallel, manyFiles, startup, kql, notes, ...(scale ? { scale } : {}) };
  writeFileSync(path.join(out, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  mkdirSync(path.join(root, 'docs'), { recursive: true });
  // The optimisation log below the marker is written by people, not measured: keep it.
  const doc = path.join(root, 'docs/benchmarks.md');
  const previous = existsSync(doc) ? readFileSync(doc, 'utf8') : '';
  const at = previous.indexOf(LOG_MARKER);
  const scaleText = scale ? renderScale(report.date, scale) : between(previous, SCALE_START, SCALE_END);
  writeFileSync(doc, renderMarkdown(report) + (scaleText ? `\n${scaleText}\n` : '') + (at >= 0 ? `\n${previous.slice(at)}` : ''));
  log(`wrote ${path.join(out, 'results.json')} and docs/benchmarks.md`);
}

/** Lines per file of the many-small-files set: ~7.5 KB files, as hourly exports of quiet hosts are. */
const LINES_PER_SMALL_FILE = 3;

interface ManyFilesResult {
  set: 'plain' | 'gzip';
  files: number;
  mb: number;
  many_s: number;
  many_peak_rss_mb: number;
  one_s: number;
  one_peak_rss_mb: number;
  /** Median of the per-round ratios of many files' time to one file's. */
  ratio: number;
}

/**
 * Evidence dumps often come as thousands of small files (one per host and hour), plain or each
 * gzipped. The first bench file, cut every few lines into files of its own, is hunted (bundled
 * rules, default --workers) against the same bytes as one file: what every file costs beyond its
 * bytes. The gzip set's first file holds the same lines as the plain set's.
 */
function measureManyFiles(node: string, trawl: string): ManyFilesResult[] {
  const plain = evidence('plain')[0];
  const cuts: [ManyFilesResult['set'], string][] = [
    ['plain', plain],
    ['gzip', evidence('gzip')[0]],
  ];
  return cuts.map(([set, source]) => {
    // Named after the evidence set (size and kind), so a rerun at another --size cuts afresh.
    const dir = path.join(out, `many-files-${path.basename(path.dirname(source))}`);
    if (!existsSync(dir)) {
      log(`cutting ${plain} into ${set} files of ${LINES_PER_SMALL_FILE} lines in ${dir}…`);
      mkdirSync(dir, { recursive: true });
      const lines = readFileSync(plain, 'utf8').split('\n').filter(Boolean);
      for (let i = 0; i * LINES_PER_SMALL_FILE < lines.length; i++) {
        const part = `${lines.slice(i * LINES_PER_SMALL_FILE, (i + 1) * LINES_PER_SMALL_FILE).join('\n')}\n`;
        const name = `part-${String(i).padStart(5, '0')}.ndjson`;
        if (set === 'gzip') writeFileSync(path.join(dir, `${name}.gz`), gzipSync(part));
        else writeFileSync(path.join(dir, name), part);
      }
    }
    const files = readdirSync(dir).length;
    const hunt = (evidenceArgs: string[]) => () => timed(node, [trawl, 'hunt', ...evidenceArgs, '--rules', path.join(root, 'rules'), ...HITS_TO_NOWHERE]);
    const [many, one] = [hunt([dir]), hunt([source])];
    const times: [number[], number[]] = [[], []];
    const rss = [0, 0];
    for (let round = 0; round < runs; round++) {
      [many, one].forEach((run, i) => {
        const r = run();
        times[i].push(r.wall);
        rss[i] = Math.max(rss[i], r.rssKb);
      });
    }
    const result: ManyFilesResult = {
      set,
      files,
      mb: Math.round(statSync(plain).size / 1e6),
      many_s: median(times[0]),
      many_peak_rss_mb: Math.round(rss[0] / 1024),
      one_s: median(times[1]),
      one_peak_rss_mb: Math.round(rss[1] / 1024),
      ratio: round2(median(times[0].map((t, k) => t / times[1][k]))),
    };
    log(`  many ${set} files: ${files} files ${result.many_s.toFixed(2)} s ${result.many_peak_rss_mb} MB; one file ${result.one_s.toFixed(2)} s ${result.one_peak_rss_mb} MB; ${result.ratio}x`);
    return result;
  });
}

/**
 * The 2-worker target beside what the machine allows: two separate trawl processes, each hunting
 * half of the files with one worker, started together. They share nothing (no heap, no exchange
 * of candidates, each its own V8 compiler and collector threads), so no design of workers inside
 * one process can beat them by much; on a machine whose second core is busy with the first
 * one's V8 threads, they show it. Round-robin like the table; speedups are per-round ratios.
 */
function measureParallel(node: string, trawl: string, haveCorpus: boolean): ParallelRow[] {
  const out: ParallelRow[] = [];
  for (const set of ['plain', 'gzip'] as const) {
    const files = evidence(set);
    const halves = [files.filter((_, i) => i % 2 === 0), files.filter((_, i) => i % 2 === 1)];
    const ruleSets: [ParallelRow['rules'], string[]][] = [['bundled', [path.join(root, 'rules')]]];
    if (haveCorpus) ruleSets.push(['corpus', corpusRules]);
    for (const [name, rules] of ruleSets) {
      const argv = (fs: string[], workers: number) => [trawl, 'hunt', ...fs, ...rules.flatMap((r) => ['--rules', r]), '--workers', String(workers), ...HITS_TO_NOWHERE];
      const both = halves.map((h) => [node, ...argv(h, 1)].map(q).join(' ')).join(' & ');
      const configs = [() => timed(node, argv(files, 1)), () => timed(node, argv(files, 2)), () => timed(`${both} & wait`, [], true)];
      const times = configs.map(() => [] as number[]);
      const oneWorkerCores: number[] = [];
      for (let round = 0; round < runs; round++) {
        configs.forEach((run, i) => {
          const t = run();
          times[i].push(t.wall);
          if (i === 0) oneWorkerCores.push(t.cpu / t.wall);
        });
      }
      const speedup = (i: number) => round2(median(times[0].map((one, k) => one / times[i][k])));
      const row: ParallelRow = {
        rules: name,
        set,
        one_worker_s: median(times[0]),
        one_worker_cores: round2(median(oneWorkerCores)),
        two_workers_s: median(times[1]),
        two_processes_s: median(times[2]),
        two_workers_speedup: speedup(1),
        two_processes_speedup: speedup(2),
      };
      log(`  parallel: ${name} ${set}: 2 workers ${row.two_workers_speedup}x, two processes ${row.two_processes_speedup}x one worker (1 worker keeps ${row.one_worker_cores} cores busy)`);
      out.push(row);
    }
  }
  return out;
}

/** A rule file (in the output directory) whose query every process event matches. */
function broadRule(): string {
  const file = path.join(out, 'broad-rule', 'every-process-event.toml');
  mkdirSync(path.dirname(file), { recursive: true });
  const lines = [
    '[metadata]', 'creation_date = "2026/11/24"', 'maturity = "production"', 'updated_date = "2026/11/24"', '',
    '[rule]', 'author = ["trawl bench"]', 'description = "Every process event: a rule far too broad, for the memory of its hits."',
    'name = "Every process event"', 'risk_score = 21', 'rule_id = "bench-every-process-event"', 'severity = "low"',
    'type = "query"', 'language = "kuery"', 'index = ["logs-endpoint.events.*"]', 'query = "event.category:process"', '',
  ];
  writeFileSync(file, lines.join('\n'));
  return file;
}

/**
 * The memory targets: the same hunt over 400 MB and over 4 GB of plain evidence (one seed, its own
 * files), peak RSS of each and their ratio. Stateless rules should stay flat; stateful ones within
 * --max-memory, spilling past their share.
 */
function measureScale(node: string, trawl: string, haveCorpus: boolean): ScaleRow[] {
  const dirs = SCALE_SIZES.map((s) => generated(path.join(out, `scale-${s}`), s, 'plain', 2));
  const bundled = ['--rules', path.join(root, 'rules')];
  const stateless = [...bundled, ...STATELESS_RULE_IDS.flatMap((id) => ['--rule-id', id])];
  const configs: { name: string; workers: number; args: string[]; node?: string[]; once?: boolean }[] = [
    { name: 'stateless rules (the bundled KQL query and EQL event rule)', workers: 1, args: stateless },
    { name: 'stateless rules (the bundled KQL query and EQL event rule)', workers: 2, args: stateless },
    // V8 grows its young generation towards its maximum (16 MB semi-spaces) as a process runs: a
    // short hunt ends before it gets there. Started at the maximum, the same hunt shows what is
    // left that grows with the input.
    { name: '… with `node --min-semi-space-size=16`', workers: 1, args: stateless, node: ['--min-semi-space-size=16'] },
    { name: 'bundled rules (new_terms and ES|QL among them)', workers: 1, args: bundled },
    { name: 'bundled rules (new_terms and ES|QL among them)', workers: 2, args: bundled },
  ];
  if (haveCorpus) {
    configs.push({ name: 'elastic-rules corpus, --max-memory 1GB', workers: 1, args: [...corpusRules.flatMap((r) => ['--rules', r]), '--max-memory', '1GB'], once: true });
  }
  // Hits that outgrow memory: over 4 GB the documents of its ~1.3 million hits are several times
  // the JavaScript heap, so they are written from their places, read back as they go.
  configs.push({ name: 'a rule matching every process event, --max-memory 1GB', workers: 1, args: ['--rules', broadRule(), '--max-memory', '1GB'], once: true });
  return configs.map((c): ScaleRow => {
    const bySize = dirs.map((dir, i) => {
      const all = Array.from({ length: c.once ? 1 : runs }, () =>
        timed(node, [...(c.node ?? []), trawl, 'hunt', dir, ...c.args, '--workers', String(c.workers), ...HITS_TO_NOWHERE]),
      );
      return { size: SCALE_SIZES[i], wall_s: median(all.map((r) => r.wall)), peak_rss_mb: Math.round(Math.max(...all.map((r) => r.rssKb)) / 1024) };
    });
    const row = { name: c.name, workers: c.workers, runs: bySize, rss_ratio: round2(bySize[1].peak_rss_mb / bySize[0].peak_rss_mb) };
    log(`  scale: ${c.name} w=${c.workers}: ${bySize.map((r) => `${r.size} ${r.wall_s.toFixed(1)} s ${r.peak_rss_mb} MB`).join(', ')}, RSS ${row.rss_ratio}x`);
    return row;
  });
}

/** `npm run bench -- --scale-only`: the memory section alone, the rest of docs/benchmarks.md kept. */
function scaleOnly(): void {
  const doc = path.join(root, 'docs/benchmarks.md');
  const previous = existsSync(doc) ? readFileSync(doc, 'utf8') : '';
  const old = between(previous, SCALE_START, SCALE_END);
  const at = previous.indexOf(LOG_MARKER);
  if (old === undefined && at < 0) throw new Error('docs/benchmarks.md has no place for the memory section: run npm run bench -- --scale once');
  const date = new Date().toISOString();
  const scale = measureScale(process.execPath, path.join(root, 'bin/trawl.js'), existsSync(corpus));
  writeFileSync(path.join(out, 'results-scale.json'), `${JSON.stringify({ date, scale }, null, 2)}\n`);
  const text = renderScale(date, scale);
  writeFileSync(doc, old !== undefined ? previous.replace(old, text) : `${previous.slice(0, at)}${text}\n\n${previous.slice(at)}`);
  log(`wrote ${path.join(out, 'results-scale.json')} and the memory section of docs/benchmarks.md`);
}

function renderScale(date: string, rows: ScaleRow[]): string {
  const [small, big] = SCALE_SIZES;
  // A | inside a cell ends it in Markdown.
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const lines = rows.map((r) => `| ${cell(r.name)} | ${r.workers} | ${r.runs.map((x) => `${x.wall_s.toFixed(1)} | ${x.peak_rss_mb}`).join(' | ')} | ${r.rss_ratio} |`);
  return `${SCALE_START}
## Memory in input size

Produced by \`npm run bench -- --scale\` on ${date.slice(0, 10)} (same machine; medians of ${runs} runs, the corpus row one run):
the same hunt over ${small} and over ${big} of plain evidence (\`scripts/gen-evidence.ts --seed 2\`), hits written as
JSON to /dev/null; peak RSS is the maximum over the runs. Target: peak RSS flat in input size for stateless rules
(${big} ≤ 1.2× ${small}); stateful rules within \`--max-memory\`, spilling candidates to disk past their share.

| hunt | workers | ${small} s | ${small} peak RSS MB | ${big} s | ${big} peak RSS MB | RSS ${big} / ${small} |
|---|---:|---:|---:|---:|---:|---:|
${lines.join('\n')}

The \`--min-semi-space-size=16\` row starts V8's young generation at the size it grows to by itself over
a long hunt (two 16 MB semi-spaces): the rest of the stateless rows' growth is that, not the input.
The last row's hits outgrow the heap at 4 GB (1.27 million, 3.9 GB as JSON): past 32 MB of documents they keep
their places, and their documents are read back as they are written; what still grows is the places (~300 B a hit,
with the read-back's index), not the documents. Before, that hunt ended in a heap out-of-memory crash.
${SCALE_END}`;
}

/** The text from `start` through `end` in `doc`, markers included; undefined when absent. */
function between(doc: string, start: string, end: string): string | undefined {
  const a = doc.indexOf(start);
  const b = doc.indexOf(end, a);
  return a >= 0 && b >= 0 ? doc.slice(a, b + end.length) : undefined;
}

function measureStartup(node: string, trawl: string, haveCorpus: boolean): Record<string, number> {
  const help = median(Array.from({ length: 5 }, () => timed(node, [trawl, '--help']).wall));
  const r: Record<string, number> = { help_s: help };
  if (haveCorpus) {
    const check = (extra: string[]) => median(Array.from({ length: 3 }, () => timed(node, [trawl, 'rules', 'check', ...corpusRules, '-f', 'json', ...extra]).wall));
    r.corpus_check_cold_s = check(['--no-cache']);
    r.corpus_check_s = check([]);
  }
  return r;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const round2 = (x: number) => Math.round(x * 100) / 100;

function renderMarkdown(r: {
  date: string;
  size: string;
  runs: number;
  machine: Record<string, unknown> & { cores: number };
  results: Measure[];
  parallel: ParallelRow[];
  manyFiles: ManyFilesResult[];
  startup: Record<string, number>;
  kql: { events: number; compiled_ms: number; hand_ms: number; ratio: number; compiled_events_per_s: number };
  notes: string[];
}): string {
  const rows = r.results.map(
    (m) => `| ${m.name} | ${m.set} | ${m.auto ? `auto (≤ ${m.workers})` : m.workers} | ${m.median_s.toFixed(2)} | ${m.mb_per_s} | ${m.events_per_s.toLocaleString('en-US')} | ${m.ratio_to_parse ?? ''} | ${m.peak_rss_mb} |`,
  );
  return `# Benchmarks

Produced by \`npm run bench -- --size ${r.size} --runs ${r.runs}\` on ${r.date.slice(0, 10)}. Rerun it: the evidence is generated
(seeded, deterministic) by \`scripts/gen-evidence.ts\`, half plain NDJSON, half gzip.

Machine: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memory_gb} GB, Node ${r.machine.node}, ${r.machine.os}.
Times are medians of ${r.runs} runs (wall clock, whole process, measured with /usr/bin/time), taken round-robin
(b, c, d, b, c, d, …) so that drift of a shared machine hits every row alike; peak RSS is the maximum over the runs.
"vs (b)" is the speed relative to (b) on the same files and the same number of workers, the median of the
per-round ratios (1.00 = as fast as read + frame + JSON.parse alone; (a) and (e) run in the rounds of (b)
with 1 worker). "auto" rows run without \`--workers\`, as a user does: the main thread scans alone and starts
up to one worker per core only when its first half second of scanning says they pay; they are compared
with (b) on all the cores.

| what | set | workers | median s | MB/s | events/s | vs (b) | peak RSS MB |
|---|---|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

Two workers against one, beside what this machine allows for two: two separate trawl processes, each
hunting half of the files with one worker, started together (they share no heap and exchange nothing;
each has its own V8 compiler and collector threads). Medians of ${r.runs} rounds (1 worker, 2 workers,
two processes, round-robin); speedups are the medians of the per-round ratios to 1 worker. "cores busy" is
1 worker's CPU time (user + system, every thread) over its wall time: beside the scanning thread, V8's
collector and compiler threads and libuv's reads and inflating take their share, so two scanners can be at most
min(2, ${r.machine.cores} cores / cores busy) times one here ("ceiling").

| rules | set | 1 worker s | cores busy | ceiling | 2 workers s | 2 workers speedup | two processes s | two processes speedup |
|---|---|---:|---:|---:|---:|---:|---:|---:|
${r.parallel.map((p) => `| ${p.rules} | ${p.set} | ${p.one_worker_s.toFixed(2)} | ${p.one_worker_cores} | ${round2(Math.min(2, r.machine.cores / p.one_worker_cores))} | ${p.two_workers_s.toFixed(2)} | ${p.two_workers_speedup} | ${p.two_processes_s.toFixed(2)} | ${p.two_processes_speedup} |`).join('\n')}

Many small files: the first file (${r.manyFiles[0].mb} MB of NDJSON) cut into files of ${LINES_PER_SMALL_FILE} lines, hunted with the bundled
rules and the default \`--workers\`, against the same bytes as one file (medians of ${r.runs} paired rounds):

| set | files | many files s | peak RSS MB | one file s | peak RSS MB | many / one |
|---|---:|---:|---:|---:|---:|---:|
${r.manyFiles.map((m) => `| ${m.set} | ${m.files.toLocaleString('en-US')} | ${m.many_s.toFixed(2)} | ${m.many_peak_rss_mb} | ${m.one_s.toFixed(2)} | ${m.one_peak_rss_mb} | ${m.ratio}x |`).join('\n')}

Compiled KQL vs the same predicate written by hand (the SystemKey rule's query over ${r.kql.events.toLocaleString('en-US')}
in-memory events, best of 7): compiled ${r.kql.compiled_ms} ms, hand-written ${r.kql.hand_ms} ms — ${r.kql.ratio}× the
hand-written cost (${r.kql.compiled_events_per_s.toLocaleString('en-US')} events/s).

Startup: \`trawl --help\` ${(r.startup.help_s * 1000).toFixed(0)} ms${
    r.startup.corpus_check_s !== undefined
      ? `; load + compile the whole elastic-rules corpus (\`trawl rules check --no-cache\`) ${r.startup.corpus_check_cold_s.toFixed(2)} s, ` +
        `from the rule cache (\`trawl rules check\`, what every hunt after the first does) ${r.startup.corpus_check_s.toFixed(2)} s`
      : ''
  }.
Hunts read the rule cache warm (the bench fills its own, bench-out/rule-cache, before timing); the
"without the rule cache" rows pass \`--no-cache\`.

${r.notes.map((n) => `- ${n}`).join('\n')}
`;
}

main();
