/**
 * Differential tests: random patterns from the subset both dialects share with JS RegExp, run
 * on random inputs, must give the answers RegExp gives (whole-string test for Lucene, leftmost
 * match and captures for search). Patterns come from a generator that only builds what all
 * three read the same way; RegExp is safe here because inputs are short.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { compileLucene, compileSearch, type EngineChoice } from '../../src/lang/regex/index.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 400);

type T =
  | { k: 'lit'; v: string }
  | { k: 'anchor'; v: string }
  | { k: 'cat'; xs: T[] }
  | { k: 'alt'; xs: T[] }
  | { k: 'rep'; x: T; q: string; lazy: boolean }
  | { k: 'grp'; x: T };

const LEAVES = ['a', 'b', 'c', 'a', 'b', '.', '[ab]', '[^a]', '[a-c]', '\\d', '1', '\\w', '\\s', '\\.', '😀'];
const QUANTS = ['*', '+', '?', '{2}', '{0,2}', '{1,3}', '{2,}', '{0}', '{0,1}'];

function tree(anchors: boolean): fc.Arbitrary<T> {
  const { node } = fc.letrec<{ node: T; leaf: T; cat: T; alt: T; rep: T; grp: T }>((tie) => ({
    node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('leaf'), tie('leaf'), tie('cat'), tie('alt'), tie('rep'), tie('grp')),
    leaf: anchors
      ? fc.oneof(
          { weight: 6, arbitrary: fc.constantFrom(...LEAVES).map((v): T => ({ k: 'lit', v })) },
          { weight: 1, arbitrary: fc.constantFrom('^', '$', '\\b', '\\B').map((v): T => ({ k: 'anchor', v })) },
        )
      : fc.constantFrom(...LEAVES).map((v): T => ({ k: 'lit', v })),
    cat: fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((xs): T => ({ k: 'cat', xs })),
    alt: fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((xs): T => ({ k: 'alt', xs })),
    rep: fc.record({ x: tie('node'), q: fc.constantFrom(...QUANTS), lazy: fc.boolean() }).map(({ x, q, lazy }): T => ({ k: 'rep', x, q, lazy })),
    grp: tie('node').map((x): T => ({ k: 'grp', x })),
  }));
  return node;
}

const input = fc.array(fc.constantFrom('a', 'b', 'c', 'a', 'b', '1', ' ', '\n', '😀', 'A', '.'), { maxLength: 10 }).map((xs) => xs.join(''));

/** Lucene text and the JS equivalent. Lucene has no lazy quantifiers or anchors. */
function lucene(t: T): { ours: string; js: string } {
  switch (t.k) {
    case 'lit':
    case 'anchor':
      return { ours: t.v, js: t.v };
    case 'cat': {
      const parts = t.xs.map(lucene);
      return { ours: parts.map((p) => p.ours).join(''), js: parts.map((p) => p.js).join('') };
    }
    case 'alt': {
      const parts = t.xs.map(lucene);
      return { ours: `(${parts.map((p) => p.ours).join('|')})`, js: `(?:${parts.map((p) => p.js).join('|')})` };
    }
    case 'grp': {
      const p = lucene(t.x);
      return { ours: `(${p.ours})`, js: `(?:${p.js})` };
    }
    case 'rep': {
      const p = lucene(t.x);
      return { ours: `(${p.ours})${t.q}`, js: `(?:${p.js})${t.q}` };
    }
  }
}

/**
 * Search text (same for both engines): groups outside repetitions capture under a name; inside
 * one they do not, because JS resets captures at each iteration and Oniguruma/Java (and we) do
 * not.
 */
function search(t: T, inRep: boolean, counter: { n: number }): string {
  switch (t.k) {
    case 'lit':
    case 'anchor':
      return t.v;
    case 'cat':
      return t.xs.map((x) => search(x, inRep, counter)).join('');
    case 'alt':
      return `(?:${t.xs.map((x) => search(x, inRep, counter)).join('|')})`;
    case 'grp':
      return inRep ? `(?:${search(t.x, inRep, counter)})` : `(?<g${counter.n++}>${search(t.x, inRep, counter)})`;
    case 'rep':
      return `(?:${search(t.x, true, counter)})${t.q}${t.lazy ? '?' : ''}`;
  }
}

/**
 * V8 tries a match inside a surrogate pair even with the u flag (`/\B/u.exec('a😀').index` is
 * 2); we step over pairs, so `\B` is only compared on inputs without astral characters.
 */
function astralB(src: string, s: string): boolean {
  return src.includes('\\B') && /[\u{10000}-\u{10ffff}]/u.test(s);
}

const ENGINES: EngineChoice[] = ['auto', 'dfa', 'backtrack', 'pike'];

function nullable(t: T): boolean {
  switch (t.k) {
    case 'lit':
      return false;
    case 'anchor':
      return true;
    case 'cat':
      return t.xs.every(nullable);
    case 'alt':
      return t.xs.some(nullable);
    case 'grp':
      return nullable(t.x);
    case 'rep':
      return t.q === '*' || t.q.startsWith('{0') || t.q === '?' || nullable(t.x);
  }
}

/**
 * Whether some repetition's body can match the empty string. There JS differs from
 * Oniguruma, Java, PCRE and RE2: it rejects an iteration that matched nothing and backtracks
 * into it (`(?:a*?)?` on "a" is "a" in JS, "" elsewhere). Which strings match, and where the
 * leftmost match starts, do not depend on it; the match's end and captures can.
 */
function emptyIteration(t: T): boolean {
  switch (t.k) {
    case 'lit':
    case 'anchor':
      return false;
    case 'cat':
    case 'alt':
      return t.xs.some(emptyIteration);
    case 'grp':
      return emptyIteration(t.x);
    case 'rep':
      return nullable(t.x) || emptyIteration(t.x);
  }
}

describe('differential against JS RegExp', () => {
  test('Lucene: whole-string test', () => {
    fc.assert(
      fc.property(tree(false), fc.array(input, { minLength: 1, maxLength: 6 }), (t, inputs) => {
        const { ours, js } = lucene(t);
        const re = new RegExp(`^(?:${js})$`, 'su');
        for (const engine of ENGINES) {
          const m = compileLucene(ours, { engine });
          for (const s of inputs) assert.equal(m.test(s), re.test(s), `${engine}: /${ours}/ on ${JSON.stringify(s)}`);
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('Lucene: any-string shapes (.*X, X.*, P.*M.*S) take the split-scan path and agree', () => {
    const dot = fc.constantFrom('', '.*', '@', '(.*)', '.*.*');
    fc.assert(
      fc.property(dot, tree(false), dot, tree(false), dot, tree(false), fc.array(input, { minLength: 1, maxLength: 6 }), (d1, a, d2, b, d3, c, inputs) => {
        const parts = [d1, lucene(a), d2, lucene(b), d3, lucene(c)];
        const ours = parts.map((x) => (typeof x === 'string' ? x : x.ours)).join('');
        const js = parts.map((x) => (typeof x === 'string' ? x.replace('@', '.*').replace('(.*)', '(?:.*)') : x.js)).join('');
        const re = new RegExp(`^(?:${js})$`, 'su');
        const m = compileLucene(ours);
        for (const s of inputs) assert.equal(m.test(s), re.test(s), `/${ours}/ on ${JSON.stringify(s)}`);
      }),
      { numRuns: RUNS },
    );
  });

  test('Lucene: case-insensitive whole-string test', () => {
    fc.assert(
      fc.property(tree(false), fc.array(input, { minLength: 1, maxLength: 4 }), (t, inputs) => {
        const { ours, js } = lucene(t);
        const re = new RegExp(`^(?:${js})$`, 'siu');
        const m = compileLucene(ours, { caseInsensitive: true });
        for (const s of inputs) assert.equal(m.test(s), re.test(s), `/${ours}/i on ${JSON.stringify(s)}`);
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  test('search: leftmost match, captures and test()', () => {
    fc.assert(
      fc.property(tree(true), fc.array(input, { minLength: 1, maxLength: 6 }), fc.boolean(), (t, inputs, dotAll) => {
        const src = search(t, false, { n: 0 });
        const re = new RegExp(src, dotAll ? 'su' : 'u');
        for (const engine of ENGINES) {
          const m = compileSearch(src, { engine, dotAll });
          for (const s of inputs) {
            if (astralB(src, s)) continue;
            const want = re.exec(s);
            const label = `${engine}: /${src}/${dotAll ? 's' : ''} on ${JSON.stringify(s)}`;
            assert.equal(m.test(s), want !== null, `test() ${label}`);
            if (engine === 'dfa') continue; // test() only
            const got = m.exec(s);
            assert.equal(got === null, want === null, `exec ${label}`);
            if (!got || !want) continue;
            assert.equal(got.index, want.index, `index ${label}`);
            if (emptyIteration(t)) continue;
            assert.equal(s.slice(got.index, got.end), want[0], `match ${label}`);
            assert.deepEqual({ ...got.groups }, { ...(want.groups ?? {}) }, `groups ${label}`);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('search: case-insensitive', () => {
    fc.assert(
      fc.property(tree(true), fc.array(input, { minLength: 1, maxLength: 4 }), (t, inputs) => {
        const src = search(t, false, { n: 0 });
        const re = new RegExp(src, 'siu');
        const m = compileSearch(src, { caseInsensitive: true });
        for (const s of inputs) {
          if (astralB(src, s)) continue;
          const want = re.exec(s);
          const got = m.exec(s);
          assert.equal(got?.index, want?.index, `/${src}/i on ${JSON.stringify(s)}`);
          if (emptyIteration(t)) continue;
          assert.equal(got && s.slice(got.index, got.end), want && want[0], `/${src}/i on ${JSON.stringify(s)}`);
        }
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });
});
