/**
 * Resolves a query's field token to a getter, once at compile time: a plain path goes through
 * compileField; `X.caseless` / `X.text` fall back to X when the document has no such key; a
 * wildcard name (`process.*`) collects the values of every leaf whose dotted path matches.
 */
import { compileField, type FieldGetter } from '../../../fields/index.js';
import type { KqlValue } from '../ast.js';
import { valueText } from '../ast.js';
import { globMatcher } from '../match/glob.js';
import { fieldMode, type FieldMode } from '../match/multi-field.js';
import { walkLeaves } from './walk.js';

export interface FieldAccess {
  get: FieldGetter;
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
    return { get, mode: 'keyword', name };
  }
  const mode = fieldMode(name);
  const full = compileField(name);
  if (mode === 'keyword') return { get: full, mode, name };
  const base = compileField(name.slice(0, name.lastIndexOf('.')));
  return {
    get: (doc) => {
      const v = full(doc);
      return v !== undefined ? v : base(doc);
    },
    mode,
    name,
  };
}
