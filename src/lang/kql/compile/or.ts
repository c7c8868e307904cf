/**
 * `a or b or …`. Runs of `is` children on the same (non-wildcard) field — what `f:(a or b or c)`
 * expands to — share one field read and one Set lookup.
 */
import type { IsNode, KqlNode, OrNode } from '../ast.js';
import { isWildcardAll } from '../ast.js';
import type { ValueTest } from '../match/scalar.js';
import type { CompileContext, DocPredicate } from './context.js';
import { fieldAccess } from './field.js';
import { valueTest } from './is.js';
import { anyOf } from './and.js';
import { unionPredicate } from './leaf.js';

function groupKey(n: KqlNode): string | undefined {
  if (n.type !== 'is' || n.field === null || n.field.kind !== 'literal' || isWildcardAll(n.value)) return undefined;
  return String(n.field.value);
}

export function compileOr(node: OrNode, ctx: CompileContext): DocPredicate {
  const groups = new Map<string, IsNode[]>();
  const others: KqlNode[] = [];
  for (const c of node.children) {
    const key = groupKey(c);
    if (key === undefined) others.push(c);
    else {
      const list = groups.get(key);
      if (list) list.push(c as IsNode);
      else groups.set(key, [c as IsNode]);
    }
  }
  const parts: DocPredicate[] = [];
  for (const list of groups.values()) {
    if (list.length === 1) {
      parts.push(ctx.compile(list[0]));
      continue;
    }
    const access = fieldAccess(list[0].field!);
    const tests: ValueTest[] = list.map((n) => valueTest(n.value, access.mode));
    parts.push(unionPredicate(access.scan, tests));
  }
  for (const c of others) parts.push(ctx.compile(c));
  return anyOf(parts);
}
