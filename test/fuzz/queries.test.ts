/**
 * Query fuzzing: parseKql / compileKql, compileEsql (and compileEql when src/lang/eql exists) over
 * arbitrary strings and mutations of real queries (truncation at every position, replaced and
 * inserted characters) only ever throw QueryError, positioned inside the text (line ≥ 1,
 * column ≥ 1). Corpus: every query in ../shared/elastic-rules when present, else a few built-ins
 * plus the bundled rules. Budget: FUZZ_RUNS (default 200; `npm run fuzz` sets 20000).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fc from 'fast-check';
import { compileKql } from '../../src/lang/kql/index.js';
import { compileEsql } from '../../src/lang/esql/index.js';
import { QueryError } from '../../src/lang/query-error.js';
import { loadRules } from '../../src/rules/index.js';
import { HAS_SHARED, needsShared, sharedPath } from '../helpers/shared.js';
import { ROOT } from '../helpers/trawl.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
/** Every truncation position of every query at FUZZ_RUNS ≥ 20000; a stride over each query below that. */
const TRUNCATIONS_PER_QUERY = RUNS >= 20_000 ? Infinity : Math.max(4, Math.round(RUNS / 25));

type Lang = 'kuery' | 'esql' | 'eql';
type Compiler = (q: string) => unknown;

let compileEql: Compiler | undefined;
try {
  const eql = (await import('../../src/lang/eql/index.js' as string)) as { compileEql(q: string): unknown };
  compileEql = (q) => eql.compileEql(q);
} catch {
  compileEql = undefined;
}
const noEql = compileEql ? false : 'skipped: src/lang/eql is absent (EQL fuzzing needs it)';

const COMPILERS: Record<Lang, Compiler | undefined> = {
  kuery: (q) => compileKql(q, { now: 0 }),
  esql: (q) => compileEsql(q, { now: 0 }),
  eql: compileEql,
};

const BUILTIN: Record<Lang, string[]> = {
  kuery: [
    'event.category:process and process.name:(python* or "bash") and not user.name:root',
    'process.args:("/private/var/db/SystemKey" or "/var/db/SystemKey") and @timestamp >= "now-1d"',
    'host.ip:10.0.0.0/8 or destination.port >= 1024 and file.path:C\\:\\\\Windows\\\\*',
    'nested.field:{ a:1 and b:"x" } or not (c:* and d < 5)',
  ],
  esql: [
    'FROM logs-* METADATA _id | WHERE process.name RLIKE "py.*" AND host.name LIKE "web-*" | STATS n = COUNT(*) BY host.name | SORT n DESC | LIMIT 10',
    'FROM logs | EVAL t = DATE_TRUNC(1 hour, @timestamp), s = CONCAT(a, "-", TO_STRING(b)) | KEEP t, s',
    'FROM logs | DISSECT message "%{a} %{b}" | GROK b "%{IP:ip} %{NUMBER:n:int}" | WHERE n > 3 OR ip IS NULL',
  ],
  eql: [
    'sequence by host.id with maxspan=1m [process where process.name == "curl"] [file where true] until [process where false]',
    'process where process.name : ("python*", "bash") and not process.args : "-c" and length(process.command_line) > 10',
    'any where s regex~ "a.*b" | head 5',
  ],
};

/** Queries by language: the rule corpus when present, plus the built-ins and the bundled rules. */
async function corpus(): Promise<Record<Lang, string[]>> {
  const out: Record<Lang, string[]> = { kuery: [...BUILTIN.kuery], esql: [...BUILTIN.esql], eql: [...BUILTIN.eql] };
  const paths = [path.join(ROOT, 'rules')];
  if (HAS_SHARED && !needsShared('elastic-rules')) paths.push(sharedPath('elastic-rules'));
  const { rules } = await loadRules(paths, { includeDeprecated: true });
  for (const r of rules) {
    if (!r.query) continue;
    const lang = (r.language === 'kuery' || r.language === 'esql' || r.language === 'eql' ? r.language : undefined) as Lang | undefined;
    if (lang && !out[lang].includes(r.query)) out[lang].push(r.query);
  }
  return out;
}

const CORPUS = await corpus();

/** The only acceptable failure: a QueryError positioned inside the text. */
function onlyQueryErrors(lang: Lang, compile: Compiler, text: string): void {
  try {
    compile(text);
  } catch (e) {
    if (!(e instanceof QueryError)) {
      assert.fail(`${lang}: ${(e as Error)?.name}: ${(e as Error)?.message} for ${JSON.stringify(text.length > 300 ? `${text.slice(0, 300)}…` : text)}`);
    }
    const lines = text.split('\n');
    assert.ok(e.offset >= 0 && e.offset <= text.length, `${lang}: offset ${e.offset} outside ${text.length} chars`);
    assert.ok(e.line >= 1 && e.line <= lines.length, `${lang}: line ${e.line} of ${lines.length}`);
    assert.ok(e.column >= 1 && e.column <= lines[e.line - 1].length + 1, `${lang}: column ${e.column} on a ${lines[e.line - 1].length}-char line`);
  }
}

const odd = fc.constantFrom('(', ')', '[', ']', '{', '}', '"', "'", '\\', '*', '?', ':', '|', ',', '=', '==', '<', '>=', '~', '`', ' ', '\n', '\t', '\u0000', '\ufffd', '😀', 'and', 'or', 'not', 'by', 'where', 'sequence', 'with', 'maxspan=', 'FROM', 'WHERE', 'STATS', 'EVAL', '9999999999999999999999', '-0', '1e309', '.', '..', '@', '#', '%{', '}%', '$');

/** A mutation of a seed query: replace, insert or delete a few characters, or truncate. */
const mutation = (seeds: string[]) =>
  fc
    .tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.nat(2), fc.oneof(odd, fc.string({ maxLength: 3 }), fc.string({ unit: 'binary', maxLength: 2 }))), { minLength: 1, maxLength: 4 }))
    .map(([q, edits]) => {
      let s = q;
      for (const [at, op, piece] of edits) {
        const i = s.length ? at % (s.length + 1) : 0;
        if (op === 0) s = s.slice(0, i) + piece + s.slice(i + 1);
        else if (op === 1) s = s.slice(0, i) + piece + s.slice(i);
        else s = s.slice(0, i);
      }
      return s;
    });

for (const lang of ['kuery', 'esql', 'eql'] as const) {
  const skip = lang === 'eql' ? noEql : false;
  const label = lang === 'kuery' ? 'KQL' : lang === 'esql' ? 'ES|QL' : 'EQL';

  test(`${label}: corpus size (${HAS_SHARED ? 'elastic-rules + built-ins' : 'built-ins only: ../shared is absent'})`, { skip }, () => {
    assert.ok(CORPUS[lang].length >= BUILTIN[lang].length);
  });

  test(`${label}: arbitrary strings throw only positioned QueryErrors`, { skip }, () => {
    const compile = COMPILERS[lang]!;
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 }), fc.array(odd, { maxLength: 30 }).map((a) => a.join(''))), (s) =>
        onlyQueryErrors(lang, compile, s),
      ),
      { numRuns: RUNS },
    );
  });

  test(`${label}: random edits of every corpus query throw only positioned QueryErrors`, { skip }, () => {
    const compile = COMPILERS[lang]!;
    fc.assert(fc.property(mutation(CORPUS[lang]), (s) => onlyQueryErrors(lang, compile, s)), { numRuns: RUNS * 5 });
  });

  test(`${label}: every corpus query truncated at ${Number.isFinite(TRUNCATIONS_PER_QUERY) ? `${TRUNCATIONS_PER_QUERY} positions` : 'every position'} throws only positioned QueryErrors`, { skip }, () => {
    const compile = COMPILERS[lang]!;
    const sources = lang === 'kuery' ? CORPUS.kuery : CORPUS[lang];
    for (const q of sources) {
      const step = Number.isFinite(TRUNCATIONS_PER_QUERY) ? Math.max(1, Math.ceil(q.length / TRUNCATIONS_PER_QUERY)) : 1;
      // Offset the stride per query so the positions differ from query to query.
      for (let i = q.length % step; i <= q.length; i += step) onlyQueryErrors(lang, compile, q.slice(0, i));
      onlyQueryErrors(lang, compile, q);
    }
  });
}

test('corpus from ../shared/elastic-rules', { skip: needsShared('elastic-rules') }, () => {
  assert.ok(CORPUS.kuery.length > 100 && CORPUS.eql.length > 100 && CORPUS.esql.length > 50, JSON.stringify({ kuery: CORPUS.kuery.length, eql: CORPUS.eql.length, esql: CORPUS.esql.length }));
});
