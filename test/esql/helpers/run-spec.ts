import { readdirSync } from 'node:fs';
import { normalizeIp } from '../../../src/lang/esql/types.js';
import { compileInternal } from '../../../src/lang/esql/compile.js';
import { loadDataset, type Dataset, type SpecTest } from './csv-spec.js';

const datasets = new Map<string, Dataset | undefined>();
export function dataset(dir: string, name: string): Dataset | undefined {
  if (!datasets.has(name)) datasets.set(name, loadDataset(dir, name));
  return datasets.get(name);
}

export function datasetNames(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.csv')).map((f) => f.slice(0, -4));
}

/** Run one spec test; returns undefined when it passes, else a failure description. */
export function runSpec(t: SpecTest, dataDir: string): string | undefined {
  const q = t.query;
  // FROM a, b* METADATA …: every listed index (patterns expanded) over the datasets present
  const m = /^\s*from\s+((?:"""[^"]*"""|"[^"]*"|[^|\s,]+)(?:\s*,\s*(?:"""[^"]*"""|"[^"]*"|[^|\s,]+))*)/i.exec(q.replace(/^\s*(?:SET\s[^;]*;\s*)+/i, ''));
  const sources: { name: string; ds: Dataset }[] = [];
  if (m) {
    const names = m[1].split(',').map((s) => s.trim().replace(/^"+|"+$/g, '')).filter((s) => s && s.toLowerCase() !== 'metadata');
    for (const n of names) {
      if (n.startsWith('-')) return `index exclusion ${n} is not supported by the harness`;
      let hits = [n];
      if (n.includes('*')) {
        const re = new RegExp(`^${n.split('*').join('.*')}$`);
        hits = datasetNames(dataDir).filter((x) => re.test(x));
        if (hits.length === 0) return `index pattern ${n} needs datasets that are not present`;
      }
      for (const h of hits) {
        const d = dataset(dataDir, h);
        if (!d) return `dataset ${h} is not present`;
        if (!sources.some((x) => x.name === h)) sources.push({ name: h, ds: d });
      }
    }
  }
  const schema = sources.length ? mergedSchema(sources.map((x) => x.ds)) : undefined;
  let result;
  try {
    const query = compileInternal(q, { now: Date.now(), schema, bigints: true });
    const ex = query.createExecutor();
    for (const { name, ds } of sources) for (const d of ds.docs) ex.push(d, { _index: name, _id: undefined });
    result = ex.finish();
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
  // columns
  const got = result.columns.map((c) => `${c.name}:${c.type}`).join(' | ');
  const want = t.columns.map((c) => `${c.name}:${c.type}`).join(' | ');
  if (got !== want) return `columns differ:\n  got  ${got}\n  want ${want}`;
  // rows
  const types = t.columns.map((c) => c.type);
  const actual = result.rows.map((r) => r.values.map((v, i) => canon(v, types[i])));
  const expected = t.rows.map((r) => r.map((c, i) => canonExpected(c, types[i])));
  if (actual.length !== expected.length) return `row count ${actual.length} != ${expected.length}\n  got ${show(actual.slice(0, 5))}`;
  const eqRow = (a: unknown[], b: unknown[]) => a.length === b.length && a.every((x, i) => cellEq(x, b[i], types[i]));
  if (t.ignoreOrder) {
    const rest = [...expected];
    for (const a of actual) {
      const k = rest.findIndex((b) => eqRow(a, b));
      if (k < 0) return `unexpected row ${show(a)}`;
      rest.splice(k, 1);
    }
  } else {
    for (let i = 0; i < actual.length; i++) {
      if (!eqRow(actual[i], expected[i])) return `row ${i} differs:\n  got  ${show(actual[i])}\n  want ${show(expected[i])}`;
    }
  }
  // warnings
  const gotW = result.warnings.map((w) => w.message).sort();
  const wantW = t.warnings;
  // `warningRegex:` blocks list allowed warnings (Elasticsearch's AssertWarnings.AllowedRegexes):
  // every warning must match one of them; here each of them must also match some warning
  if (wantW.length && wantW.every((w) => w.regex)) {
    const res = wantW.map((w) => ({ text: w.text, re: safeRegex(w.text) }));
    const test = (re: RegExp | undefined, g: string) => re !== undefined && (re.test(g) || re.test(headerEscaped(g)));
    for (const g of gotW) if (!res.some((r) => test(r.re, g))) return `unexpected warning ${JSON.stringify(g)} (allowed: ${JSON.stringify(res.map((r) => r.text))})`;
    for (const r of res) if (!gotW.some((g) => test(r.re, g))) return `missing warning ${r.text}\n  got ${JSON.stringify(gotW)}`;
    return undefined;
  }
  const unmatched = [...gotW];
  for (const w of wantW) {
    // Elasticsearch sends warnings in HTTP Warning headers, where quotes and backslashes are escaped
    // and '%' is percent-encoded: many expectations are written against that form.
    // a few `warning:` lines are written as patterns (`\[.*x.*\]`): those are matched as patterns too
    const re = w.regex || /\\[[.d+*()]|\.\*/.test(w.text) ? safeRegex(w.text) : undefined;
    // an expectation without a "Line n:m: " location matches the warning at any location
    const located = /^Line /.test(w.text);
    const k = unmatched.findIndex((g0) => {
      const g = located ? g0 : g0.replace(/^Line \d+:\d+: /, '');
      const h = headerEscaped(g);
      return g === w.text || h === w.text || g === unescapeRegexText(w.text) || (re !== undefined && (re.test(g) || re.test(h)));
    });
    if (k < 0) return `missing warning ${w.text}\n  got ${JSON.stringify(gotW)}`;
    unmatched.splice(k, 1);
  }
  if (unmatched.length) return `unexpected warnings ${JSON.stringify(unmatched)}`;
  return undefined;
}

/** JSON text of canonical cells (bigints as numbers). */
function show(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? `${x}n` : x)).replace(/"(-?\d+)n"/g, '$1');
}

function safeRegex(s: string): RegExp | undefined {
  try {
    return new RegExp(s);
  } catch {
    return undefined;
  }
}

/** Fields of several indices: a field mapped with different types is unsupported, as in Elasticsearch. */
function mergedSchema(list: Dataset[]): Dataset['schema'] {
  const out: Dataset['schema'] = {};
  for (const d of list) {
    for (const [k, t] of Object.entries(d.schema)) out[k] = out[k] === undefined || out[k] === t ? t : 'unsupported';
  }
  return out;
}

function headerEscaped(s: string): string {
  return s.replace(/[\\"]/g, '\\$&').replace(/%/g, '%25');
}

function unescapeRegexText(s: string): string {
  return s.replace(/\\\\(.)/g, '$1').replace(/\\(.)/g, '$1');
}

type Canon = unknown;

function canonScalar(v: unknown, t: string): Canon {
  if (v === null || v === undefined) return null;
  switch (t) {
    case 'long':
    case 'unsigned_long': {
      // exact: integers beyond 2^53 compare as bigints (an expected cell is exact decimal text)
      if (typeof v === 'bigint') return v;
      const s = String(v).trim();
      if (/^-?\d+$/.test(s)) return BigInt(s);
      if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
      return typeof v === 'number' ? v : Number(v);
    }
    case 'integer':
    case 'double':
    case 'counter_long':
    case 'counter_double':
      return typeof v === 'number' ? v : Number(v);
    case 'date':
    case 'date_nanos':
      return typeof v === 'number' ? v : parseDateCell(String(v));
    case 'boolean':
      return typeof v === 'boolean' ? v : String(v) === 'true';
    case 'ip':
      return normalizeIp(String(v)) ?? String(v);
    default:
      return String(v);
  }
}

/** Date.parse, plus Java's four-digit signed years (-0006-01-01…), which JS spells with six digits. */
function parseDateCell(s: string): number {
  const m = /^([+-])(\d{4,5})(-.*)$/.exec(s);
  if (m) return Date.parse(`${m[1]}${m[2].padStart(6, '0')}${m[3]}`);
  return Date.parse(s);
}

function canon(v: unknown, t: string): Canon {
  if (Array.isArray(v)) return v.map((x) => canonScalar(x, t));
  return canonScalar(v, t);
}

function canonExpected(cell: string, t: string): Canon {
  const c = cell.trim();
  if (c === 'null') return null;
  // a multi-value, as Elasticsearch's CSV reader reads one: split on unquoted commas, trimmed, unquoted
  if (c.startsWith('[') && c.endsWith(']') && c.length > 2) {
    const inner = splitList(c.slice(1, -1));
    return inner.length === 1 ? canonScalar(unquote(inner[0].trim()), t) : inner.map((x) => canonScalar(unquote(x.trim()), t));
  }
  return canonScalar(unquote(c), t);
}

function unquote(s: string): string {
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) return s.slice(1, -1).replace(/\\"/g, '"').replace(/\\\\/g, '\\');
  return s;
}

function splitList(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"') q = !q;
    if (c === ',' && !q) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}

function cellEq(a: Canon, b: Canon, t: string): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    const x = Array.isArray(a) ? a : [a];
    const y = Array.isArray(b) ? b : [b];
    return x.length === y.length && x.every((v, i) => cellEq(v, y[i], t));
  }
  if (a === null || b === null) return a === b;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) && Number.isNaN(b)) return true;
    if (a === b) return true;
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  }
  return a === b;
}
