/**
 * Compiled KQL vs the same predicate written by hand, over the same in-memory events (the
 * samples, repeated): the per-event cost of the compiler's output. Prints one JSON line.
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
while (events.length < 400_000) for (const d of base) events.push(structuredClone(d));

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

function time(fn: (d: D) => boolean): { ms: number; hits: number } {
  let best = Infinity;
  let hits = 0;
  for (let r = 0; r < 7; r++) {
    const t = performance.now();
    hits = 0;
    for (const d of events) if (fn(d)) hits++;
    best = Math.min(best, performance.now() - t);
  }
  return { ms: best, hits };
}

const compiled = compileKql(QUERY, { now: Date.now() });
const a = time(compiled);
const b = time(handWritten);
if (a.hits !== b.hits) throw new Error(`compiled and hand-written disagree: ${a.hits} vs ${b.hits}`);
process.stdout.write(
  `${JSON.stringify({ events: events.length, compiled_ms: Math.round(a.ms), hand_ms: Math.round(b.ms), ratio: Math.round((a.ms / b.ms) * 100) / 100, compiled_events_per_s: Math.round(events.length / (a.ms / 1000)) })}\n`,
);
