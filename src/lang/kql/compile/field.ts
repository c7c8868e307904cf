/**
 * Resolves a query's field token to a getter, once at compile time: a plain path goes through
 * compileField; `X.caseless` / `X.text` fall back to X when the document has no such key; a
 * wildcard name (`process.*`) collects the values of every leaf whose dotted path matches.
 */
import { compileField, compileFieldRaw, type FieldGetter } from '../../../fields/index.js';
import type { KqlValue } from '../ast.js';
import { valueText } from '../ast.js';
import { globMatcher } from '../match/glob.js';
import { fieldMode, type FieldMode } from '../match/multi-field.js';
import { walkLeaves } from './walk.js';

export interface FieldAccess {
  /** Every value at the field, flattened (what existence checks and nested queries need). */
  get: FieldGetter;
  /**
   * The same values for a caller that tests each one: arrays may come back unflattened, with
   * nulls (see compileFieldRaw); value tests go through anyValue or the leaf predicates.
   */
  scan: FieldGetter;
  mode: FieldMode;
  name: string;
}

export function fieldAccess(field: KqlValue): FieldAccess {
  const name = valueText(field);
  if (field.kind === 'wildcard') {
    const glob = globMatcher(field.segments);
    const get: FieldGetter = (doc) => {
      const out: unknown[] = [];
      walkLeaves(doc, (path, v) => {
        if (glob(path)) out.push(v);
      });
      return out.length === 0 ? undefined : out;
    };
    return { get, scan: get, mode: 'keyword', name };
  }
  const mode = fieldMode(name);
  if (mode === 'keyword') {
    // Getters are generated code (see fields/field-path.ts): build the flattening one only for
    // the leaves that need it (exists, nested), as most only scan values.
    return {
      get get() {
        return compileField(name);
      },
      scan: compileFieldRaw(name),
      mode,
      name,
    };
  }
  const full = compileField(name);
  const base = compileField(name.slice(0, name.lastIndexOf('.')));
  const get: FieldGetter = (doc) => {
    const v = full(doc);
    return v !== undefined ? v : base(doc);
  };
  return {
    get,
    scan: get,
    mode,
    name,
  };
}
