import { compileField, type FieldGetter } from '../../fields/index.js';
import type { DateFormat, FieldMapping } from '../../fields/mapping.js';
import type { EqlMapping } from './types.js';

/**
 * Field getters shared by every compiled EQL query, each remembering its last document. A hunt
 * tests one event against hundreds of rules in a row, and nearly all of them read the same few
 * fields (event.category, host.os.type, process.name): resolving a path once per event instead
 * of once per rule removes most of the per-rule cost. The one assumption: a document object is
 * not mutated between two evaluations (events are parsed once and only read).
 */
const memos = new Map<string, FieldGetter>();

export function memoField(path: string): FieldGetter {
  let g = memos.get(path);
  if (!g) {
    g = memo(() => compileField(path));
    memos.set(path, g);
  }
  return g;
}

/**
 * A getter remembering its last document. `build` runs on the first read: compileField makes
 * generated code, and most of the paths a big rule set names are never read in a hunt (the
 * router passes the rule no event).
 */
function memo(build: () => FieldGetter): FieldGetter {
  let get: FieldGetter = (doc) => (get = build())(doc);
  let lastDoc: unknown = undefined;
  let lastVal: unknown = undefined;
  return (doc) => {
    if (doc === lastDoc) return lastVal;
    const v = get(doc);
    lastDoc = doc;
    lastVal = v;
    return v;
  };
}

/** How compiled queries read fields under a mapping: getters by path, and date formats by path. */
export interface MappedFields {
  field(path: string): FieldGetter;
  /** The date format `path` has in a document's mapping; undefined when it is never a date. */
  dateFormat(path: string): ((doc: Record<string, unknown>) => DateFormat | undefined) | undefined;
}

const mapped = new WeakMap<object, MappedFields>();

/**
 * Getters that read through `mapping` (shared, like memoField, by every query compiled with the
 * same mapping or lookup). A single mapping resolves each path once, at compile time; a lookup
 * asks it per document, remembering the last mapping seen so that a stream of events from one
 * file resolves each path once.
 */
export function mappedFields(mapping: EqlMapping): MappedFields {
  let m = mapped.get(mapping);
  if (!m) {
    m = typeof mapping === 'function' ? perDocument(mapping) : single(mapping);
    mapped.set(mapping, m);
  }
  return m;
}

function single(mapping: FieldMapping): MappedFields {
  const getters = new Map<string, FieldGetter>();
  return {
    field(path) {
      let g = getters.get(path);
      if (!g) {
        const r = mapping.reader(path);
        g = r ? memo(() => r) : memoField(path);
        getters.set(path, g);
      }
      return g;
    },
    dateFormat(path) {
      const f = mapping.dateFormat(path);
      return f ? () => f : undefined;
    },
  };
}

function perDocument(lookup: (doc: Record<string, unknown>) => FieldMapping | undefined): MappedFields {
  const getters = new Map<string, FieldGetter>();
  return {
    field(path) {
      let g = getters.get(path);
      if (g) return g;
      const plain = memoField(path);
      let lastMapping: FieldMapping | undefined = undefined;
      let read: FieldGetter = plain;
      let lastDoc: unknown = undefined;
      let lastVal: unknown = undefined;
      g = (doc) => {
        if (doc === lastDoc) return lastVal;
        const m = lookup(doc as Record<string, unknown>);
        if (m !== lastMapping) {
          lastMapping = m;
          read = m?.reader(path) ?? plain;
        }
        const v = read(doc);
        lastDoc = doc;
        lastVal = v;
        return v;
      };
      getters.set(path, g);
      return g;
    },
    dateFormat: (path) => (doc) => lookup(doc)?.dateFormat(path),
  };
}
