import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import { needsShared, sharedPath, tomlFiles } from '../helpers/shared.js';
import { satisfies, type Discriminator } from '../../src/lang/discriminator.js';
import { compileEql, type EqlOptions } from '../../src/lang/eql/index.js';
import { ES, endgameData, loadData, loadToml, type Ev } from './es-harness.js';

const discs = (q: string, o?: EqlOptions) => compileEql(q, o).discriminators;
const pat = (field: string, exact: string[] = [], prefixes: string[] = [], suffixes: string[] = [], infixes: string[] = []) => ({ field, exact, prefixes, suffixes, infixes });
const CAT = pat('event.category', ['process']);

/** Every document the query's filter accepts satisfies every discriminator; returns violations. */
function violations(query: string, docs: Record<string, unknown>[], options?: EqlOptions): string[] {
  const q = compileEql(query, options);
  const out: string[] = [];
  for (const doc of docs) {
    if (!q.filter(doc)) continue;
    for (const d of q.discriminators) {
      if (!satisfies(doc, d)) out.push(`${query}\n    doc ${JSON.stringify(doc)}\n    fails ${JSON.stringify(d)}`);
    }
  }
  return out;
}

test('discriminators: category, ==, in, in~, and', () => {
  assert.deepEqual(discs('process where true'), [[CAT]]);
  assert.deepEqual(discs('any where true'), []);
  assert.deepEqual(discs('process where process.name == "Cmd.exe" and user.name in~ ("Root", "ADMIN")'), [
    [CAT], [pat('process.name', ['cmd.exe'])], [pat('user.name', ['root', 'admin'])],
  ]);
  assert.deepEqual(discs('process where "x" == process.name'), [[CAT], [pat('process.name', ['x'])]]);
  assert.deepEqual(discs('file where true', { eventCategoryField: 'event_type' }), [[pat('event_type', ['file'])]]);
});

test('discriminators: : / like / like~ wildcards, startsWith / endsWith', () => {
  assert.deepEqual(discs('any where process.name : ("a.EXE", "b*", "*c", "?d")'), [[pat('process.name', ['a.exe'], ['b'], ['c', 'd'])]]);
  assert.deepEqual(discs('any where file.path like~ "/TMP/*"'), [[pat('file.path', [], ['/tmp/'])]]);
  // neither prefix nor suffix: the longest run between wildcards must be in the value
  assert.deepEqual(discs('any where file.path like "*/x/*" or file.path : "*\\\\Temp\\\\*.ps1*"'), [[pat('file.path', [], [], [], ['/x/', '\\temp\\'])]]);
  // EQL has no escapes: a backslash is literal
  assert.deepEqual(discs('any where file.path : "C:\\\\Windows\\\\*"'), [[pat('file.path', [], ['c:\\windows\\'])]]);
  assert.deepEqual(discs('any where startsWith(process.name, "Py") and endsWith~(file.name, ".SH")'), [
    [pat('process.name', [], ['py'])], [pat('file.name', [], [], ['.sh'])],
  ]);
  assert.deepEqual(discs('any where process.name regex "a.*"'), []);
  assert.deepEqual(discs('any where stringContains(process.name, "a") and stringContains~(file.name, "B")'), [
    [pat('process.name', [], [], [], ['a'])], [pat('file.name', [], [], [], ['b'])],
  ]);
});

test('discriminators: or unions each side, not and coercible values give nothing', () => {
  assert.deepEqual(discs('any where process.name == "a" or file.name : "*.sh"'), [[pat('process.name', ['a']), pat('file.name', [], [], ['.sh'])]]);
  assert.deepEqual(discs('any where process.name == "a" or file.size > 3'), []);
  assert.deepEqual(discs('any where not process.name == "a"'), []);
  assert.deepEqual(discs('any where process.name != "a"'), []);
  assert.deepEqual(discs('any where process.name : "a" and not process.name in ("b")'), [[pat('process.name', ['a'])]]);
  assert.deepEqual(discs('any where process.name not in ("a", "b")'), []);
  // a string compared with a number is read as a number or a date
  assert.deepEqual(discs('any where process.pid == "5.0"'), []);
  assert.deepEqual(discs('any where @timestamp == "2024-01-01"'), []);
  assert.deepEqual(discs('any where process.pid in ("4", "04")'), []);
  assert.deepEqual(discs('any where event.code == "4624"'), [[pat('event.code', ['4624'])]]);
  assert.deepEqual(discs('any where process.pid == 4'), []);
  assert.deepEqual(discs('any where x : (1, "a")'), []);
  // JSON text of an object value could match these
  assert.deepEqual(discs('any where x : "{*"'), []);
  assert.deepEqual(discs('any where x : "*}"'), []);
  // or inside and: the union sits beside the other conditions
  assert.deepEqual(discs('process where (a == "1x" or b == "2x") and c == "3x"'), [[CAT], [pat('a', ['1x']), pat('b', ['2x'])], [pat('c', ['3x'])]]);
});

test('discriminators: or offers unions over different fields, one of route fields apart', () => {
  const d = discs('any where (host.os.type == "linux" and process.name in ("a", "b")) or (host.os.type == "macos" and process.name == "c")');
  // the route-field union says nothing for the Linux events it admits: the other one comes first
  assert.deepEqual(d, [
    [pat('process.name', ['a', 'b', 'c'])],
    [pat('host.os.type', ['linux', 'macos'])],
  ]);
  // a broad field (event.module) is the last pick of a side that has a narrower one
  assert.deepEqual(discs('any where (event.module == "endpoint" and data_stream.dataset == "endpoint.alerts") or data_stream.dataset == "x"'), [
    [pat('data_stream.dataset', ['endpoint.alerts', 'x'])],
  ]);
});

test('discriminators: sequences and samples union every stage, until and missing stages included', () => {
  const seq = discs('sequence by host.id [process where process.name == "a"] [network where destination.port == 22]');
  // the network stage has only its category: the unions hold it
  assert.deepEqual(seq, [[pat('event.category', ['process', 'network'])], [pat('process.name', ['a']), pat('event.category', ['network'])]]);
  const seq2 = discs('sequence [process where process.name == "a"] [file where file.name : "*.sh"] until [process where process.name == "z"]');
  assert.deepEqual(seq2, [
    [pat('process.name', ['a', 'z']), pat('file.name', [], [], ['.sh'])],
    [pat('event.category', ['process', 'file'])],
  ]);
  const missing = discs('sequence with maxspan=1h [process where process.name == "a"] ![process where process.name == "b"]');
  assert.deepEqual(missing[0], [pat('process.name', ['a', 'b'])]);
  assert.deepEqual(discs('sequence [any where true] [process where process.name == "a"]'), []);
  assert.deepEqual(discs('sample by host.id [process where process.name == "a"] [process where process.name == "b"]')[0], [pat('process.name', ['a', 'b'])]);
});

test('discriminators: necessary on crafted documents with coercible and odd values', () => {
  const queries = [
    'any where x == "5"', 'any where x == "true"', 'any where x == "TRUE"', 'any where x in ("1", "abc")',
    'any where x in~ ("ABC", "0")', 'any where x : ("a*", "*z", "5", "tru*")', 'any where x like ("A*", "?b")',
    'any where x like~ "Ǆ*"', 'any where startsWith(x, "ab") or endsWith~(x, "YZ")', 'any where x : "{*"',
    'any where startsWith(x, "{")', 'any where endsWith~(x, "")', 'any where x == "İ"', 'any where x in~ ("İ", "σ")', 'any where startsWith~(x, "ΑΣ")', 'any where startsWith(x, "ΑΣ")',
    'any where x == "5.0"', 'any where x in ("05", "abc")', 'any where x == "2024-01-01"', 'any where x : "-0"',
    'process where x == "a" or y : "b*"', 'sequence [process where x == "a"] [file where y : "*b"]',
  ];
  const values: unknown[] = [
    '5', 5, 5.0, '5.0', true, false, 'true', 'True', 'TRUE', 1, '1', 'abc', 'ABC', 'aXz', 'Az', 'ab', 'xb', 'abYZ', 'xyz', 0, '0',
    -0, '-0', 'a', 1704067200000, { a: 1 }, ['q', 'abc'], ['5', 7], 'ǆx', 'Ǆx', 'ǅx', 'i̇', 'İ', 'σ', 'Σ', 'ς', 'ΑΣΑ', 'ασα', 'αςz', '{"a":1}', [{ k: 'v' }],
  ];
  const docs: Record<string, unknown>[] = [];
  for (const v of values) {
    docs.push({ x: v }, { x: v, event: { category: 'process' } }, { y: v, event: { category: ['file'] } }, { 'x': v, 'y': 'b1', 'event.category': 'file' });
  }
  assert.deepEqual(queries.flatMap((q) => violations(q, docs)), []);
  const idle = queries.filter((q) => { const c = compileEql(q); return !docs.some((d) => c.filter(d)); });
  assert.deepEqual(idle, [], 'every crafted query accepts some document');
});

const MAIN: EqlOptions = { eventCategoryField: 'event_type', timestampField: '@timestamp', tiebreakerField: 'serial_event_id' };

test('discriminators are necessary on every conformance query and document', { skip: needsShared('conformance') }, () => {
  const suites: { specs: string[]; events: Ev[]; options: EqlOptions }[] = [];
  const EG = (f: string) => sharedPath('conformance', 'eql', f);
  suites.push({ specs: loadToml(EG('test_queries.toml')).map((s) => s.query), events: endgameData(EG('test_data.json')), options: MAIN });
  const es = ['test_queries.toml', 'additional_test_queries.toml', 'test_queries_date.toml', 'test_queries_unsupported.toml', 'test_queries_supported.toml'];
  suites.push({ specs: es.flatMap((f) => loadToml(ES(f)).map((s) => s.query)), events: endgameData(ES('test_data.json')), options: MAIN });
  const seqOpts: EqlOptions = { eventCategoryField: 'event_type', tiebreakerField: 'sequence' };
  suites.push({ specs: loadToml(ES('test_extra.toml')).map((s) => s.query), events: loadData(ES('data', 'extra.data')), options: seqOpts });
  suites.push({ specs: loadToml(ES('test_missing_events.toml')).map((s) => s.query), events: loadData(ES('data', 'missing-events.data')), options: seqOpts });
  suites.push({
    specs: loadToml(ES('test_sample.toml')).map((s) => s.query),
    events: ['sample1', 'sample2', 'sample3'].flatMap((f) => loadData(ES('data', `${f}.data`))),
    options: { eventCategoryField: 'event_type' },
  });
  suites.push({ specs: loadToml(ES('test_sample_multi.toml')).map((s) => s.query), events: loadData(ES('data', 'sample-multi.data')), options: { eventCategoryField: 'event_type' } });
  let queries = 0, withDisc = 0, pairs = 0;
  const bad: string[] = [];
  for (const s of suites) {
    const docs = s.events.map((e) => e.doc);
    for (const text of s.specs) {
      let q;
      try { q = compileEql(text.trim(), s.options); } catch { continue; }
      queries++;
      if (q.discriminators.length) withDisc++;
      pairs += docs.length;
      bad.push(...violations(text.trim(), docs, s.options));
    }
  }
  console.log(`[eql discriminators] ${queries} conformance queries compiled, ${withDisc} with discriminators, ${pairs} (query, doc) pairs checked, ${bad.length} violations`);
  assert.deepEqual(bad.slice(0, 10), []);
});


const ROUTE_FIELDS = new Set(['event.category', 'host.os.type', 'event.type', 'event.action']);

test('elastic rules: how many EQL rules carry a discriminator besides the event category', { skip: needsShared('elastic-rules') }, () => {
  const root = sharedPath('elastic-rules');
  let total = 0, beyondCategory = 0, beyondRoute = 0;
  const byKind: Record<string, [number, number]> = {};
  for (const sub of ['rules', 'rules_building_block']) {
    for (const file of tomlFiles(path.join(root, sub))) {
      let doc: { rule?: { type?: string; query?: string; event_category_override?: string } };
      try { doc = parse(readFileSync(file, 'utf8')) as typeof doc; } catch { continue; }
      const rule = doc.rule;
      if (!rule || rule.type !== 'eql' || typeof rule.query !== 'string') continue;
      let q;
      try { q = compileEql(rule.query, { eventCategoryField: rule.event_category_override }); } catch { continue; }
      total++;
      const cat = rule.event_category_override ?? 'event.category';
      const other = (skip: (f: string) => boolean) => q.discriminators.some((d: Discriminator) => d.every((p) => !skip(p.field)));
      const hasOther = other((f) => f === cat);
      if (hasOther) beyondCategory++;
      if (other((f) => f === cat || ROUTE_FIELDS.has(f))) beyondRoute++;
      const k = (byKind[q.kind] ??= [0, 0]);
      k[0]++;
      if (hasOther) k[1]++;
    }
  }
  const kinds = Object.entries(byKind).map(([k, [n, d]]) => `${k} ${d}/${n}`).join(', ');
  console.log(`[eql discriminators] elastic rules: ${beyondCategory}/${total} have a discriminator besides the event category (${kinds}); ${beyondRoute}/${total} one off the router's route fields`);
  assert.ok(total > 0);
});
