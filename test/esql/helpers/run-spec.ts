import path from 'node:path';
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
  const m = /^\s*from\s+([^|\s]+(?:\s*,\s*[^|\s]+)*)/i.exec(q);
  let ds: Dataset | undefined;
  let dsName: string | undefined;
  if (m) {
    const names = m[1].split(',').map((s) => s.trim().replace(/^"+|"+$/g, '')).filter((s) => s && s.toLowerCase() !== 'metadata');
    if (names.length !== 1) return `needs several indices (${names.join(', ')})`;
    let n = names[0];
    if (n.includes('*')) {
      const re = new RegExp(`^${n.split('*').join('.*')}$`);
      const hits = datasetNames(dataDir).filter((x) => re.test(x));
      if (hits.length !== 1) return `index pattern ${n} needs datasets that are not present`;
      n = hits[0];
    }
    dsName = n;
    ds = dataset(dataDir, n);
    if (!ds) return `dataset ${n} is not present`;
  }
  let result;
  try {
    const query = compileInternal(q, { now: Date.now(), schema: ds?.schema });
    const ex = query.createExecutor();
    if (ds) for (const d of ds.docs) ex.push(d, { _index: dsName, _id: undefined });
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
  if (actual.length !== expected.length) return `row count ${actual.length} != ${expected.length}\n  got ${JSON.stringify(actual.slice(0, 5))}`;
  const eqRow = (a: unknown[], b: unknown[]) => a.length === b.length && a.every((x, i) => cellEq(x, b[i], types[i]));
  if (t.ignoreOrder) {
    const rest = [...expected];
    for (const a of actual) {
      const k = rest.findIndex((b) => eqRow(a, b));
      if (k < 0) return `unexpected row ${JSON.stringify(a)}`;
      rest.splice(k, 1);
    }
  } else {
    for (let i = 0; i < actual.length; i++) {
      if (!eqRow(actual[i], expected[i])) return `row ${i} differs:\n  got  ${JSON.stringify(actual[i])}\n  want ${JSON.stringify(expected[i])}`;
    }
  }
  // warnings
  const gotW = result.warnings.map((w) => w.message).sort();
  const wantW = t.warnings;
  const unmatched = [...gotW];
  for (const w of wantW) {
    const k = unmatched.findIndex((g) => (w.regex ? new RegExp(w.text).test(g) : g === w.text || g === unescapeRegexText(w.text)));
    if (k < 0) return `missing warning ${w.text}\n  got ${JSON.stringify(gotW)}`;
    unmatched.splice(k, 1);
  }
  if (unmatched.length) return `unexpected warnings ${JSON.stringify(unmatched)}`;
  return undefined;
}

function unescapeRegexText(s: string): string {
  return s.replace(/\\\\(.)/g, '$1').replace(/\\(.)/g, '$1');
}

type Canon = unknown;

function canonScalar(v: unknown, t: string): Canon {
  if (v === null || v === undefined) return null;
  switch (t) {
    case 'integer':
    case 'long':
    case 'double':
    case 'unsigned_long':
    case 'counter_long':
    case 'counter_double':
      return typeof v === 'number' ? v : Number(v);
    case 'date':
    case 'date_nanos':
      return typeof v === 'number' ? v : Date.parse(String(v));
    case 'boolean':
      return typeof v === 'boolean' ? v : String(v) === 'true';
    case 'ip':
      return normalizeIp(String(v)) ?? String(v);
    default:
      return String(v);
  }
}

function canon(v: unknown, t: string): Canon {
  if (Array.isArray(v)) return v.map((x) => canonScalar(x, t));
  return canonScalar(v, t);
}

function canonExpected(cell: string, t: string): Canon {
  const c = cell.trim();
  if (c === 'null') return null;
  if (c.startsWith('[') && c.endsWith(']') && t !== 'keyword' && t !== 'text' || (c.startsWith('[') && c.endsWith(']') && c.length > 2 && (t === 'keyword' || t === 'text') && c.includes(', '))) {
    const inner = splitList(c.slice(1, -1));
    if (inner.length > 1 || t !== 'keyword') return inner.map((x) => canonScalar(unquote(x.trim()), t));
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
