/**
 * kqlDiscriminators: the necessary conditions a KQL query reports for the rule index. The
 * contract (src/lang/discriminator.ts) is one-sided: every document the compiled query matches
 * must satisfy every discriminator. Checked on crafted queries, on the conformance suite
 * (every query against every document), and on the rule corpus with documents built from each
 * query's own values in varied shapes, cases and layouts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';
import { needsShared, sharedPath, tomlFiles } from '../helpers/shared.js';
import { compileKql, kqlDiscriminators, parseKql, type KqlNode } from '../../src/lang/kql/index.js';
import { satisfies, type Discriminator } from '../../src/lang/discriminator.js';

const NOW = Date.UTC(2024, 0, 1);

function discs(q: string): Discriminator[] {
  return kqlDiscriminators(parseKql(q));
}

/** Discriminators in a compact, order-insensitive notation: `field=a|b^pre|$suf|~inf`. */
function show(ds: Discriminator[]): string[] {
  return ds.map((d) =>
    d
      .map((p) => `${p.field}=${[...p.exact.map((e) => e), ...p.prefixes.map((x) => `^${x}`), ...p.suffixes.map((x) => `$${x}`), ...p.infixes.map((x) => `~${x}`)].sort().join('|')}`)
      .sort()
      .join(' OR '),
  );
}

function assertNecessary(q: string, node: KqlNode, doc: Record<string, unknown>, ds: Discriminator[]): void {
  if (!compileKql(node, { now: NOW })(doc)) return;
  for (const d of ds) assert.ok(satisfies(doc, d), `${q}\nmatches ${JSON.stringify(doc)}\nbut fails ${JSON.stringify(d)}`);
}

test('crafted queries: and, or, not, values, wildcards, escapes, modes', () => {
  const cases: [string, string[]][] = [
    ['process.name:bash', ['process.name=bash']],
    ['process.name:BaSh', ['process.name=bash']],
    ['process.name:"Cmd.EXE"', ['process.name=cmd.exe']],
    ['event.category:process and process.name:(bash or sh or "zsh")', ['event.category=process', 'process.name=bash|sh|zsh']],
    ['a:x or b:y', ['a=x OR b=y']],
    ['a:x or (b:y and c:zzz)', ['a=x OR b=y']],
    ['(a:x and b:long*) or c:(p or q)', ['a=x OR c=p|q']],
    ['a:x or b > 3', []],
    ['a:x or not b:y', []],
    ['not a:x', []],
    ['not (not a:x)', ['a=x']],
    ['a:x and not b:y', ['a=x']],
    ['process.name:python*', ['process.name=^python']],
    ['file.path:*.PY', ['file.path=$.py']],
    ['file.path:C\\:\\\\Win*', ['file.path=^c:\\win']],
    ['file.name:a\\*b*', ['file.name=^a*b']],
    ['file.name:what?*', ['file.name=^what?']],
    ['file.name:*mid*', ['file.name=~mid']],
    ['file.name:*a\\*b*cd*', ['file.name=~a*b']],
    ['file.name:*', []],
    ['*:*', []],
    ['*', []],
    ['bash', []],
    ['"hello world"', []],
    ['process.*:bash', []],
    ['f:4', []],
    ['f:"4"', []],
    ['f:true', []],
    ['f:"false"', []],
    ['f:null', []],
    ['f:10.0.0.1', []],
    ['f:10.0.0.0/8', []],
    ['f:"::1"', []],
    ['f:2024-01-01', []],
    ['f:"2024-01-01T00:00:00Z"', []],
    ['f > 3', []],
    ['f:1*', ['f=^1']],
    ['message.text:error', []],
    ['message.text:err*', []],
    ['process.name.caseless:CMD.exe', ['process.name.caseless=cmd.exe OR process.name=cmd.exe']],
    ['process.name.caseless:4', ['process.name.caseless=4 OR process.name=4']],
    ['process.name.caseless:pOwer*', ['process.name.caseless=^power OR process.name=^power']],
    ['user.name:"ßtraße"', ['user.name=ßtraße']],
    ['user.name:Ärger*', []],
    ['dns.answers:{ name:evil.com and type:A }', ['dns.answers.name=evil.com', 'dns.answers.type=a']],
    ['a:{ b:{ c:x or d:y } }', ['a.b.c=x OR a.b.d=y']],
    ['a*:{ b:x }', []],
    ['x:y and a:{ b > 1 }', ['x=y']],
  ];
  for (const [q, want] of cases) assert.deepEqual(show(discs(q)), want, q);
});

test('crafted queries: necessity on documents of every shape and case', () => {
  const docs: Record<string, unknown>[] = [
    { process: { name: 'bash' } },
    { 'process.name': 'BASH' },
    { process: [{ name: ['x', 'Python3'] }] },
    { process: { name: { caseless: 'cmd.EXE' } } },
    { 'process.name.caseless': 'CMD.exe', process: { name: 'other' } },
    { process: { name: 'Cmd.exe' } },
    { process: { name: 'PowerShell.exe' } },
    { file: { path: 'C:\\Windows\\a.py', name: 'a*bc' } },
    { file: { path: '/tmp/X.PY', name: 'what?ever' } },
    { f: 15, g: true },
    { f: 4, 'f.caseless': 4 },
    { dns: { answers: [{ name: 'evil.com', type: 'A' }, { name: 'x', type: 'AAAA' }] } },
    { 'dns.answers': [{ name: 'evil.com', type: 'A' }] },
    { a: { b: [{ c: 'x' }, { d: 'y' }] } },
    { a: 'x', b: 'long-value', c: 'q' },
    { user: { name: 'STRASSE' } },
  ];
  const queries = [
    'process.name:bash',
    'process.name:python*',
    'process.name:(bash or python*)',
    'process.name.caseless:cmd.exe',
    'process.name.caseless:power*',
    'file.path:*.py',
    'file.path:C\\:\\\\Win*',
    'file.name:a\\*b*',
    'file.name:what?*',
    'f:1*',
    'f.caseless:4',
    'dns.answers:{ name:evil.com and type:A }',
    'a:{ b:{ c:x or d:y } }',
    '(a:x and b:long*) or c:(p or q)',
    'user.name:"ßtraße"',
  ];
  let matched = 0;
  for (const q of queries) {
    const node = parseKql(q);
    const ds = kqlDiscriminators(node);
    assert.ok(ds.length > 0, `${q} reports something`);
    for (const doc of docs) {
      if (compileKql(node, { now: NOW })(doc)) matched++;
      assertNecessary(q, node, doc, ds);
    }
  }
  assert.ok(matched >= queries.length - 2, `documents matched ${matched} times`);
});

// ------------------------------------------------------------------------------------------
// Conformance suite: every query against every document of the suite.

interface EvalCase {
  query: string;
  doc: Record<string, unknown>;
}

test('conformance suite: every match satisfies every discriminator', { skip: needsShared('conformance/kql/cases.json') }, () => {
  const data = JSON.parse(readFileSync(sharedPath('conformance/kql/cases.json'), 'utf8')) as { cases: EvalCase[] };
  const docs = [...new Map(data.cases.map((c) => [JSON.stringify(c.doc), c.doc])).values()];
  let queries = 0;
  let matches = 0;
  for (const c of data.cases) {
    let node: KqlNode;
    try {
      node = parseKql(c.query);
    } catch {
      continue; // a case where trawl follows Kibana in rejecting the query
    }
    queries++;
    const ds = kqlDiscriminators(node);
    const pred = compileKql(node, { now: NOW });
    for (const doc of docs) {
      if (!pred(doc)) continue;
      matches++;
      for (const d of ds) assert.ok(satisfies(doc, d), `${c.query} matches ${JSON.stringify(doc)} but fails ${JSON.stringify(d)}`);
    }
  }
  assert.ok(queries > 100 && matches > 50, `${queries} queries, ${matches} matches`);
});

// ------------------------------------------------------------------------------------------
// The rule corpus.

const KQL_TYPES = new Set(['query', 'new_terms', 'threshold']);
const skipCorpus = needsShared('elastic-rules');


function corpusQueries(): { file: string; query: string }[] {
  const root = sharedPath('elastic-rules');
  const files = [...tomlFiles(path.join(root, 'rules')), ...tomlFiles(path.join(root, 'rules_building_block'))];
  const out: { file: string; query: string }[] = [];
  for (const file of files) {
    const rule = ((parse(readFileSync(file, 'utf8')) as Record<string, unknown>).rule ?? {}) as Record<string, unknown>;
    if (!KQL_TYPES.has(String(rule.type)) || typeof rule.query !== 'string') continue;
    if ((rule.language ?? 'kuery') !== 'kuery') continue;
    out.push({ file: path.relative(root, file), query: rule.query });
  }
  return out;
}

/** The bundled sample events (NDJSON, hits, a _search response; gzip or not). */
function sampleEvents(): Record<string, unknown>[] {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../samples');
  const out: Record<string, unknown>[] = [];
  const add = (v: unknown) => {
    const o = v as Record<string, unknown>;
    out.push((o && typeof o._source === 'object' ? o._source : o) as Record<string, unknown>);
  };
  for (const f of evidenceFiles(dir)) {
    let text = readFileSync(f);
    if (text[0] === 0x1f && text[1] === 0x8b) text = gunzipSync(text);
    const s = text.toString('utf8').trim();
    let whole: unknown;
    try {
      whole = JSON.parse(s);
    } catch {
      whole = undefined; // NDJSON
    }
    if (Array.isArray(whole)) whole.forEach(add);
    else if (whole && typeof whole === 'object' && 'hits' in whole) (whole as { hits: { hits: unknown[] } }).hits.hits.forEach(add);
    else for (const line of s.split('\n')) if (line.trim()) add(JSON.parse(line));
  }
  return out;
}

function evidenceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...evidenceFiles(p));
    else if (/\.(ndjson|json)(\.gz)?$/.test(e.name)) out.push(p);
  }
  return out;
}

/**
 * Documents built from a query's own field/value pairs, so that many of them match: values
 * in random case, wildcards filled in, placed nested, under dotted keys or inside arrays,
 * with some pairs left out (which exercises or/not branches).
 */
function witnesses(node: KqlNode, rand: (n: number) => number, count: number): Record<string, unknown>[] {
  const pairs: [string, string][] = [];
  const visit = (n: KqlNode, prefix: string) => {
    switch (n.type) {
      case 'and':
      case 'or':
        for (const c of n.children) visit(c, prefix);
        return;
      case 'not':
        visit(n.child, prefix);
        return;
      case 'nested':
        if (n.path.kind === 'literal') visit(n.child, `${prefix}${String(n.path.value)}.`);
        return;
      case 'range':
        if (n.field.kind === 'literal') pairs.push([prefix + String(n.field.value), String(n.value.value)]);
        return;
      case 'is': {
        if (n.field === null || n.field.kind !== 'literal') return;
        const v = n.value.kind === 'literal' ? String(n.value.value) : n.value.segments.join(['', 'x', 'Zz/'][rand(3)]);
        pairs.push([prefix + String(n.field.value), v]);
      }
    }
  };
  visit(node, '');
  const out: Record<string, unknown>[] = [];
  const recase = (s: string) => [s, s, s.toUpperCase(), s.toLowerCase()][rand(4)];
  for (let i = 0; i < count; i++) {
    const doc: Record<string, unknown> = {};
    for (const [field, value] of pairs) {
      if (rand(5) === 0) continue;
      let v: unknown = recase(value);
      if (/^\d+$/.test(value) && rand(2) === 0) v = Number(value);
      if (rand(4) === 0) v = [rand(2) === 0 ? null : 'other', v];
      place(doc, field.replace(/\.(caseless|text)$/, rand(2) === 0 ? '' : '.$1'), v, rand);
    }
    out.push(doc);
  }
  return out;
}

function place(doc: Record<string, unknown>, field: string, value: unknown, rand: (n: number) => number): void {
  const segs = field.split('.');
  let obj = doc;
  let i = 0;
  while (i < segs.length - 1) {
    // take one segment as a nested key, or several as one dotted key
    const j = rand(3) === 0 ? i + 1 + rand(segs.length - 1 - i) : i;
    const key = segs.slice(i, j + 1).join('.');
    if (j === segs.length - 1) {
      obj[key] = value;
      return;
    }
    let next = obj[key];
    if (Array.isArray(next)) next = next[0];
    if (next === null || typeof next !== 'object') {
      next = {};
      obj[key] = rand(6) === 0 ? [next] : next;
    }
    obj = next as Record<string, unknown>;
    i = j + 1;
  }
  obj[segs[segs.length - 1]] = value;
}

test('rule corpus: necessity on sample events and on witness documents; coverage', { skip: skipCorpus }, (t) => {
  const rules = corpusQueries();
  const events = sampleEvents();
  let seed = 20240101;
  const rand = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return seed % n;
  };
  const ROUTING_ONLY = new Set(['event.category', 'host.os.type']);
  let withAny = 0;
  let withUseful = 0;
  let matches = 0;
  let parsed = 0;
  for (const { file, query } of rules) {
    let node: KqlNode;
    try {
      node = parseKql(query);
    } catch {
      continue;
    }
    parsed++;
    const ds = kqlDiscriminators(node);
    if (ds.length > 0) withAny++;
    if (ds.some((d) => d.some((p) => !ROUTING_ONLY.has(p.field)))) withUseful++;
    const pred = compileKql(node, { now: NOW });
    for (const doc of [...events, ...witnesses(node, rand, 40)]) {
      if (!pred(doc)) continue;
      matches++;
      for (const d of ds) assert.ok(satisfies(doc, d), `${file}: ${query}\nmatches ${JSON.stringify(doc)}\nbut fails ${JSON.stringify(d)}`);
    }
  }
  const note = `${parsed} kuery rules (query/new_terms/threshold): ${withAny} with a discriminator, ${withUseful} with one beyond event.category/host.os.type; ${matches} matching documents checked`;
  t.diagnostic(note);
  console.log(`# ${note}`);
  assert.ok(parsed > 500, note);
  assert.ok(matches > 1000, note);
});
