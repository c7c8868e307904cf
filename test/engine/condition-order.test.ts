import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CompiledRule } from '../../src/engine/index.js';
import { compile, makeRule } from './fixtures.js';

/**
 * A process event whose broad fields count their reads. The rule fails on process.name, the
 * field that matters: an evaluation in failure order reads nothing else.
 */
function countingEvent(name: string, action = 'start'): { doc: Record<string, unknown>; reads: () => number } {
  let reads = 0;
  const event = {};
  for (const [k, v] of [['category', 'process'], ['type', 'start'], ['action', action]] as const) {
    Object.defineProperty(event, k, { enumerable: true, get: () => (reads++, v) });
  }
  const doc = { '@timestamp': '2026-01-01T00:00:00Z', event, host: { os: { type: 'linux' } }, process: { name, args: ['-c', 'x'] } };
  return { doc, reads: () => reads };
}

function accepts(rule: CompiledRule, doc: Record<string, unknown>): boolean {
  return rule.stateful ? rule.candidate(doc) : rule.match(doc);
}

const queries: [string, 'query' | 'eql' | 'esql', string][] = [
  ['kql', 'query', 'event.category:process and event.type:start and not event.action:fork and process.name:curl'],
  ['eql', 'eql', 'process where event.type == "start" and event.action != "fork" and not event.action : "x*" and process.name == "curl"'],
  ['esql', 'esql', 'FROM logs-* | WHERE event.category == "process" AND event.type == "start" AND event.action != "fork" AND process.name == "curl"'],
  [
    'esql, an AND inside an OR',
    'esql',
    'FROM logs-* | WHERE (event.category == "process" AND event.type == "start" AND process.name == "curl") OR (event.type == "x" AND process.name == "wget")',
  ],
];

for (const [what, type, query] of queries) {
  test(`condition order (${what}): the selective condition is tested before broad ones and exclusions`, () => {
    const rule = compile(makeRule({ type, query }));
    const miss = countingEvent('bash');
    assert.equal(accepts(rule, miss.doc), false);
    assert.equal(miss.reads(), 0, 'event.* read although process.name already failed');
    // the answer does not depend on the order
    const hit = countingEvent('curl');
    assert.equal(accepts(rule, hit.doc), true);
    assert.ok(hit.reads() > 0);
    if (!what.includes('OR')) assert.equal(accepts(rule, countingEvent('curl', 'fork').doc), false);
  });
}
