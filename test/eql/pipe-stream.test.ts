import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PipeStream, type PipeLimit } from '../../src/lang/eql/index.js';
import { runQuery, type QueryStats } from '../../src/hunt/run-query.js';
import { SkipLedger } from '../../src/input/index.js';
import { tempDir } from '../helpers/temp.js';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

/** What the pipes mean: each takes the first or last n of what the one before it gave. */
function sliced(items: number[], limits: PipeLimit[]): number[] {
  return limits.reduce((acc, l) => (l.pipe === 'head' ? acc.slice(0, l.n) : l.n === 0 ? [] : acc.slice(-l.n)), items);
}

test('head/tail pipes streamed give what slicing the whole result gives; a closed stream gives nothing more', () => {
  const limit = fc.record({ pipe: fc.constantFrom('head' as const, 'tail' as const), n: fc.nat(12) });
  fc.assert(
    fc.property(fc.array(fc.nat(), { maxLength: 60 }), fc.array(limit, { maxLength: 4 }), (items, limits) => {
      const stream = new PipeStream<number>(limits);
      const out: number[] = [];
      let afterClosed = 0;
      for (const x of items) {
        const before = out.length;
        const closed = stream.closed;
        stream.push(x, out);
        if (closed) afterClosed += out.length - before;
      }
      stream.end(out);
      assert.deepEqual(out, sliced(items, limits));
      assert.equal(afterClosed, 0);
    }),
    { numRuns: 2000 },
  );
});

test('an EQL event query streams its matches: every one in file order, or the pipes\' share', async () => {
  const dir = tempDir('eql-stream');
  const file = path.join(dir, 'ev.ndjson');
  const docs = Array.from({ length: 50 }, (_, i) => ({ '@timestamp': `2026-01-01T00:00:${String(59 - i).padStart(2, '0')}Z`, event: { category: i % 2 ? 'process' : 'file' }, n: i }));
  writeFileSync(file, docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
  const run = async (query: string) => {
    const stats: QueryStats = { files: 0, bytes: 0, events: 0, ledger: new SkipLedger(), warnings: [] };
    const ns: number[] = [];
    for await (const o of runQuery({ language: 'eql', query, evidence: [file] }, stats)) if (o.kind === 'event') ns.push(o.event.doc['n'] as number);
    return { ns, events: stats.events };
  };
  const odd = docs.filter((d) => d.n % 2).map((d) => d.n);
  assert.deepEqual(await run('process where true'), { ns: odd, events: 50 });
  assert.deepEqual(await run('process where true | head 3 | tail 2'), { ns: [3, 5], events: 50 }, 'the whole file is read all the same');
  assert.deepEqual(await run('process where true | tail 4 | head 1'), { ns: [43], events: 50 });
});
