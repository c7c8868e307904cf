/**
 * Scale check for the sequence matcher (not a test): `node --import tsx
 * test/eql/bench/sequence-scale.ts <events> <maxspan|none> <new|ref> [open|complete] [budget MB]`. Every event has
 * its own join key and opens a two-stage sequence; with `complete`, each key's closing event
 * comes 1,000 events later, otherwise none ever does. Events are 1 ms apart and maxspan is one
 * hour, so nothing expires: the worst case for a matcher that scans its live partials. Run under
 * /usr/bin/time -v for peak RSS.
 */
import { runSequence, type SeqSpec } from '../../../src/lang/eql/sequence.js';
import { approxHeapBytes, CANDIDATE_OVERHEAD } from '../../../src/engine/candidates/heap-size.js';
import { runSequenceReference } from '../sequence-reference.js';

type Doc = Record<string, unknown>;
const [countArg = '200000', spanArg = 'none', impl = 'new', shape = 'open', budgetMb] = process.argv.slice(2);
const count = Number(countArg);
const LAG = 1_000;
const outcome = (d: Doc) => (d['event'] as Doc)['outcome'];
const user = (d: Doc) => [(d['user'] as Doc)['name']];
const spec: SeqSpec = {
  stages: [
    { filter: (d) => outcome(d) === 'failure', keys: user },
    { filter: (d) => outcome(d) === 'success', keys: user },
  ],
  missing: [],
  until: null,
  maxspan: spanArg === 'none' ? null : Number(spanArg),
  time: (d) => d['@timestamp'] as number,
};

function doc(i: number, name: string, result: string): Doc {
  return {
    '@timestamp': 1_700_000_000_000 + i,
    host: { name: `host-${i % 3}` },
    user: { name },
    event: { category: 'authentication', outcome: result },
    source: { ip: `10.0.${i % 4}.${i % 8}` },
    data_stream: { dataset: 'system.auth', namespace: 'default', type: 'logs' },
  };
}

function* events(): Generator<{ doc: Doc; line: number }> {
  for (let i = 0; i < count; i++) {
    yield { doc: doc(i, `u${i}`, 'failure'), line: i };
    if (shape === 'complete' && i >= LAG) yield { doc: doc(i, `u${i - LAG}`, 'success'), line: i };
  }
}

const stats = { peakPartials: 0 };
const started = performance.now();
const warnings: string[] = [];
// As the engine would weigh candidates under --max-memory (stateBytes is a quarter of it).
const options = budgetMb ? { stateBytes: Number(budgetMb) * 2 ** 20, sizeOf: (e: { doc: Doc }) => approxHeapBytes(e.doc) + CANDIDATE_OVERHEAD, onWarning: (w: string) => warnings.push(w) } : {};
const matches = impl === 'ref' ? runSequenceReference(spec, events(), stats) : runSequence(spec, events(), stats, options);
const ms = performance.now() - started;
console.log(JSON.stringify({ impl, count, maxspan: spec.maxspan, shape, ms: Math.round(ms), matches: matches.length, peakPartials: stats.peakPartials, heapMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20), warnings }));
