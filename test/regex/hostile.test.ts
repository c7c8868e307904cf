/**
 * Patterns that make backtracking engines take exponential (or high-polynomial) time must run
 * in time linear in the input here. Work is asserted through the engines' step counters, which
 * a loaded machine cannot distort; the wall-clock bound is only a generous backstop.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileLucene, compileSearch, engineStats, type EngineChoice } from '../../src/lang/regex/index.js';

const N = 100_000;

function steps(f: () => void): number {
  const before = engineStats.steps;
  f();
  return engineStats.steps - before;
}

/**
 * Run on inputs of size n/10 and n: work must stay within O(program × input), grow about 10×
 * (unless the engine changes with the input size: `sameEngine` false), and finish within 2 s.
 */
function linear(
  label: string,
  re: { programSize: number },
  run: (input: string) => boolean,
  make: (n: number) => string,
  expected: boolean,
  sameEngine = true,
): void {
  const small = make(N / 10);
  const big = make(N);
  let got = false;
  const s1 = steps(() => assert.equal(run(small), expected, `${label} (small)`));
  const t0 = performance.now();
  const s2 = steps(() => (got = run(big)));
  const ms = performance.now() - t0;
  assert.equal(got, expected, label);
  assert.ok(ms < 2000, `${label}: ${ms.toFixed(0)} ms`);
  assert.ok(s2 <= 3 * re.programSize * (big.length + 1), `${label}: ${s2} steps, program ${re.programSize}, input ${big.length}`);
  // literal fast paths take no engine steps at all
  if (s1 > 0 && sameEngine) assert.ok(s2 <= s1 * 12 + 1000, `${label}: ${s1} steps on ${small.length} chars but ${s2} on ${big.length}`);
}

const LUCENE_ENGINES: EngineChoice[] = ['auto', 'dfa', 'backtrack', 'pike'];
const SEARCH_ENGINES: EngineChoice[] = ['auto', 'backtrack', 'pike'];

const as = (n: number) => 'a'.repeat(n);

describe('hostile Lucene patterns run in linear time', () => {
  const cases: [string, (n: number) => string, boolean][] = [
    ['(a+)+b', as, false],
    ['(a|a)*c', as, false],
    ['(a|aa)*c', as, false],
    ['(.*a){20}', as, true],
    ['(.*a){20}', (n) => as(n) + 'b', false],
    ['(a*)*b', as, false],
    ['((a+)+)+', as, true],
    ['.*a.*a.*a.*a.*a.*a.*a.*a.*a.*a.*a.*b', as, false],
    ['(x+x+)+y', (n) => 'x'.repeat(n), false],
    ['([a-z]+)*[0-9]', as, false],
    ['(a|b|ab)*c', (n) => 'ab'.repeat(n / 2), false],
    ['~((a+)+b)', as, true],
  ];
  for (const [pattern, make, expected] of cases) {
    for (const engine of LUCENE_ENGINES) {
      test(`${pattern} [${engine}]`, () => {
        const re = compileLucene(pattern, { engine });
        linear(`${pattern} [${engine}]`, re, (s) => re.test(s), make, expected, engine !== 'backtrack');
      });
    }
  }
});

describe('hostile search patterns run in linear time', () => {
  const cases: [string, (n: number) => string, boolean][] = [
    ['(?<x>(a|aa)+)+b', as, false],
    ['(a+)+b', as, false],
    ['^(a|a)*c', as, false],
    ['(.*a){20}b', as, false],
    ['(.*?a){20}', as, true],
    ['(?:\\s*,\\s*)+$', (n) => ' ,'.repeat(n / 2) + 'x', false],
    ['\\d+\\.\\d+\\.\\d+x', (n) => '1.'.repeat(n / 2), false],
    ['(?<q>"(?:\\\\.|[^\\\\"])*")', (n) => '"' + '\\a'.repeat(n / 2), false],
    ['(?:a|b)*?c', (n) => 'ab'.repeat(n / 2), false],
    // \b is assumed true by the DFA filter, so this one reaches the exact engines
    ['(?:a+)+\\bc', (n) => as(n) + 'c', false],
    ['(?<![a-z])(?:a|aa)+(?!c)c', (n) => as(n) + 'c', false],
  ];
  for (const [pattern, make, expected] of cases) {
    for (const engine of SEARCH_ENGINES) {
      test(`exec ${pattern} [${engine}]`, () => {
        const re = compileSearch(pattern, { engine });
        linear(`exec ${pattern} [${engine}]`, re, (s) => re.exec(s) !== null, make, expected, engine === 'pike');
      });
    }
    test(`test ${pattern} [auto]`, () => {
      const re = compileSearch(pattern);
      linear(`test ${pattern}`, re, (s) => re.test(s), make, expected, false);
    });
  }

  test('the grok-expanded IP pattern on a long line of digits and dots', () => {
    const ipv4 = '(?<![0-9])(?:(?:[0-1]?[0-9]{1,2}|2[0-4][0-9]|25[0-5])[.](?:[0-1]?[0-9]{1,2}|2[0-4][0-9]|25[0-5])[.](?:[0-1]?[0-9]{1,2}|2[0-4][0-9]|25[0-5])[.](?:[0-1]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]))(?![0-9])';
    for (const engine of SEARCH_ENGINES) {
      const re = compileSearch(`(?<ip>${ipv4}) (?<rest>.*)`, { engine });
      linear(`ip [${engine}]`, re, (s) => re.exec(s) !== null, (n) => '1.'.repeat(n / 2), false, engine === 'pike');
    }
  });
});

describe('compile-time limits', () => {
  test('repetition blow-up is a positioned error, not a hang', () => {
    const t0 = performance.now();
    assert.throws(() => compileLucene('(((a{100}){100}){100}){100}'), /regex too large/);
    assert.throws(() => compileSearch('(?:(?:a{1000}){1000}){1000}'), /regex too large/);
    assert.throws(() => compileLucene('~(.*a.{30})'), /too complex/);
    assert.ok(performance.now() - t0 < 5000);
  });
});
