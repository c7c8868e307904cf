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

/**
 * `JSON.stringify({hits, summary}, null, 2)`, a piece at a time. Each piece is the inside of
 * `JSON.stringify({hits: piece}, null, 2)`: the hits at their final indentation, from one native
 * call (indenting each hit's own text with a regex took 3.5x as long).
 */
async function writeJson(sink: Sink, hits: readonly Hit[], summary: HuntSummary): Promise<void> {
  const head = '{\n  "hits": [\n';
  const tail = '\n  ]\n}';
  if (hits.length === 0) await sink.write('{\n  "hits": [],\n');
  else {
    for (let i = 0; i < hits.length; i += HITS_PER_WRITE) {
      const text = JSON.stringify({ hits: hits.slice(i, i + HITS_PER_WRITE) }, null, 2);
      await sink.write(`${i === 0 ? head : ',\n'}${text.slice(head.length, text.length - tail.length)}`);
    }
    await sink.write('\n  ],\n');
  }
  const text = JSON.stringify({ summary }, null, 2);
  await sink.write(`${text.slice(2, text.length - 2)}\n}\n`);
}
