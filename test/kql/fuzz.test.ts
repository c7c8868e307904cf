/** Property checks: the parser only ever throws QueryError, and compiled queries never throw. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileKql, parseKql } from '../../src/lang/kql/index.js';
import { QueryError } from '../../src/lang/query-error.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 500);
const piece = fc.constantFrom(
  'a', 'b.c', ':', ' ', '(', ')', '{', '}', '"', '\\', '*', '<', '>=', 'and ', ' or ', 'not ', 'AND', '1', '10.0.0.0/8', 'now-1d', 'true', '\\u0041', '\n',
);
const queryArb = fc.array(fc.oneof(piece, fc.string({ maxLength: 3 })), { maxLength: 24 }).map((p) => p.join(''));
const docArb = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'x'), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 });

test('parseKql throws only QueryError; compiled predicates return booleans', () => {
  fc.assert(
    fc.property(queryArb, docArb, (q, doc) => {
      let pred;
      try {
        pred = compileKql(parseKql(q), { now: 0 });
      } catch (e) {
        assert.ok(e instanceof QueryError, `non-QueryError for ${JSON.stringify(q)}: ${String(e)}`);
        assert.ok(e.offset >= 0 && e.offset <= q.length);
        return;
      }
      assert.equal(typeof pred(doc as Record<string, unknown>), 'boolean');
    }),
    { numRuns: RUNS },
  );
});

test('deep nesting is a QueryError, not a stack overflow', () => {
  const deep = `${'('.repeat(50_000)}a${')'.repeat(50_000)}`;
  assert.throws(() => parseKql(deep), QueryError);
  assert.equal(parseKql(`${'('.repeat(100)}a${')'.repeat(100)}`).type, 'is');
});
