import { compileField, type FieldGetter } from '../../fields/index.js';

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
    const get = compileField(path);
    let lastDoc: unknown = undefined;
    let lastVal: unknown = undefined;
    g = (doc) => {
      if (doc === lastDoc) return lastVal;
      const v = get(doc);
      lastDoc = doc;
      lastVal = v;
      return v;
    };
    memos.set(path, g);
  }
  return g;
}
