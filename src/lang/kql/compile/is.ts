/** `field:value`, free text (`value`), exists (`field:*`) and match-all (`*`, `*:*`). */
import type { IsNode, KqlValue } from '../ast.js';
import { isWildcardAll } from '../ast.js';
import { caselessLiteral, textLiteral, textWildcard, type FieldMode } from '../match/multi-field.js';
import { literalTest, toScalar, wildcardTest, type ValueTest } from '../match/scalar.js';
import { matchAll, type DocPredicate } from './context.js';
import { fieldAccess } from './field.js';
import { valuePredicate } from './leaf.js';
import { anyLeaf } from './walk.js';

export function valueTest(value: KqlValue, mode: FieldMode): ValueTest {
  if (value.kind === 'wildcard') {
    if (mode === 'text') return textWildcard(value.segments);
    return wildcardTest(value.segments, mode === 'caseless');
  }
  if (typeof value.value === 'string' && mode === 'caseless') return caselessLiteral(value.value);
  if (typeof value.value === 'string' && mode === 'text') return textLiteral(value.value, value.quoted);
  return literalTest(value.value);
}

export function compileIs(node: IsNode): DocPredicate {
  const { field, value } = node;
  const all = isWildcardAll(value);
  if (field === null) {
    if (all) return matchAll;
    const test = toScalar(valueTest(value, 'keyword'));
    return (doc) => anyLeaf(doc, test);
  }
  if (all && isWildcardAll(field)) return matchAll;
  const access = fieldAccess(field);
  const get = access.get;
  if (all) return (doc) => get(doc) !== undefined;
  return valuePredicate(access.scan, valueTest(value, access.mode));
}
