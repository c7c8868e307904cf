/**
 * Compiled KQL vs the same predicate written by hand, over the same in-memory events (the
 * samples, repeated): the per-event cost of the compiler's output. Prints one JSON line.
 *
 *   node --import tsx scripts/bench/kql-predicate.ts [--events N] [--rounds N]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileKql } from '../../src/lang/kql/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const base = readFileSync(path.join(root.endsWith('dist') ? path.dirname(root) : root, 'samples/mac-02/events.ndjson'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Record<string, unknown>);
const events: Record<string, unknown>[] = [];
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const EVENTS = arg('--events', 400_000);
const ROUNDS = arg('--rounds', 7);
while (events.length < EVENTS) for (const d of base) events.push(structuredClone(d));

// The SystemKey rule's query (process events on macOS whose args name the SystemKey).
const QUERY = `event.category:process and host.os.type:macos and event.type:(start or process_started) and
process.args:("/private/var/db/SystemKey" or "/var/db/SystemKey") and
not process.Ext.effective_parent.executable : "/Library/Elastic/Endpoint/elastic-endpoint.app/Contents/MacOS/elastic-endpoint"`;

type D = Record<string, any>;
const has = (v: unknown, want: (x: unknown) => boolean) => (Array.isArray(v) ? v.some(want) : want(v));
function handWritten(doc: D): boolean {
  const e = doc.event;
  if (!e || !has(e.category, (x) => x === 'process')) return false;
  if (doc.host?.os?.type !== 'macos') return false;
  if (!has(e.type, (x) => x === 'start' || x === 'process_started')) return false;
  if (!has(doc.process?.args, (x) => x === '/private/var/db/SystemKey' || x === '/var/db/SystemKey')) return false;
  return doc.process?.Ext?.effective_parent?.executable !== '/Library/Elastic/Endpoint/elastic-endpoint.app/Contents/MacOS/elastic-endpoint';
}

function run(fn: (d: D) => boolean): { ms: number; cpu: number; hits: number } {
  const c = process.cpuUsage();
  const t = performance.now();
  let hits = 0;
  for (const d of events) if (fn(d)) hits++;
  const ms = performance.now() - t;
  const used = process.cpuUsage(c);
  return { ms, cpu: (used.user + used.system) / 1000, hits };
}

// The two sides alternate round by round, so a burst of load from other processes on a shared
// machine hits both rather than skewing one; the best round of each is kept. CPU time is
// reported beside wall time because it does not count the time the process sat preempted.
const compiled = compileKql(QUERY, { now: Date.now() });
const a = { ms: Infinity, cpu: Infinity, hits: 0 };
const b = { ms: Infinity, cpu: Infinity, hits: 0 };
for (let r = 0; r < ROUNDS; r++) {
  for (const [side, fn] of [
    [a, compiled],
    [b, handWritten],
  ] as const) {
    const m = run(fn);
    side.ms = Math.min(side.ms, m.ms);
    side.cpu = Math.min(side.cpu, m.cpu);
    side.hits = m.hits;
  }
}
if (a.hits !== b.hits) throw new Error(`compiled and hand-written disagree: ${a.hits} vs ${b.hits}`);
process.stdout.write(
  `${JSON.stringify({ events: events.length, compiled_ms: Math.round(a.ms), hand_ms: Math.round(b.ms), ratio: Math.round((a.ms / b.ms) * 100) / 100, cpu_ratio: Math.round((a.cpu / b.cpu) * 100) / 100, compiled_events_per_s: Math.round(events.length / (a.ms / 1000)) })}\n`,
);
