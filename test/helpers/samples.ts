import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './trawl.js';

/** Every non-blank line of the bundled samples' NDJSON files (bare documents and Elasticsearch hits). */
export function sampleLines(): string[] {
  const lines: string[] = [];
  for (const host of readdirSync(path.join(ROOT, 'samples'), { withFileTypes: true })) {
    if (!host.isDirectory()) continue;
    for (const f of readdirSync(path.join(ROOT, 'samples', host.name)).filter((f) => f.endsWith('.ndjson'))) {
      lines.push(...readFileSync(path.join(ROOT, 'samples', host.name, f), 'utf8').split('\n').filter((l) => l.trim()));
    }
  }
  return lines;
}
