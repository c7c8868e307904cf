/** Loader for Elasticsearch csv-spec test files and their typed CSV datasets (see ORIGIN.md). */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { EsqlType } from '../../../src/lang/esql/index.js';

export interface SpecTest {
  file: string;
  name: string;
  query: string;
  ignoreOrder: boolean;
  capabilities: string[];
  warnings: { text: string; regex: boolean }[];
  columns: { name: string; type: string }[];
  rows: string[][];
  disabled: boolean;
  /** Query starts with a SET statement or the block could not be parsed. */
  unusual?: string;
}

export function parseSpecFile(file: string): SpecTest[] {
  const text = readFileSync(file, 'utf8');
  const lines = text.split(/\r?\n/);
  const out: SpecTest[] = [];
  let i = 0;
  const base = path.basename(file);
  const skipBlank = () => {
    while (i < lines.length && (lines[i].trim() === '' || /^\s*(\/\/|#)/.test(lines[i]))) i++;
  };
  while (i < lines.length) {
    skipBlank();
    if (i >= lines.length) break;
    let name = lines[i].trim();
    i++;
    // `-Ignore`, or `#[skip:-9.99.99…]`: Elasticsearch skips the block on every version ("not yet fixed")
    const disabled = /-Ignore$/i.test(name) || /#\[skip:-(?:9\.99|\d{2,}\.)/.test(name);
    name = name.replace(/#\[.*\]$/, '').trim();
    const t: SpecTest = { file: base, name, query: '', ignoreOrder: false, capabilities: [], warnings: [], columns: [], rows: [], disabled };
    // directives and query
    const q: string[] = [];
    for (; i < lines.length; i++) {
      const l = lines[i];
      const tl = l.trim();
      if (q.length === 0) {
        if (tl === '' || tl.startsWith('//') || tl.startsWith('#')) continue;
        const d = /^([a-z_]+|ignoreOrder|warningRegex)\s*:\s*(.*)$/.exec(tl);
        if (d && !/^(from|row|show|meta)$/i.test(d[1])) {
          applyDirective(t, d[1], d[2]);
          continue;
        }
      }
      if (tl.startsWith('//') || tl.startsWith('#')) continue; // comments (doc tags are `# tag::x[]`)
      if (/^SET\s/i.test(tl) && tl.endsWith('\\;')) {
        // `SET name = value\;` statements precede the query (the backslash keeps the spec reader going)
        t.unusual = 'SET statement';
        q.push(l.replace(/\\;\s*$/, ';'));
        continue;
      }
      if (tl.endsWith(';') && !tl.endsWith('\\;')) {
        q.push(l.replace(/;\s*$/, ''));
        i++;
        break;
      }
      q.push(l);
    }
    t.query = q.join('\n');
    // warnings / directives after the query, then header
    for (; i < lines.length; i++) {
      const tl = lines[i].trim();
      if (tl === '' || tl.startsWith('//') || tl.startsWith('#')) continue;
      const d = /^(required_capability|required_feature|ignoreOrder|skip_columnar|request_stored|warning|warningRegex)\s*:\s*(.*)$/.exec(tl);
      if (d) {
        applyDirective(t, d[1], lines[i].slice(lines[i].indexOf(':') + 1).trim());
        continue;
      }
      break;
    }
    if (i < lines.length && lines[i].trim() !== ';') {
      t.columns = splitRow(lines[i]).map((c) => {
        const k = c.lastIndexOf(':');
        return { name: c.slice(0, k).trim(), type: normType(c.slice(k + 1).trim()) };
      });
      i++;
    }
    for (; i < lines.length; i++) {
      const l = lines[i];
      const tl = l.trim();
      if (tl === ';') {
        i++;
        break;
      }
      if (tl === '' || tl.startsWith('//') || /^#\s*(tag|end)::/.test(tl)) continue;
      t.rows.push(splitRow(l));
    }
    out.push(t);
  }
  return out;
}

function applyDirective(t: SpecTest, k: string, v: string): void {
  if (k === 'ignoreOrder') t.ignoreOrder = v.trim() === 'true';
  else if (k === 'required_capability' || k === 'required_feature') t.capabilities.push(v.trim());
  else if (k === 'warning') t.warnings.push({ text: v.replace(/#\[Emulated:.*\]$/, ''), regex: false });
  else if (k === 'warningRegex') t.warnings.push({ text: v, regex: true });
}

export function normType(t: string): string {
  const map: Record<string, string> = {
    s: 'keyword', string: 'keyword', i: 'integer', l: 'long', d: 'double', ul: 'unsigned_long', dt: 'date', datetime: 'date',
    short: 'integer', byte: 'integer', float: 'double', half_float: 'double', scaled_float: 'double', k: 'keyword', b: 'boolean', bool: 'boolean', v: 'version',
  };
  const l = t.toLowerCase();
  return map[l] ?? l;
}

/** Split a pipe table row, respecting quotes and brackets. */
export function splitRow(l: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < l.length; i++) {
    const c = l[i];
    if (c === '"') q = !q;
    if (c === '\\' && q && i + 1 < l.length) {
      cur += c + l[++i];
      continue;
    }
    if (c === '|' && !q) {
      out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur.trim());
  return out;
}

export interface Dataset {
  schema: Record<string, EsqlType>;
  docs: Record<string, unknown>[];
}

export function loadDataset(dataDir: string, name: string): Dataset | undefined {
  const f = path.join(dataDir, `${name}.csv`);
  if (!existsSync(f)) return undefined;
  const lines = readFileSync(f, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = splitCsv(lines[0]).map((c) => {
    const k = c.lastIndexOf(':');
    return { name: c.slice(0, k).trim(), type: normType(c.slice(k + 1).trim()) as EsqlType };
  });
  const schema: Record<string, EsqlType> = {};
  for (const h of header) schema[h.name] = h.type;
  // what the index stores for reduced-precision number fields (the test mappings' types)
  const raw = splitCsv(lines[0]).map((c) => c.slice(c.lastIndexOf(':') + 1).trim().toLowerCase());
  const storage = raw.map((t) => STORED[t]);
  const docs = lines.slice(1).map((l) => {
    const cells = splitCsv(l);
    const doc: Record<string, unknown> = {};
    header.forEach((h, i) => {
      const raw = (cells[i] ?? '').trim();
      if (raw === '' || raw === '""') return;
      if (raw.startsWith('[') && raw.endsWith(']')) {
        const items = splitCsv(raw.slice(1, -1)).map((x) => x.trim()).filter((x) => x !== '').map((x) => stored(typedCell(x, h.type), storage[i]));
        // doc values: sorted; keywords also deduplicated
        if (h.type === 'keyword' || h.type === 'ip' || h.type === 'version') items.sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
        else if ((h.type === 'long' || h.type === 'unsigned_long') && items.every((x) => Number.isInteger(Number(x)))) items.sort((a, b) => (BigInt(a as string | number) < BigInt(b as string | number) ? -1 : 1));
        else if (h.type !== 'text') items.sort((a, b) => Number(a) - Number(b));
        const vals = h.type === 'keyword' ? [...new Set(items)] : items;
        if (vals.length) doc[h.name] = vals.length === 1 ? vals[0] : vals;
      } else doc[h.name] = stored(typedCell(raw, h.type), storage[i]);
    });
    return doc;
  });
  // constant_keyword fields exist only in the mapping: every document of the index has the value
  for (const [field, value] of constantKeywords(dataDir, name)) {
    schema[field] = 'keyword';
    for (const d of docs) d[field] = value;
  }
  return { schema, docs };
}

function constantKeywords(dataDir: string, name: string): [string, string][] {
  const f = path.join(dataDir, `mapping-${name}.json`);
  if (!existsSync(f)) return [];
  const out: [string, string][] = [];
  const walk = (props: Record<string, { type?: string; value?: unknown; properties?: Record<string, never> }>, prefix: string) => {
    for (const [k, v] of Object.entries(props)) {
      if (v.type === 'constant_keyword' && typeof v.value === 'string') out.push([prefix + k, v.value]);
      if (v.properties) walk(v.properties, `${prefix}${k}.`);
    }
  };
  walk((JSON.parse(readFileSync(f, 'utf8')) as { properties?: Record<string, never> }).properties ?? {}, '');
  return out;
}

const F32 = new Float32Array(1);

/** float: single precision; half_float: 11 significant bits; scaled_float: a long of hundredths (scaling_factor 100). */
const STORED: Record<string, ((v: number) => number) | undefined> = {
  float: (v) => ((F32[0] = v), F32[0]),
  half_float: (v) => {
    if (!Number.isFinite(v) || v === 0) return v;
    const e = Math.max(Math.floor(Math.log2(Math.abs(v))), -14);
    const ulp = 2 ** (e - 10);
    const q = v / ulp;
    const fl = Math.floor(q);
    // ties to even, as IEEE conversion does
    const r = q - fl === 0.5 ? (fl % 2 === 0 ? fl : fl + 1) : Math.round(q);
    return r * ulp;
  },
  scaled_float: (v) => Math.round(v * 100) * (1 / 100),
};

function stored(v: unknown, f: ((v: number) => number) | undefined): unknown {
  return f && typeof v === 'number' ? f(v) : v;
}

function typedCell(s: string, t: string): unknown {
  if (s.startsWith('"') && s.endsWith('"') && s.length >= 2) s = s.slice(1, -1);
  switch (t) {
    case 'long':
    case 'unsigned_long':
      // as the reader delivers them: integers beyond 2^53 as their exact text
      return /^-?\d{16,}$/.test(s.trim()) && !Number.isSafeInteger(Number(s)) ? s.trim() : Number(s);
    case 'integer':
    case 'double':
      return Number(s);
    case 'boolean':
      return s.toLowerCase() === 'true';
    default:
      return s;
  }
}

function splitCsv(l: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  let br = 0;
  for (let i = 0; i < l.length; i++) {
    const c = l[i];
    if (c === '"') {
      if (q && l[i + 1] === '"') {
        cur += '"';
        i++;
        continue;
      }
      q = !q;
      continue;
    }
    if (!q && c === '[') br++;
    if (!q && c === ']') br--;
    if (c === ',' && !q && br === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}
