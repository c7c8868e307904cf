/**
 * Hostile rules: malformed TOML, unknown rule types and query syntax errors beside good rules;
 * regexes that could backtrack catastrophically; huge `in` lists and deep nesting.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseKql, compileKql } from '../../src/lang/kql/index.js';
import { compileEsql } from '../../src/lang/esql/index.js';
import { QueryError } from '../../src/lang/query-error.js';
import { ROOT, runTrawl } from '../helpers/trawl.js';
import { runQueryInChild, tempDir, write } from './helpers.js';

const RULES = path.join(ROOT, 'rules');
const SAMPLES = path.join(ROOT, 'samples');
const SYSTEMKEY = readFileSync(path.join(RULES, 'credential_access_systemkey_access_via_command_line.toml'), 'utf8');
const withId = (toml: string, id: string) => toml.replace(/^rule_id = ".*"$/m, `rule_id = "${id}"`);

/** A rules dir: copies of the bundled rules plus three broken ones. Returns the broken files' paths. */
function rulePack() {
  const dir = tempDir();
  for (const f of readdirSync(RULES)) if (f.endsWith('.toml')) copyFileSync(path.join(RULES, f), path.join(dir, f));
  const badToml = write(dir, 'bad_toml.toml', withId(SYSTEMKEY, '00000000-0000-0000-0000-000000000001').replace(/^name = "(.*)"$/m, 'name = "unterminated'));
  const unknownType = write(dir, 'bad_type.toml', withId(SYSTEMKEY, '00000000-0000-0000-0000-000000000002').replace(/^type = "query"$/m, 'type = "quantum"'));
  const badQuery = write(
    dir,
    'bad_query.toml',
    withId(SYSTEMKEY, '00000000-0000-0000-0000-000000000003').replace(/^query = '''[\s\S]*?'''$/m, "query = '''\nevent.category:process and (process.name:xxd or\n'''"),
  );
  return { dir, badToml, unknownType, badQuery };
}

test('malformed TOML, an unknown rule type and a query syntax error: rules check reports each with file and line/column, exit 2', async () => {
  const { dir, badToml, unknownType, badQuery } = rulePack();
  assert.match(readFileSync(unknownType, 'utf8'), /type = "quantum"/);
  const r = await runTrawl(['rules', 'check', dir, '-f', 'json']);
  assert.equal(r.code, 2, r.stderr);
  const report = JSON.parse(r.stdout) as { total: number; compiled: number; errors: { file: string; message: string; line?: number; column?: number }[] };
  assert.equal(report.compiled, 4, 'the four good rules compile');
  const byFile = new Map(report.errors.map((e) => [path.basename(e.file), e]));
  assert.deepEqual([...byFile.keys()].sort(), ['bad_query.toml', 'bad_toml.toml', 'bad_type.toml']);
  assert.match(byFile.get('bad_type.toml')!.message, /quantum/);
  for (const [file, e] of byFile) {
    if (file === 'bad_type.toml') continue; // positions of the unknown type: next test (todo)
    assert.ok(Number.isInteger(e.line) && e.line! >= 1, `${file}: line ${e.line} (${e.message})`);
    assert.ok(Number.isInteger(e.column) && e.column! >= 1, `${file}: column ${e.column} (${e.message})`);
  }
  const lineOf = (file: string, re: RegExp) => readFileSync(file, 'utf8').split('\n').findIndex((l) => re.test(l)) + 1;
  assert.equal(byFile.get('bad_toml.toml')!.line, lineOf(badToml, /^name = "unterminated/));
  // The query error points into the query: at or after its `query = '''` line.
  assert.ok(byFile.get('bad_query.toml')!.line! >= lineOf(badQuery, /^query = '''/), JSON.stringify(byFile.get('bad_query.toml')));
});

test(
  'an unknown rule type is reported at the line/column of its type key',
  async () => {
    const { dir, unknownType } = rulePack();
    const r = await runTrawl(['rules', 'check', unknownType, '-f', 'json']);
    void dir;
    const e = (JSON.parse(r.stdout) as { errors: { line?: number; column?: number }[] }).errors[0];
    const line = readFileSync(unknownType, 'utf8').split('\n').findIndex((l) => /^type = "quantum"/.test(l)) + 1;
    assert.deepEqual([e.line, e.column], [line, 1]);
  },
);

test('hunt with broken rules beside copies of the good ones: the good rules still find every sample hit, exit 2', async () => {
  const { dir } = rulePack();
  const [broken, clean] = await Promise.all([
    runTrawl(['hunt', SAMPLES, '-r', dir, '-f', 'json', '--no-progress']),
    runTrawl(['hunt', SAMPLES, '-f', 'json', '--no-progress']),
  ]);
  assert.equal(broken.code, 2, broken.stderr);
  assert.equal(clean.code, 0, clean.stderr);
  type Out = { hits: { rule: { id: string }; source: unknown }[]; summary: { rules: { loaded: number; compiled: number; failed: { file?: string }[] } } };
  const b = JSON.parse(broken.stdout) as Out;
  const c = JSON.parse(clean.stdout) as Out;
  assert.ok(c.hits.length > 0);
  assert.deepEqual(b.hits.map((h) => [h.rule.id, h.source]), c.hits.map((h) => [h.rule.id, h.source]), 'same hits as the bundled rules alone');
  assert.equal(b.summary.rules.compiled, 4);
  assert.equal(b.summary.rules.failed.length, 3, JSON.stringify(b.summary.rules.failed));
});

// ---------------------------------------------------------------------------------------------
// catastrophic backtracking: a hang check in a child process (not a performance assertion)

const HOSTILE = `${'a'.repeat(48)}!`;
const HANG_MS = 5000;

async function boundedOrError(language: 'esql' | 'eql' | 'kuery', query: string) {
  const r = await runQueryInChild({ language, query, docs: [{ s: HOSTILE, process: { name: HOSTILE } }] }, HANG_MS);
  assert.equal(r.timedOut, false, `${language} ${query}: still running after ${HANG_MS} ms over ${HOSTILE.length} chars (catastrophic backtracking)`);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { ok?: true; error?: { name: string; line: number; column: number } };
  if (out.error) {
    assert.equal(out.error.name, 'QueryError', JSON.stringify(out.error));
    assert.ok(out.error.line >= 1 && out.error.column >= 1);
  }
}

let eqlPresent = true;
try {
  await import('../../src/lang/eql/index.js' as string);
} catch {
  eqlPresent = false;
}
const noEql = eqlPresent ? false : 'skipped: src/lang/eql is absent';

describe('regexes that could backtrack catastrophically compile to an error or run in bounded time', { concurrency: 4 }, () => {
  test('ES|QL RLIKE (a+)+b', () =>
    boundedOrError('esql', 'FROM logs | WHERE s RLIKE "(a+)+b"'));
  test('ES|QL GROK (?<x>(a|aa)+)+b', () =>
    boundedOrError('esql', 'FROM logs | GROK s "(?<x>(a|aa)+)+b"'));
  test('ES|QL LIKE with many wildcards', () =>
    boundedOrError('esql', 'FROM logs | WHERE s LIKE "*a*a*a*a*a*a*a*a*a*a*a*a*b"'));
  test('KQL wildcard with many *', () => boundedOrError('kuery', 's:*a*a*a*a*a*a*a*a*a*a*a*a*b'));
  test('EQL regex (a+)+b', { skip: noEql }, () => boundedOrError('eql', 'any where s regex "(a+)+b"'));
  test('EQL like~ with many wildcards', { skip: noEql }, () =>
    boundedOrError('eql', 'any where s like~ "*a*a*a*a*a*a*a*a*a*a*a*a*b"'));
});

// ---------------------------------------------------------------------------------------------
// huge lists and deep nesting: a positioned QueryError or the right answer, never a RangeError

function errorOrResult<T>(what: string, src: string, f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    assert.ok(e instanceof QueryError, `${what}: ${(e as Error).name}: ${(e as Error).message}`);
    assert.ok(e.line >= 1 && e.column >= 1 && e.offset <= src.length, `${what}: position ${e.line}:${e.column}`);
    return undefined;
  }
}

const values = Array.from({ length: 50_000 }, (_, i) => `v${i}`);

test('KQL: a 50k-value list matches its last value; 10k nested parentheses and 10k nots are handled', () => {
  const list = `s:(${values.join(' or ')})`;
  const pred = errorOrResult('KQL 50k list', list, () => compileKql(list, { now: 0 }));
  if (pred) {
    assert.equal(pred({ s: 'v49999' }), true);
    assert.equal(pred({ s: 'v50000' }), false);
  }
  const deep = `${'('.repeat(10_000)}s:v1${')'.repeat(10_000)}`;
  const d = errorOrResult('KQL 10k parens', deep, () => compileKql(deep, { now: 0 }));
  if (d) assert.equal(d({ s: 'v1' }), true);
  const nots = `${'not '.repeat(10_000)}s:v1`;
  const n = errorOrResult('KQL 10k nots', nots, () => compileKql(nots, { now: 0 }));
  if (n) assert.equal(n({ s: 'v1' }), true);
  const ands = values.map((v) => `s:${v}`).join(' and ');
  const a = errorOrResult('KQL 50k ands', ands, () => compileKql(ands, { now: 0 }));
  if (a) assert.equal(a({ s: 'v1' }), false);
  errorOrResult('KQL 10k unclosed', '('.repeat(10_000), () => parseKql('('.repeat(10_000)));
});

function esqlRows(q: string, docs: Record<string, unknown>[]) {
  const ex = compileEsql(q, { now: 0 }).createExecutor();
  for (const d of docs) ex.push(d, {});
  return ex.finish().rows.map((r) => r.values);
}

test('ES|QL: a 50k-value IN list selects the right rows', () => {
  const q = `FROM logs | WHERE s IN (${values.map((v) => `"${v}"`).join(', ')}) | KEEP s`;
  const rows = errorOrResult('ES|QL 50k IN', q, () => esqlRows(q, [{ s: 'v49999' }, { s: 'nope' }, { s: 'v0' }]));
  if (rows) assert.deepEqual(rows, [['v49999'], ['v0']]);
});

test('ES|QL: 10k nested parentheses are a QueryError or the right rows, not a RangeError', () => {
  const deep = `FROM logs | WHERE ${'('.repeat(10_000)}s == "v1"${')'.repeat(10_000)} | KEEP s`;
  const r1 = errorOrResult('ES|QL 10k parens', deep, () => esqlRows(deep, [{ s: 'v1' }, { s: 'v2' }]));
  if (r1) assert.deepEqual(r1, [['v1']]);
});

test('ES|QL: 10k unclosed parentheses are a positioned QueryError', () => {
  const unclosed = `FROM logs | WHERE ${'('.repeat(10_000)}`;
  errorOrResult('ES|QL 10k unclosed', unclosed, () => compileEsql(unclosed));
});

test('ES|QL: 10k NOTs are a QueryError or the right rows', () => {
  const nots = `FROM logs | WHERE ${'NOT '.repeat(10_000)}s == "v1" | KEEP s`;
  const r2 = errorOrResult('ES|QL 10k NOTs', nots, () => esqlRows(nots, [{ s: 'v1' }, { s: 'v2' }]));
  if (r2) assert.deepEqual(r2, [['v1']]);
});

test('ES|QL: a 10k-term arithmetic chain is a QueryError or the right value', () => {
  const sum = `FROM logs | EVAL x = ${Array.from({ length: 10_000 }, () => '1').join(' + ')} | KEEP x`;
  const r3 = errorOrResult('ES|QL 10k sum', sum, () => esqlRows(sum, [{}]));
  if (r3) assert.deepEqual(r3, [[10_000]]);
});

type EqlModule = { compileEql(q: string): { filter(d: Record<string, unknown>): boolean } };
const eqlModule = async () => (await import('../../src/lang/eql/index.js' as string)) as EqlModule;

test('EQL: a 50k-value in list selects the right documents', { skip: noEql }, async () => {
  const eql = await eqlModule();
  const list = `any where s in (${values.map((v) => `"${v}"`).join(', ')})`;
  const l = errorOrResult('EQL 50k in', list, () => eql.compileEql(list));
  if (l) assert.deepEqual([l.filter({ s: 'v49999' }), l.filter({ s: 'nope' })], [true, false]);
});

test('EQL: 10k nested parentheses are a QueryError or the right answer', { skip: noEql }, async () => {
  const eql = await eqlModule();
  const deep = `any where ${'('.repeat(10_000)}s == "v1"${')'.repeat(10_000)}`;
  const d = errorOrResult('EQL 10k parens', deep, () => eql.compileEql(deep));
  if (d) assert.deepEqual([d.filter({ s: 'v1' }), d.filter({ s: 'v2' })], [true, false]);
});

test('EQL: 10k nots are a QueryError or the right answer', { skip: noEql }, async () => {
  const eql = await eqlModule();
  const nots = `any where ${'not '.repeat(10_000)}s == "v1"`;
  const n = errorOrResult('EQL 10k nots', nots, () => eql.compileEql(nots));
  if (n) assert.deepEqual([n.filter({ s: 'v1' }), n.filter({ s: 'v2' })], [true, false]);
});
