import type { Hit } from '../../engine/index.js';
import { formatSummary, toCsv, toNdjson } from '../../export/index.js';
import type { HuntSummary } from '../../hunt/summary.js';
import type { Sink } from '../output.js';

/** Hits per write: a million-hit export as one string exceeds V8's string limit (~512 MiB). */
const HITS_PER_WRITE = 2_000;

/**
 * Write hits in `format` piece by piece, byte-identical to the export module's whole-string
 * functions (toJson, toNdjson, toCsv), so no single string grows with the number of hits.
 */
export async function writeHits(sink: Sink, format: string, hits: readonly Hit[], summary: HuntSummary): Promise<void> {
  if (format === 'json') return writeJson(sink, hits, summary);
  if (format === 'table') return sink.write(formatSummary(summary));
  for (let i = 0; i < hits.length || i === 0; i += HITS_PER_WRITE) {
    const part = hits.slice(i, i + HITS_PER_WRITE);
    if (format === 'ndjson') await sink.write(toNdjson(part));
    // Every CSV piece starts with the header row; keep only the first.
    else await sink.write(i === 0 ? toCsv(part) : toCsv(part).slice(toCsv([]).length));
  }
}

/** `JSON.stringify({hits, summary}, null, 2)`, one hit at a time: nested output only gains indent. */
async function writeJson(sink: Sink, hits: readonly Hit[], summary: HuntSummary): Promise<void> {
  const indent = (text: string, pad: string) => text.replace(/\n/g, `\n${pad}`);
  if (hits.length === 0) await sink.write('{\n  "hits": [],\n');
  else {
    let chunk = '{\n  "hits": [\n';
    for (let i = 0; i < hits.length; i++) {
      chunk += `    ${indent(JSON.stringify(hits[i], null, 2), '    ')}${i + 1 < hits.length ? ',\n' : '\n'}`;
      if ((i + 1) % HITS_PER_WRITE === 0) {
        await sink.write(chunk);
        chunk = '';
      }
    }
    await sink.write(`${chunk}  ],\n`);
  }
  await sink.write(`  "summary": ${indent(JSON.stringify(summary, null, 2), '  ')}\n}\n`);
}
