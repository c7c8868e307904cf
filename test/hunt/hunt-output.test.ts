import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { writeHits } from '../../src/export/write-hits.js';
import type { Sink } from '../../src/cli/output.js';
import { formatSummary, toCsv, toJson, toNdjson } from '../../src/export/index.js';
import { hunt } from '../../src/hunt/hunt.js';
import { ROOT } from '../helpers/trawl.js';

function memorySink(): Sink & { text(): string; writes: number } {
  const parts: string[] = [];
  return {
    writes: 0,
    async write(t) {
      parts.push(t);
      this.writes++;
    },
    async close() {},
    text: () => parts.join(''),
  };
}

test('hits written piece by piece are byte-identical to the whole-string exports', async () => {
  const { hits, summary } = await hunt({ evidence: [path.join(ROOT, 'samples')], rulePaths: [path.join(ROOT, 'rules')], workers: 1 });
  // Enough hits to cross several write boundaries.
  const many = Array.from({ length: 4_501 }, (_, i) => hits[i % hits.length]);
  for (const list of [[], hits.slice(0, 1), hits, many]) {
    const expected: Record<string, string> = {
      json: toJson(list, summary),
      ndjson: toNdjson(list),
      csv: toCsv(list),
      table: formatSummary(summary),
    };
    for (const [format, want] of Object.entries(expected)) {
      const sink = memorySink();
      await writeHits(sink, format, list, summary);
      assert.equal(sink.text(), want, `${format}, ${list.length} hits`);
      if (list.length === many.length && format !== 'table') assert.ok(sink.writes > 2, `${format} is written in pieces`);
      // As a read-back hands them over: one at a time, asynchronously.
      const streamed = memorySink();
      await writeHits(streamed, format, (async function* () { yield* list; })(), summary);
      assert.equal(streamed.text(), want, `${format}, ${list.length} hits, streamed`);
    }
  }
});
