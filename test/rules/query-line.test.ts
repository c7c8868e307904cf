import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRuleToml, scanTomlPositions } from '../../src/rules/index.js';

const head = `[metadata]
maturity = "production"

[rule]
name = "Q"
rule_id = "q-1"
risk_score = 21
severity = "low"
type = "query"
`;

/** Parses head + body; returns queryLine/queryColumn and checks the text there begins the query. */
function position(body: string, crlf = false): { line: number; column: number; query: string } {
  let text = head + body;
  if (crlf) text = text.replace(/\n/g, '\r\n');
  const { rule, error } = parseRuleToml(text, 'q.toml');
  assert.equal(error, undefined, error?.message);
  const lines = text.split(/\r?\n/);
  const at = lines[rule!.queryLine! - 1]!.slice(rule!.queryColumn! - 1);
  assert.ok(at.startsWith(rule!.query!.split(/\r?\n/)[0]!), `text at position: ${at}`);
  return { line: rule!.queryLine!, column: rule!.queryColumn!, query: rule!.query! };
}

const HEAD_LINES = head.split('\n').length - 1; // 9

describe('queryLine', () => {
  it('single-line basic string: same line, column after the quote', () => {
    const p = position('query = "process.name : sh"\n');
    assert.deepEqual([p.line, p.column], [HEAD_LINES + 1, 10]);
  });

  it('single-line literal string with extra spaces', () => {
    const p = position("query  =   'a : b'\n");
    assert.deepEqual([p.line, p.column], [HEAD_LINES + 1, 13]);
  });

  it("multi-line ''' opened by a newline: content starts on the next line", () => {
    const p = position("\nquery = '''\nevent.category : process and\n  process.name : sh\n'''\n");
    assert.deepEqual([p.line, p.column], [HEAD_LINES + 3, 1]);
    assert.equal(p.query, 'event.category : process and\n  process.name : sh\n');
    // A query error at query line 2, column 3 is at TOML line queryLine + 1.
    assert.equal(p.line + 2 - 1, HEAD_LINES + 4);
  });

  it('multi-line """ opened by a newline, CRLF line ends', () => {
    const p = position('query = """\nfile where true\n"""\n', true);
    assert.deepEqual([p.line, p.column], [HEAD_LINES + 2, 1]);
  });

  it("multi-line ''' with content on the opener's line", () => {
    const p = position("query = '''process where true\nand x == 1'''\n");
    assert.deepEqual([p.line, p.column], [HEAD_LINES + 1, 12]);
  });

  it('is not fooled by query-like text in earlier strings, arrays, comments and other tables', () => {
    const body = `note = """
query = 'not this one'
[rule]
"""
false_positives = [
  """
  query = "nor this"
  """,
  'query = x',
]
# query = "a comment"
threat_query = "threat"

[transform]
[[transform.osquery]]
query = "SELECT 1"

[rule.extra]
query = "nested"
`;
    // The real query sits in [rule], before look-alikes in strings, arrays, comments and other tables.
    const text = head + "query = '''\nreal query\n'''\n" + body;
    const { rule, error } = parseRuleToml(text, 'q.toml');
    assert.equal(error, undefined);
    assert.equal(rule!.query, 'real query\n');
    assert.equal(rule!.queryLine, HEAD_LINES + 2);

    const pos = scanTomlPositions(text);
    assert.equal(pos.keys.get('transform.osquery.query')!.line, text.split('\n').indexOf('query = "SELECT 1"') + 1);
    assert.equal(pos.keys.get('rule.extra.query')!.valueColumn, 10);
    assert.equal(pos.keys.get('rule.threat_query')!.line, text.split('\n').indexOf('threat_query = "threat"') + 1);
    assert.equal(pos.tables.get('rule.extra'), text.split('\n').indexOf('[rule.extra]') + 1);
  });

  it('counts lines inside multi-line values before the query', () => {
    const body = `description = """
one
two
three
"""
tags = [
  "a",
  "b",
]
query = '''
x : 1
'''
`;
    const p = position(body);
    assert.equal(p.line, HEAD_LINES + 11);
  });

  it('quoted and dotted keys resolve to their table path', () => {
    const pos = scanTomlPositions('[rule.filters."$state"]\nstore = "appState"\n[a]\nb.c = 1\n"d.e" = 2\n');
    assert.equal(pos.keys.get('rule.filters.$state.store')!.line, 2);
    assert.equal(pos.keys.get('a.b.c')!.line, 4);
    assert.equal(pos.keys.get('a.d.e')!.line, 5);
  });
});
