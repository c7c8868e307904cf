/**
 * `field < v`, `<=`, `>`, `>=`. The comparison is chosen per document value: numeric when both
 * sides are numbers (or numeric strings), by time when the bound is a date / date math and the
 * value a date, otherwise lexicographic on strings.
 */
import type { RangeNode } from '../ast.js';
import { parseTimestamp } from '../../../fields/index.js';
import { evalDateMath, looksLikeDate } from '../match/date-math.js';
import { anyValue, toNumber, type ScalarTest } from '../match/scalar.js';
import type { CompileContext, DocPredicate } from './context.js';
import { fieldAccess } from './field.js';

type Cmp = (a: number | string, b: number | string) => boolean;

const CMP: Record<RangeNode['operator'], Cmp> = {
  gt: (a, b) => a > b,
  gte: (a, b) => a >= b,
  lt: (a, b) => a < b,
  lte: (a, b) => a <= b,
};

export function compileRange(node: RangeNode, ctx: CompileContext): DocPredicate {
  const get = fieldAccess(node.field).scan;
  const raw = node.value.value;
  const test = boundTest(node.operator, raw === null ? 'null' : String(raw), ctx.now);
  return (doc) => anyValue(get(doc), test);
}

/** One bound against one document scalar (also used by range filters). */
export function boundTest(operator: RangeNode['operator'], q: string, now: number): ScalarTest {
  const cmp = CMP[operator];
  const num = toNumber(q);
  const roundUp = operator === 'gt' || operator === 'lte';
  const date = looksLikeDate(q) ? evalDateMath(q, now, roundUp) : undefined;
  return (d: unknown): boolean => {
    if (typeof d === 'number') {
      if (num !== undefined) return cmp(d, num);
      if (date !== undefined) return cmp(d, date);
      return false;
    }
    if (typeof d === 'string') {
      if (num !== undefined) {
        const dn = toNumber(d);
        if (dn !== undefined) return cmp(dn, num);
      }
      if (date !== undefined) {
        const dt = parseTimestamp(d);
        if (dt !== undefined) return cmp(dt, date);
      }
      return cmp(d, q);
    }
    if (typeof d === 'boolean') return cmp(String(d), q);
    return false;
  };
}
