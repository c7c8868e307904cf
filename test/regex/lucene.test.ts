import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { compileLucene, isRegexError, RegexError, type EngineChoice } from '../../src/lang/regex/index.js';
import { QueryError } from '../../src/lang/query-error.js';

const ENGINES: EngineChoice[] = ['auto', 'dfa', 'backtrack', 'pike'];

/** Every engine must agree on every case. */
function check(pattern: string, yes: string[], no: string[], opts: { caseInsensitive?: boolean } = {}): void {
  for (const engine of ENGINES) {
    const re = compileLucene(pattern, { ...opts, engine });
    for (const s of yes) assert.equal(re.test(s), true, `${engine}: /${pattern}/ should match ${JSON.stringify(s)}`);
    for (const s of no) assert.equal(re.test(s), false, `${engine}: /${pattern}/ should not match ${JSON.stringify(s)}`);
  }
}

function errorAt(pattern: string, offset: number, msg: RegExp, kind?: string): void {
  assert.throws(
    () => compileLucene(pattern),
    (e: unknown) => {
      assert.ok(isRegexError(e), `expected RegexError, got ${String(e)}`);
      assert.equal(e.offset, offset, `offset of ${JSON.stringify(e.message)} for /${pattern}/`);
      assert.match(e.message, msg);
      if (kind) assert.equal(e.kind, kind);
      return true;
    },
  );
}

describe('Lucene regexp: standard operators', () => {
  test('implicitly anchored', () => {
    check('ab.*', ['ab', 'abcde'], ['xab', 'a']);
    check('abcd', ['abcd'], ['abcde', 'abc', 'xabcd']);
    check('', [''], ['a']);
  });
  test('. matches any code point, newlines and astral characters included', () => {
    check('ab.', ['abc', 'ab\n', 'ab😀'], ['ab', 'abcd', 'ab😀x']);
    check('a..', ['a😀😀', 'abc'], ['a😀']);
  });
  test('? + * and counted repetition', () => {
    check('abc?', ['ab', 'abc'], ['abcc']);
    check('ab+', ['ab', 'abbb'], ['a']);
    check('ab*', ['a', 'abbb'], ['b']);
    check('a{2}', ['aa'], ['a', 'aaa']);
    check('a{2,}', ['aa', 'aaaaa'], ['a']);
    check('a{2,4}', ['aa', 'aaa', 'aaaa'], ['a', 'aaaaa']);
    check('a{0}', [''], ['a']);
    check('(ab){2}c', ['ababc'], ['abc']);
    check('a{3,2}', [], ['', 'aa', 'aaa']);
    check('a**', ['', 'aaa'], ['b']);
    check('a{2}{3}', ['aaaaaa'], ['aaaa']);
  });
  test('alternation and grouping', () => {
    check('abc|xyz', ['abc', 'xyz'], ['abcxyz', 'ab']);
    check('a(b|c)d', ['abd', 'acd'], ['ad', 'abcd']);
    check('()', [''], ['a']);
    check('a()b', ['ab'], ['a']);
  });
  test('character classes', () => {
    check('[abc]', ['a', 'b', 'c'], ['d', 'ab']);
    check('[a-c]+', ['abcabc'], ['abd']);
    check('[^a-c]', ['d', '😀', '\n'], ['a', '']);
    check('[-a]', ['-', 'a'], ['b']);
    check('[]a]', [']', 'a'], ['b']);
    check('[.|*]', ['.', '|', '*'], ['a']);
    check('[\\]]', [']'], ['\\']);
    check('[😀-😂]', ['😁'], ['a']);
  });
  test('escapes and predefined classes', () => {
    check('a\\.b', ['a.b'], ['axb']);
    check('\\\\', ['\\'], ['']);
    check('\\d+', ['0123'], ['12a']);
    check('\\D', ['a'], ['1']);
    check('\\w+', ['a_Z9'], ['a-b', 'é']);
    check('\\W', ['-', 'é'], ['a']);
    check('\\s', [' ', '\t', '\n', '\r'], ['\f', 'a']);
    check('\\S', ['a'], [' ']);
    check('[\\d\\s]+', ['1 2'], ['a']);
    check('\\@\\&\\~\\#\\<', ['@&~#<'], []);
  });
  test('leading operators are literals, as Lucene parses them', () => {
    check('*a', ['*a'], ['a', 'aa']);
    check('+', ['+'], ['']);
    check('|a', ['|a'], ['a']);
    check('a||b', ['a', '|b'], ['b']);
    check('{2}', ['{2}'], []);
    check('&a', ['&a'], ['a']);
    check(')a', [')a'], ['a']);
    check('a(|b)', ['a|b'], ['a', 'ab']);
  });
  test('"quoted strings" are literal', () => {
    check('"john@smith.com"', ['john@smith.com'], ['johnxsmith.com']);
    check('a"*+"b', ['a*+b'], ['ab']);
    check('""', [''], ['a']);
  });
  test('case-insensitive (ASCII)', () => {
    check('abc', ['abc', 'ABC', 'aBc'], ['abd'], { caseInsensitive: true });
    check('[a-c]x', ['Bx', 'bX'], ['dx'], { caseInsensitive: true });
    check('[^a]', ['b'], ['a', 'A'], { caseInsensitive: true });
    check('.*\\.EXE', ['c:\\x\\cmd.exe', 'A.Exe'], ['a.exe1'], { caseInsensitive: true });
    check('é', ['é'], ['É'], { caseInsensitive: true });
    check('k', ['K'], ['\u212a'], { caseInsensitive: true });
  });
});

describe('Lucene regexp: optional operators (enabled by ES for RLIKE and EQL regex)', () => {
  test('@ matches any string', () => {
    check('@', ['', 'anything', '\n😀'], []);
    check('a@b', ['ab', 'axxb'], ['a']);
  });
  test('# matches nothing', () => {
    check('#', [], ['', '#']);
    check('a|#', ['a'], ['']);
  });
  test('~ complement binds tighter than repetition and concatenation', () => {
    check('a~bc', ['adc', 'aec', 'ac', 'abbc'], ['abc']);
    check('~(abc.+)', ['abc', 'ab', 'xabcd', ''], ['abcd', 'abcabc']);
    check('~a', ['', 'b', 'aa'], ['a']);
    check('~~a', ['a'], ['b', '']);
    check('~#', ['', 'anything'], []);
    check('~@', [], ['', 'a']);
    check('(~a)*', ['', 'b', 'aa', 'ba'], ['a']);
  });
  test('& intersection', () => {
    check('aaa.+&.+bbb', ['aaabbb', 'aaaxbbb'], ['aaabb', 'aabbb']);
    check('@&~(abc.+)', ['abc', 'x', ''], ['abcd']);
    check('[a-z]+&~(foo|bar)', ['baz', 'fo', 'foox'], ['foo', 'bar', '']);
    check('a&b', [], ['a', 'b']);
    check('x(a.*&.*b)y', ['xaby', 'xacby'], ['xay', 'xby', 'xab']);
  });
  test('<n-m> numeric intervals', () => {
    check('foo<1-100>', ['foo1', 'foo2', 'foo99', 'foo100', 'foo007', 'foo0100'], ['foo0', 'foo101', 'foo', 'foo1000']);
    check('<01-100>', ['01', '1', '100', '0050'], ['0', '101']);
    check('<001-100>', ['001', '050', '100'], ['1', '50', '0001', '000']);
    check('<0-9>', ['0', '9'], ['00', '10', '']);
    check('<5-5>', ['5'], ['4', '05']);
    check('<10-1>', ['1', '5', '10'], ['11']);
    check('<0-0>', ['0'], ['00', '1']);
    check('x<0-12>y', ['x0y', 'x000y', 'x12y', 'x012y'], ['x13y', 'xy']);
  });
  test('interval ranges agree with arithmetic', () => {
    const cases: [number, number][] = [[0, 0], [0, 1], [3, 47], [1, 100], [99, 1001], [123, 4567], [0, 999], [1000, 1000], [7, 7000]];
    for (const [lo, hi] of cases) {
      const re = compileLucene(`<${lo}-${hi}>`);
      for (let v = 0; v <= Math.min(hi + 50, 9999); v++) {
        assert.equal(re.test(String(v)), v >= lo && v <= hi, `<${lo}-${hi}> on ${v}`);
        // equal-length bounds fix the width (Lucene's `digits`); otherwise leading zeros are free
        const sameWidth = String(lo).length === String(hi).length;
        assert.equal(re.test(`00${v}`), !sameWidth && v >= lo && v <= hi, `<${lo}-${hi}> on 00${v}`);
      }
      const w = String(hi).length;
      if (String(lo).length === w) {
        const fixed = compileLucene(`<${String(lo).padStart(w, '0')}-${hi}>`);
        for (let v = 0; v <= hi + 5; v++) {
          const txt = String(v).padStart(w, '0');
          assert.equal(fixed.test(txt), v >= lo && v <= hi, `fixed <${lo}-${hi}> on ${txt}`);
        }
      }
    }
  });
});

describe('Lucene regexp: errors with positions', () => {
  test('syntax errors', () => {
    errorAt('a(b', 1, /expected '\)'/);
    errorAt('a)', 1, /unbalanced \)/);
    errorAt('[abc', 4, /expected '\]'/);
    errorAt('[]', 2, /expected '\]'/);
    errorAt('a{x}', 2, /integer expected/);
    errorAt('a{2', 3, /expected '\}'/);
    errorAt('a|', 2, /unexpected end/);
    errorAt('ab\\', 3, /unexpected end/);
    errorAt('a~', 2, /unexpected end/);
    errorAt('"abc', 0, /unterminated/);
    errorAt('[z-a]', 1, /invalid range/);
    errorAt('a<1-', 1, /expected '>'/);
    errorAt('a<1-x>', 1, /interval syntax/);
    errorAt('<-5>', 0, /interval syntax/);
  });
  test('\\ before an unknown letter is an error, as in Lucene', () => {
    errorAt('a\\nb', 1, /invalid character class \\n/);
    errorAt('[\\t]', 1, /invalid character class \\t/);
  });
  test('named automata cannot run offline', () => {
    errorAt('x<name>', 1, /named automaton/, 'unsupported');
  });
  test('size limits', () => {
    errorAt('a{1000}{1000}', 0, /regex too large/, 'too-large');
    errorAt('xy(ab{100}){1000}', 2, /regex too large/, 'too-large');
    assert.throws(() => compileLucene('~((a|b)*a(a|b){20})'), (e: unknown) => isRegexError(e) && e.kind === 'too-large' && e.offset === 0);
  });
  test('converts to a positioned QueryError', () => {
    const src = 'FROM logs | WHERE s RLIKE "a(b"';
    try {
      compileLucene('a(b');
      assert.fail('should throw');
    } catch (e) {
      assert.ok(e instanceof RegexError);
      const q = e.toQueryError(src, src.indexOf('"') + 1);
      assert.ok(q instanceof QueryError);
      assert.equal(q.offset, src.indexOf('(b'));
      assert.equal(q.column, src.indexOf('(b') + 1);
    }
  });
});

describe('Lucene regexp: engines agree on the optional operators', () => {
  // no JS equivalent exists for ~ & <n-m>: the fast paths (split scans, reversed DFAs) are
  // checked against the plain Pike VM over the whole program
  const patterns = [
    '.*~(a)', '~(a).*', '.*~(ab)b.*', 'a.*~(b.*)', '.*(a.*&.*b).*', '.*<1-12>', '<3-7>.*x', '.*x<0-99>y.*',
    '@&~(.*a.*)', '.*@.*', '~(.*abc.*)', '(~a)*b', 'x.*(~(a|b))&.*c', '.*😀.*~(😀)', '[^a]*.*a[^a]*',
  ];
  const input = fc.array(fc.constantFrom('a', 'b', 'c', 'x', 'y', '1', '2', '9', '0', '😀', '\uD83D'), { maxLength: 12 }).map((xs) => xs.join(''));
  for (const p of patterns) {
    test(p, () => {
      const auto = compileLucene(p);
      const pike = compileLucene(p, { engine: 'pike' });
      const back = compileLucene(p, { engine: 'backtrack' });
      fc.assert(
        fc.property(input, (s) => {
          const want = pike.test(s);
          assert.equal(auto.test(s), want, `auto /${p}/ on ${JSON.stringify(s)}`);
          assert.equal(back.test(s), want, `backtrack /${p}/ on ${JSON.stringify(s)}`);
        }),
        { numRuns: 300 },
      );
    });
  }
});

describe('Lucene regexp: code points', () => {
  test('astral characters are one character, lone surrogates match themselves', () => {
    check('.', ['😀', '\uD83D', 'a'], ['😀😀', '']);
    check('\uD83D.', [], ['😀']);
    check('[^a]', ['\uDE00'], ['😀a']);
    check('.*\uDE00', [], ['😀']);
    check('.*😀', ['x😀', '😀'], ['😀x']);
  });
});
