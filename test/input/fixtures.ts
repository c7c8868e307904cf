import { mkdirSync, writeFileSync } from 'node:fs';
import { tempDir as makeTempDir } from '../helpers/temp.js';
import path from 'node:path';
import { readEvidenceFile, SkipLedger, type TrawlEvent } from '../../src/input/index.js';

export function tempDir(): string {
  return makeTempDir('input');
}

export function write(dir: string, name: string, data: string | Buffer): string {
  const p = path.join(dir, name);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, data);
  return p;
}

export async function readAll(file: string, opts: { range?: { start: number; end: number }; maxLineBytes?: number } = {}) {
  const ledger = new SkipLedger();
  const events: TrawlEvent[] = [];
  for await (const batch of readEvidenceFile(file, { ledger, ...opts })) events.push(...batch);
  return { events, ledger, skipped: ledger.byKind };
}

/** `[line, doc]` pairs for compact exact assertions. */
export const lines = (events: TrawlEvent[]) => events.map((e) => [e.line, e.doc] as const);

interface Framer {
  push(chunk: Buffer): void;
  batches(final?: boolean): Iterable<TrawlEvent[]>;
  finish(): void;
}

/** Feed `buf` to a framer cut at `cuts`, taking batches as a reader does: `[line, doc]` per event. */
export function frameCut(framer: Framer, buf: Buffer, cuts: number[]): [number, unknown][] {
  const events: [number, unknown][] = [];
  let at = 0;
  for (const cut of [...cuts, buf.length]) {
    framer.push(buf.subarray(at, cut));
    for (const batch of framer.batches()) for (const e of batch) events.push([e.line, e.doc]);
    at = cut;
  }
  framer.finish();
  for (const batch of framer.batches(true)) for (const e of batch) events.push([e.line, e.doc]);
  return events;
}

/** Cut points of a seeded walk: chunks of 1 to `span` bytes. */
export function seededCuts(length: number, span: number, seed: number): number[] {
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
  const cuts: number[] = [];
  for (let at = 1 + rand(span); at < length; at += 1 + rand(span)) cuts.push(at);
  return cuts;
}
