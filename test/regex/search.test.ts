import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileSearch, isRegexError, type EngineChoice, type SearchOptions } from '../../src/lang/regex/index.js';

const ENGINES: EngineChoice[] = ['auto', 'backtrack', 'pike'];

/** exec on every engine; all must agree; returns the auto result. */
function run(pattern: string, s: string, opts: SearchOptions = {}) {
  const results = ENGINES.map((engine) => {
    const m = compileSearch(pattern, { ...opts, engine }).exec(s);
    return m && { index: m.index, end: m.end, text: s.slice(m.index, m.end), groups: m.groups };
  });
  for (let i = 1; i < results.length; i++) assert.deepEqual(results[i], results[0], `${ENGINES[i]} vs auto on /${pattern}/ ${JSON.stringify(s)}`);
  for (const engine of [...ENGINES, 'dfa' as const]) {
    assert.equal(compileSearch(pattern, { ...opts, engine }).test(s), results[0] !== null, `${engine} test() on /${pattern}/ ${JSON.stringify(s)}`);
  }
  return results[0];
}

function text(pattern: string, s: string, opts: SearchOptions = {}): string | null {
  return run(pattern, s, opts)?.text ?? null;
}

function errorAt(pattern: string, offset: number, msg: RegExp, kind?: string): void {
  assert.throws(
    () => compileSearch(pattern),
    (e: unknown) => {
      assert.ok(isRegexError(e), `expected RegexError, got ${String(e)}`);
      assert.equal(e.offset, offset, `offset of ${JSON.stringify(e.message)} for /${pattern}/`);
      assert.match(e.message, msg);
      if (kind) assert.equal(e.kind, kind);
      return true;
    },
  );
}

describe('search syntax: matching', () => {
  test('unanchored leftmost match', () => {
    assert.equal(text('b+', 'abbbc'), 'bbb');
    assert.equal(text('x', 'abc'), null);
    assert.equal(text('', 'abc'), '');
    assert.equal(run('c', 'abc')?.index, 2);
  });
  test('anchors', () => {
    assert.equal(text('^ab', 'abab'), 'ab');
    assert.equal(text('^b', 'ab'), null);
    assert.equal(text('b$', 'abab'), 'b');
    assert.equal(run('b$', 'abab')?.index, 3);
    assert.equal(text('a$', 'a\nb'), null);
    assert.equal(text('(?m)a$', 'a\nb'), 'a');
    assert.equal(text('(?m)^b', 'a\nb'), 'b');
    assert.equal(text('\\Aa', 'ba'), null);
    assert.equal(text('a\\z', 'a\n'), null);
    assert.equal(text('a\\Z', 'a\n'), 'a');
  });
  test('word boundaries', () => {
    assert.equal(text('\\bfoo\\b', 'a foo b'), 'foo');
    assert.equal(text('\\bfoo\\b', 'afoo'), null);
    assert.equal(text('\\Boo', 'foo'), 'oo');
    assert.equal(text('\\b\\w+\\b', '  hello world'), 'hello');
  });
  test('classes and escapes', () => {
    assert.equal(text('[a-c]+', 'xxbcaz'), 'bca');
    assert.equal(text('[^a-c]+', 'abxyc'), 'xy');
    assert.equal(text('\\d+', 'ab123c'), '123');
    assert.equal(text('\\D+', '12ab3'), 'ab');
    assert.equal(text('\\s+', 'a \t\nb'), ' \t\n');
    assert.equal(text('\\S+', '  ab '), 'ab');
    assert.equal(text('\\W+', 'ab-+c'), '-+');
    assert.equal(text('[\\x21-\\x23]+', 'a!"#b'), '!"#');
    assert.equal(text('\\x{1F600}', 'a😀'), '😀');
    assert.equal(text('\\u0041', 'xA'), 'A');
    assert.equal(text('\\t', 'a\tb'), '\t');
    assert.equal(text('\\Q.*\\E', 'a.*b'), '.*');
    assert.equal(text('[\\Q]-\\E]+', 'a]-]b'), ']-]');
    assert.equal(text('[.]', 'a.b'), '.');
    assert.equal(text('[]a]+', 'x]a]'), ']a]');
    assert.equal(text('[a-]+', 'x-a-'), '-a-');
    assert.equal(text('[a-z&&[^aeiou]]+', 'aebcd'), 'bcd');
    assert.equal(text('[[:digit:][:upper:]]+', 'abC3Dx'), 'C3D');
    assert.equal(text('[[:^alpha:]]+', 'ab12c'), '12');
    assert.equal(text('\\p{Lu}+', 'abÀBc'), 'ÀB');
    assert.equal(text('\\p{Alpha}+', '12abc3'), 'abc');
    assert.equal(text('\\P{Digit}+', '12abc3'), 'abc');
    assert.equal(text('[\\w.-]+', ' a.b-c '), 'a.b-c');
    assert.equal(text('\\h+', 'xx0aFg'), '0aF');
  });
  test('. and dotAll', () => {
    assert.equal(text('a.b', 'a\nb'), 'a\nb');
    assert.equal(text('a.b', 'a\nb', { dotAll: false }), null);
    assert.equal(text('(?-s)a.b', 'a\nb'), null);
    assert.equal(text('(?s)a.b', 'a\nb', { dotAll: false }), 'a\nb');
    assert.equal(text('.', '😀'), '😀');
    assert.equal(text('^.$', '😀'), '😀');
    assert.equal(text('^..$', '😀'), null);
  });
  test('greedy and lazy quantifiers report what a backtracking engine reports', () => {
    assert.equal(text('a.*b', 'xaxbxbx'), 'axbxb');
    assert.equal(text('a.*?b', 'xaxbxbx'), 'axb');
    assert.equal(text('a+?', 'aaa'), 'a');
    assert.equal(text('a??b', 'ab'), 'ab');
    assert.equal(text('a{2,3}?', 'aaaa'), 'aa');
    assert.equal(text('a{2,}?', 'aaaa'), 'aa');
    assert.equal(text('(a|ab)(c|bcd)', 'abcd'), 'abcd');
    assert.equal(text('(a|ab)(c|bcd)', 'abc'), 'abc');
    assert.equal(text('a{,2}', 'aaa'), 'aa');
    assert.equal(text('a{x', 'a{x'), 'a{x');
    assert.equal(text('x{}', 'x{}'), 'x{}');
  });
  test('case-insensitive flag and inline groups', () => {
    assert.equal(text('abc', 'xABCx', { caseInsensitive: true }), 'ABC');
    assert.equal(text('(?i)abc', 'xABCx'), 'ABC');
    assert.equal(text('a(?i)bc', 'ABC aBC'), 'aBC');
    assert.equal(text('a(?i:b)c', 'aBC aBc'), 'aBc');
    assert.equal(text('(?i)[a-c]+', 'xAbCx'), 'AbC');
    assert.equal(text('(?i)é', 'É'), 'É');
    assert.equal(text('(?i)(?-i)a', 'A'), null);
    assert.equal(text('(a(?i)b)c', 'aBc aBC'), 'aBc');
    assert.equal(text('(?x) a b # comment\n c', 'abc'), 'abc');
    assert.equal(text('a(?#note)b', 'ab'), 'ab');
  });
  test('restricted lookaround: fixed sequences of characters', () => {
    assert.equal(text('(?<![0-9])\\d{3}(?![0-9])', '1234 567 89'), '567');
    assert.equal(text('(?<=\\$)\\d+', 'cost $42'), '42');
    assert.equal(text('a(?=bc)', 'ab abc'), 'a');
    assert.equal(run('a(?=bc)', 'ab abc')?.index, 3);
    assert.equal(text('(?!<[0-9])\\d', '<1 2'), '1');
    assert.equal(text('x(?!a|b)', 'xa xb xc'), 'x');
    assert.equal(run('x(?!a|b)', 'xa xb xc')?.index, 6);
    assert.equal(text('(?<=😀)a', '😀a'), 'a');
  });
});

describe('search syntax: captures', () => {
  test('named groups', () => {
    const m = run('(?<user>\\w+)@(?<host>[\\w.]+)', 'mail bob@example.com now');
    assert.deepEqual(m?.groups, { user: 'bob', host: 'example.com' });
  });
  test('optional groups that do not take part are undefined', () => {
    const m = run('(?<a>x)?(?<b>y)', 'y');
    assert.deepEqual(m?.groups, { a: undefined, b: 'y' });
  });
  test('alternative syntaxes for names', () => {
    assert.deepEqual(run("(?'a'x)(?P<b>y)", 'xy')?.groups, { a: 'x', b: 'y' });
    assert.deepEqual(run('(?<process.name>[a-z]+)\\[(?<process.pid>\\d+)\\]', 'sshd[42]')?.groups, { 'process.name': 'sshd', 'process.pid': '42' });
  });
  test('captures follow priority: greedy vs lazy', () => {
    assert.deepEqual(run('(?<a>.*)(?<b>\\d+)', 'ab123')?.groups, { a: 'ab12', b: '3' });
    assert.deepEqual(run('(?<a>.*?)(?<b>\\d+)', 'ab123')?.groups, { a: 'ab', b: '123' });
    assert.deepEqual(run('(?<a>a|ab)(?<b>c|bcd)(?<c>d*)', 'abcd')?.groups, { a: 'a', b: 'bcd', c: '' });
  });
  test('a group inside a repetition reports its last iteration', () => {
    assert.deepEqual(run('(?:(?<x>[a-z])\\d)+', 'a1b2c3')?.groups, { x: 'c' });
    // Oniguruma and Java keep the last value; JS would reset it to undefined here
    assert.deepEqual(run('(?:(?<x>a)|b)+', 'ab')?.groups, { x: 'a' });
  });
  test('duplicate names: the first group that took part', () => {
    assert.deepEqual(run('(?<n>a)|(?<n>b)', 'b')?.groups, { n: 'b' });
    assert.deepEqual(run('(?<n>a)(?<n>b)', 'ab')?.groups, { n: 'a' });
  });
  test('spans and group indices', () => {
    const re = compileSearch('(?<a>x)(y)(?<b>z)', { captureUnnamed: true });
    assert.deepEqual(re.groups, [undefined, 'a', undefined, 'b']);
    assert.deepEqual(re.groupNames, ['a', 'b']);
    const m = re.exec('_xyz');
    assert.deepEqual([...m!.spans], [1, 4, 1, 2, 2, 3, 3, 4]);
  });
  test('plain groups are not captured unless asked', () => {
    const re = compileSearch('(x)(?<a>y)');
    assert.deepEqual(re.groups, [undefined, 'a']);
  });
  test('exec from an offset', () => {
    const re = compileSearch('\\d+');
    assert.equal(re.exec('12 34', 2)?.index, 3);
    assert.equal(re.exec('12 34', 9), null);
  });
  test('astral characters: spans are UTF-16 offsets', () => {
    const m = run('(?<e>😀+)b', 'a😀😀b');
    assert.equal(m?.index, 1);
    assert.equal(m?.end, 6);
    assert.equal(m?.groups.e, '😀😀');
  });
});

describe('search syntax: errors with positions', () => {
  test('unsupported constructs', () => {
    errorAt('(a)\\1', 3, /backreferences/, 'unsupported');
    errorAt('(?<x>a)\\k<x>', 7, /backreferences/, 'unsupported');
    errorAt('a(?>bc)', 1, /atomic/, 'unsupported');
    errorAt('ab*+', 2, /possessive/, 'unsupported');
    errorAt('x(?=a+)', 1, /lookaround/, 'unsupported');
    errorAt('x(?<=a|bc)', 1, /lookaround/, 'unsupported');
    errorAt('x(?!(?<n>a))', 1, /lookaround/, 'unsupported');
    errorAt('(?(1)a|b)', 0, /conditional/, 'unsupported');
    errorAt('\\G', 0, /\\G/, 'unsupported');
    errorAt('(?U)a', 2, /inline flag/, 'unsupported');
  });
  test('syntax errors', () => {
    errorAt('a(b', 1, /missing \)/);
    errorAt('a)b', 1, /unmatched \)/);
    errorAt('[abc', 0, /unclosed character class/);
    errorAt('*a', 0, /target of repeat/);
    errorAt('a|?', 2, /target of repeat/);
    errorAt('^*', 1, /target of repeat operator is invalid/);
    errorAt('a{3,2}', 1, /max is smaller/);
    errorAt('[z-a]', 1, /end is before start/);
    errorAt('ab\\', 2, /trailing backslash/);
    errorAt('\\q', 0, /unsupported escape/);
    errorAt('(?<1a>x)', 0, /group name/);
    errorAt('\\p{Nope}', 0, /unknown character property/);
    errorAt('(?', 0, /unknown group construct/);
  });
  test('size limits', () => {
    errorAt('x{1000}{1000}', 0, /regex too large/, 'too-large');
    errorAt('a(?:b{500}){500}', 1, /regex too large/, 'too-large');
    errorAt('a{100001}', 1, /repetition count too large/, 'too-large');
  });
});
