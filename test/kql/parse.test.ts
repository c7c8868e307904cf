import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKql, type KqlNode } from '../../src/lang/kql/index.js';
import { QueryError } from '../../src/lang/query-error.js';

function syntaxError(query: string): QueryError {
  try {
    parseKql(query);
  } catch (e) {
    assert.ok(e instanceof QueryError, `expected QueryError, got ${String(e)}`);
    return e;
  }
  assert.fail(`expected ${JSON.stringify(query)} to be rejected`);
}

/** Compact rendering: is(f,v), and(...), or(...), not(...), range(f op v), nested(p, ...). */
function show(n: KqlNode): string {
  const v = (x: { kind: string; value?: unknown; segments?: string[]; quoted?: boolean } | null) =>
    x === null ? '_' : x.kind === 'wildcard' ? `w'${x.segments!.join('*')}'` : x.quoted ? `"${String(x.value)}"` : String(x.value);
  switch (n.type) {
    case 'match_all':
      return 'all';
    case 'is':
      return `${v(n.field)}=${v(n.value)}`;
    case 'range':
      return `${v(n.field)} ${n.operator} ${v(n.value)}`;
    case 'nested':
      return `${v(n.path)}{${show(n.child)}}`;
    case 'not':
      return `not(${show(n.child)})`;
    default:
      return `${n.type}(${n.children.map(show).join(', ')})`;
  }
}
const p = (q: string) => show(parseKql(q));

test('precedence: not > and > or; parentheses group', () => {
  assert.equal(p('a:1 or b:2 and not c:3'), 'or(a=1, and(b=2, not(c=3)))');
  assert.equal(p('(a:1 or b:2) and c:3'), 'and(or(a=1, b=2), c=3)');
  assert.equal(p('not (a:1 or b:2)'), 'not(or(a=1, b=2))');
});

test('keywords are case-insensitive and need surrounding whitespace', () => {
  assert.equal(p('a:1 AND b:2 Or c:3'), 'or(and(a=1, b=2), c=3)');
  assert.equal(p('NOT a:1'), 'not(a=1)');
  assert.equal(p('a:1\nand\tb:2'), 'and(a=1, b=2)');
  assert.equal(p('Oregon:x'), 'Oregon=x');
  syntaxError('"a" or"b"');
  syntaxError('"a"and "b"');
});

test('unquoted values keep inner spaces, are trimmed, and only keywords split them', () => {
  assert.equal(p('f:  a b  '), 'f=a b');
  assert.equal(p('f: a b or c d'), 'or(f=a b, _=c d)'); // without parentheses the field binds one value
  assert.equal(p('hello world'), '_=hello world');
  assert.equal(p('f: *or something*'), "f=w'*or something*'");
});

test('value lists distribute the field; value-level not may repeat', () => {
  assert.equal(p('f:(a or b and not c)'), 'or(f=a, and(f=b, not(f=c)))');
  assert.equal(p('f: not not a'), 'not(not(f=a))');
  assert.equal(p('f:((a or b) and c)'), 'and(or(f=a, f=b), f=c)');
});

test('quoted strings, escapes, literals', () => {
  assert.equal(p('f:"a \\"b\\" c"'), 'f="a "b" c"');
  assert.equal(p('f:"C:\\Windows"'), 'f="C:\\Windows"');
  assert.equal(p('f:C\\:\\\\x\\(1\\)'), 'f=C:\\x(1)');
  assert.equal(p('f:\\and'), 'f=and');
  assert.equal(p('f:\\*x'), 'f=*x');
  assert.equal(p('f:"python*"'), 'f="python*"');
  assert.equal(p('f:python*'), "f=w'python*'");
  assert.equal(p('f:\\u0041'), 'f=A');
  const n = parseKql('f:true');
  assert.ok(n.type === 'is' && n.value.kind === 'literal' && n.value.value === true);
  const m = parseKql('f:070');
  assert.ok(m.type === 'is' && m.value.kind === 'literal' && m.value.value === '070');
});

test('ranges, nested, exists, match all', () => {
  assert.equal(p('n >= 5 and n<10'), 'and(n gte 5, n lt 10)');
  assert.equal(p('t > now-1d'), 't gt now-1d');
  assert.equal(p('a:{ b:1 and c:{ d:2 } }'), 'a{and(b=1, c{d=2})}');
  assert.equal(p('f:*'), "f=w'*'");
  assert.equal(p('*:*'), "w'*'=w'*'");
  assert.equal(p(''), 'all');
  assert.equal(p(' \n '), 'all');
  assert.equal(p('process.*:x'), "w'process.*'=x");
});

test('every node carries min/max offsets into the query', () => {
  const q = 'a:1 and not b:{ c:2 }';
  const n = parseKql(q);
  assert.equal(n.type, 'and');
  if (n.type !== 'and') return;
  assert.deepEqual(n.location, { min: 0, max: q.length });
  assert.deepEqual(n.children[0].location, { min: 0, max: 3 });
  assert.deepEqual(n.children[1].location, { min: 8, max: q.length });
  const nested = n.children[1].type === 'not' ? n.children[1].child : undefined;
  assert.equal(nested?.type, 'nested');
  assert.equal(q.slice(nested!.location.min, nested!.location.max), 'b:{ c:2 }');
});

test('syntax errors: Kibana-style messages with line and column', () => {
  const e = syntaxError('a and (b');
  assert.equal(e.message, 'Expected ")" but end of query found');
  assert.equal(e.kind, 'syntax');
  assert.deepEqual([e.line, e.column, e.offset], [1, 9, 8]);

  const colon = syntaxError('foo:ba:r');
  assert.equal(colon.message, 'Expected AND, OR, end of query but ":" found');
  assert.equal(colon.column, 7);

  const multi = syntaxError('a:1 and\n  b:(x or');
  assert.equal(multi.message, 'Expected ")" but end of query found');
  assert.deepEqual([multi.line, multi.column], [2, 10]);

  assert.equal(syntaxError('a:{ b:1').message, 'Expected "}" but end of query found');
  assert.match(syntaxError('f:a\\qb').message, /Invalid escape/);
  syntaxError('f: a<b');
});

test('syntax errors word their expectations like Kibana (end of input → end of query)', () => {
  const cases: [string, string, number][] = [
    ['response:', 'Expected "(", "{", value, whitespace but end of query found', 9],
    ['response:200 or ', 'Expected "(", NOT, field name, value but end of query found', 16],
    ['response:(200 or )', 'Expected "(", NOT, value but ")" found', 17],
    ['response:200 and not ', 'Expected "(", field name, value but end of query found', 21],
    ['response:(200 and not )', 'Expected "(", value but ")" found', 22],
    ['foo:"ba ', 'Expected "(", "{", value, whitespace but \"\"\" found', 4],
    ['foo:"ba "r"', 'Expected AND, OR, end of query but "r" found', 9],
    ['foo:ba:r', 'Expected AND, OR, end of query but ":" found', 6],
    ['foo > ', 'Expected literal, whitespace but end of query found', 6],
    ['< 1000', 'Expected "(", NOT, end of query, field name, value, whitespace but "<" found', 0],
    ['not not a', 'Expected "(", field name, value but "n" found', 4],
  ];
  for (const [q, message, offset] of cases) {
    const e = syntaxError(q);
    assert.equal(e.message, message, q);
    assert.equal(e.offset, offset, q);
  }
});
