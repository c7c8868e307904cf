import type { Hit } from '../engine/index.js';
import type { HuntSummary } from '../hunt/summary.js';
import { toCsv, toNdjson } from './hit-export.js';
import { formatSummary } from './summary-table.js';

/** Where written text goes (a file, stdout). */
export interface Sink {
  write(text: string): Promise<void>;
}

/** Hits per write: a million-hit export as one string exceeds V8's string limit (~512 MiB). */
const HITS_PER_WRITE = 2_000;

/**
 * Write hits in `format` piece by piece, byte-identical to the export module's whole-string
 * functions (toJson, toNdjson, toCsv), so no single string grows with the number of hits.
 */
export async function writeHits(sink: Sink, format: string, hits: Iterable<Hit> | AsyncIterable<Hit>, summary: HuntSummary): Promise<void> {
  if (format === 'json') return writeJson(sink, hits, summary);
  if (format === 'table') return sink.write(formatSummary(summary));
  let first = true;
  for await (const part of pieces(hits)) {
    if (format === 'ndjson') await sink.write(toNdjson(part));
    // Every CSV piece starts with the header row; keep only the first.
    else await sink.write(first ? toCsv(part) : toCsv(part).slice(toCsv([]).length));
    first = false;
  }
  if (first && format !== 'ndjson') await sink.write(toCsv([]));
}

/** Hits in pieces of HITS_PER_WRITE, as they come (a read-back hands them over one by one). */
async function* pieces(hits: Iterable<Hit> | AsyncIterable<Hit>): AsyncGenerator<Hit[]> {
  let part: Hit[] = [];
  for await (const h of hits) {
    part.push(h);
    if (part.length === HITS_PER_WRITE) {
      yield part;
      part = [];
    }
  }
  if (part.length > 0) yield part;
}

/**
 * `JSON.stringify({hits, summary}, null, 2)`, a piece at a time. Each piece is the inside of
 * `JSON.stringify({hits: piece}, null, 2)`: the hits at their final indentation, from one native
 * call (indenting each hit's own text with a regex took 3.5x as long).
 */
async function writeJson(sink: Sink, hits: Iterable<Hit> | AsyncIterable<Hit>, summary: HuntSummary): Promise<void> {
  const head = '{\n  "hits": [\n';
  const tail = '\n  ]\n}';
  let first = true;
  for await (const part of pieces(hits)) {
    const text = JSON.stringify({ hits: part }, null, 2);
    await sink.write(`${first ? head : ',\n'}${text.slice(head.length, text.length - tail.length)}`);
    first = false;
  }
  await sink.write(first ? '{\n  "hits": [],\n' : '\n  ],\n');
  const text = JSON.stringify({ summary }, null, 2);
  await sink.write(`${text.slice(2, text.length - 2)}\n}\n`);
}
