import { readFileSync } from 'node:fs';
import { compileDateFormat, DateFormatError, DEFAULT_DATE_FORMAT, type DateFormat } from './date-format.js';
import { compileField, type FieldGetter } from './field-path.js';

export { compileDateFormat, DateFormatError, DEFAULT_DATE_FORMAT, type DateFormat } from './date-format.js';

/**
 * An Elasticsearch index mapping, as far as it changes what a query reads from a document.
 * Elasticsearch answers queries from what it indexed, not from the JSON it was sent; offline,
 * the mapping tells which of those differences apply:
 *
 *  - `date` fields (any `format`, default `strict_date_optional_time||epoch_millis`) read as
 *    epoch milliseconds; a value no format reads is missing (as with `ignore_malformed`);
 *  - `null_value`: a JSON null (also inside an array) reads as that value; an absent field
 *    stays missing;
 *  - `alias` fields read their target path (falling back to the alias's own path, which a raw
 *    export may carry although Elasticsearch would refuse it);
 *  - multi-fields (`"fields": {"keyword": …}`) read their parent's value.
 *
 * Every other field reads as it is. Documents are never modified: the mapping only supplies
 * getters.
 */
export interface FieldMapping {
  /** Where the mapping came from (a file name), for messages. */
  readonly source: string;
  /** Getter for `path` under this mapping, or undefined when the mapping leaves the path as it is. */
  reader(path: string): FieldGetter | undefined;
  /** The format of a `date` field (an alias answers for its target), else undefined. */
  dateFormat(path: string): DateFormat | undefined;
  /** The mapped type of `path` (`keyword`, `date`, `alias`, …), or undefined when unmapped. */
  typeOf(path: string): string | undefined;
}

/** A mapping file that cannot be read or is not an Elasticsearch mapping. */
export class MappingError extends Error {
  override readonly name = 'MappingError';
}

interface Leaf {
  kind: 'leaf';
  type: string;
  /** Where the value lives in the source document (a multi-field's parent). */
  source: string;
  date?: DateFormat;
  nullValue?: unknown;
}
type Def = Leaf | { kind: 'alias'; type: 'alias'; target: string };

/** Read and parse a mapping file; errors name the file. */
export function readMappingFile(file: string): FieldMapping {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new MappingError(`${file}: cannot read the mapping (${e.code === 'ENOENT' ? 'no such file' : e.message})`);
  }
  return parseMapping(text, file);
}

/**
 * Parse a mapping: `{"properties": …}`, `{"mappings": {"properties": …}}`, or a
 * `GET index/_mapping` response `{"index": {"mappings": …}, …}` (several indices are merged; a
 * field mapped by more than one keeps the first index's definition).
 */
export function parseMapping(text: string, source = 'mapping'): FieldMapping {
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw new MappingError(`${source}: not valid JSON (${(err as Error).message})`);
  }
  const roots = propertiesOf(json);
  if (!roots) {
    throw new MappingError(
      `${source}: not an Elasticsearch mapping (expected {"properties": …}, {"mappings": {"properties": …}} or a GET _mapping response)`,
    );
  }
  const defs = new Map<string, Def>();
  for (const props of roots) flatten(props, '', defs, source);
  for (const [path, def] of defs) {
    if (def.kind !== 'alias') continue;
    const target = defs.get(def.target);
    if (!target) throw new MappingError(`${source}: alias "${path}" points to "${def.target}", which the mapping does not define`);
    if (target.kind === 'alias') throw new MappingError(`${source}: alias "${path}" points to another alias, "${def.target}"`);
  }
  return new Mapping(source, defs);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The `properties` objects of the accepted shapes, or undefined. */
function propertiesOf(json: unknown): Record<string, unknown>[] | undefined {
  if (!isObject(json)) return undefined;
  if (isObject(json.properties)) return [json.properties];
  if (isObject(json.mappings)) {
    const m = json.mappings;
    if (isObject(m.properties)) return [m.properties];
    // pre-7 typed mappings: {"mappings": {"_doc": {"properties": …}}}
    const typed = Object.values(m).filter((t) => isObject(t) && isObject(t.properties)) as Record<string, unknown>[];
    if (typed.length) return typed.map((t) => t.properties as Record<string, unknown>);
    return Object.keys(m).length === 0 ? [{}] : undefined;
  }
  const indices = Object.values(json);
  if (indices.length === 0 || !indices.every((x) => isObject(x) && isObject(x.mappings))) return undefined;
  const all: Record<string, unknown>[] = [];
  for (const idx of indices) {
    const p = propertiesOf(idx);
    if (!p) return undefined;
    all.push(...p);
  }
  return all;
}

function flatten(props: Record<string, unknown>, prefix: string, out: Map<string, Def>, source: string): void {
  for (const [name, raw] of Object.entries(props)) {
    const path = prefix ? `${prefix}.${name}` : name;
    if (!isObject(raw)) throw new MappingError(`${source}: field "${path}": expected an object, got ${JSON.stringify(raw)}`);
    const type = typeof raw.type === 'string' ? raw.type : undefined;
    if (raw.type !== undefined && type === undefined) throw new MappingError(`${source}: field "${path}": "type" must be a string`);
    if (type === 'alias') {
      if (typeof raw.path !== 'string' || raw.path === '') throw new MappingError(`${source}: alias "${path}" has no "path"`);
      if (!out.has(path)) out.set(path, { kind: 'alias', type: 'alias', target: raw.path });
      continue;
    }
    if (raw.properties !== undefined) {
      if (!isObject(raw.properties)) throw new MappingError(`${source}: field "${path}": "properties" must be an object`);
      flatten(raw.properties, path, out, source);
      continue;
    }
    if (type === undefined) continue; // an object mapped with no sub-fields yet
    if (!out.has(path)) out.set(path, leaf(path, path, type, raw, source));
    if (raw.fields !== undefined) {
      if (!isObject(raw.fields)) throw new MappingError(`${source}: field "${path}": "fields" must be an object`);
      for (const [sub, subRaw] of Object.entries(raw.fields)) {
        const subPath = `${path}.${sub}`;
        if (!isObject(subRaw) || typeof subRaw.type !== 'string') throw new MappingError(`${source}: multi-field "${subPath}" needs a "type"`);
        if (!out.has(subPath)) out.set(subPath, leaf(subPath, path, subRaw.type, subRaw, source));
      }
    }
  }
}

function leaf(path: string, sourcePath: string, type: string, raw: Record<string, unknown>, source: string): Leaf {
  const l: Leaf = { kind: 'leaf', type, source: sourcePath };
  if (type === 'date' || type === 'date_nanos') {
    const format = raw.format ?? DEFAULT_DATE_FORMAT;
    if (typeof format !== 'string') throw new MappingError(`${source}: field "${path}": "format" must be a string`);
    try {
      l.date = compileDateFormat(format);
    } catch (err) {
      if (err instanceof DateFormatError) throw new MappingError(`${source}: field "${path}": ${err.message}`);
      throw err;
    }
  }
  if (raw.null_value !== undefined && raw.null_value !== null) l.nullValue = raw.null_value;
  return l;
}

class Mapping implements FieldMapping {
  private readonly readers = new Map<string, FieldGetter | undefined>();

  constructor(readonly source: string, private readonly defs: Map<string, Def>) {}

  typeOf(path: string): string | undefined {
    return this.defs.get(path)?.type;
  }

  dateFormat(path: string): DateFormat | undefined {
    return this.leafOf(path)?.date;
  }

  reader(path: string): FieldGetter | undefined {
    if (this.readers.has(path)) return this.readers.get(path);
    const r = this.build(path);
    this.readers.set(path, r);
    return r;
  }

  private leafOf(path: string): Leaf | undefined {
    const def = this.defs.get(path);
    if (!def) return undefined;
    return def.kind === 'alias' ? (this.defs.get(def.target) as Leaf) : def;
  }

  private build(path: string): FieldGetter | undefined {
    const def = this.defs.get(path);
    if (!def) return undefined;
    if (def.kind === 'alias') {
      const target = this.reader(def.target) ?? compileField(def.target);
      const own = compileField(path);
      return (doc) => {
        const v = target(doc);
        return v === undefined ? own(doc) : v;
      };
    }
    if (!def.date && def.nullValue === undefined && def.source === path) return undefined;
    const base = def.nullValue !== undefined ? withNullValue(def.source, def.nullValue) : compileField(def.source);
    const date = def.date;
    if (!date) return base;
    return (doc) => toDates(base(doc), date);
  }
}

/** Values as a date field indexes them: epoch ms; unreadable ones dropped. */
function toDates(v: unknown, date: DateFormat): unknown {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) return toDate(v, date);
  const out: number[] = [];
  for (const x of v) {
    const ms = toDate(x, date);
    if (ms !== undefined) out.push(ms);
  }
  return out.length === 0 ? undefined : out;
}

function toDate(v: unknown, date: DateFormat): number | undefined {
  if (typeof v === 'string') return date.parse(v);
  if (typeof v === 'number') return Number.isFinite(v) ? date.parse(String(v)) : undefined;
  return undefined;
}

/**
 * A getter for a field with a `null_value`: the same resolution as compileField (nested
 * objects, dotted keys, arrays), but a JSON null leaf, or null inside a leaf array, reads as
 * `nullValue`. Only fields whose mapping has a null_value pay for this walk.
 */
function withNullValue(path: string, nullValue: unknown): FieldGetter {
  const segs = path.split('.');
  const keys: string[][] = segs.map((_, i) => segs.map((__, j) => (j < i ? '' : segs.slice(i, j + 1).join('.'))));
  const hasOwn = Object.prototype.hasOwnProperty;
  const push = (v: unknown, out: unknown[]) => {
    if (Array.isArray(v)) for (const x of v) push(x, out);
    else out.push(v === null ? nullValue : v);
  };
  const walk = (node: unknown, from: number, out: unknown[]): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const x of node) walk(x, from, out);
      return;
    }
    const obj = node as Record<string, unknown>;
    for (let j = from; j < segs.length; j++) {
      const k = keys[from][j];
      if (!hasOwn.call(obj, k)) continue;
      if (j === segs.length - 1) push(obj[k], out);
      else walk(obj[k], j + 1, out);
    }
  };
  return (doc) => {
    const out: unknown[] = [];
    walk(doc, 0, out);
    return out.length === 0 ? undefined : out.length === 1 ? out[0] : out;
  };
}
