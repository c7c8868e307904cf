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
