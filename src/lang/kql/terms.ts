/** Static facts about a query, for routing and for readers. */
import type { IsNode, KqlNode, KqlValue } from './ast.js';
import { isWildcardAll, valueText } from './ast.js';
import { fieldMode } from './match/multi-field.js';
import { literalTest } from './match/scalar.js';

export interface RequiredTerm {
  field: string;
  values: string[];
}

/** The exact string a plain `field:value` requires, or undefined when coercion could widen it. */
function plainTerm(n: KqlNode): { field: string; value: string } | undefined {
  if (n.type !== 'is' || n.field === null || n.field.kind !== 'literal' || typeof n.field.value !== 'string') return undefined;
  const field = n.field.value;
  if (fieldMode(field) !== 'keyword') return undefined;
  const v = n.value;
  if (v.kind !== 'literal' || typeof v.value !== 'string') return undefined;
  // Numbers, booleans, IPs, CIDRs and dates also match other spellings: not a routing term.
  if (literalTest(v.value).extra) return undefined;
  return { field, value: v.value };
}

function requiredOf(n: KqlNode): RequiredTerm | undefined {
  const one = plainTerm(n);
  if (one) return { field: one.field, values: [one.value] };
  if (n.type !== 'or') return undefined;
  let field: string | undefined;
  const values: string[] = [];
  for (const c of n.children) {
    const t = plainTerm(c);
    if (!t || (field !== undefined && t.field !== field)) return undefined;
    field = t.field;
    if (!values.includes(t.value)) values.push(t.value);
  }
  return field === undefined ? undefined : { field, values };
}

/**
 * Conditions every matching document satisfies: a conjunction of "field has one of these exact
 * (case-sensitive) string values", from the top-level AND chain only. [] when unsure.
 */
export function kqlRequiredTerms(node: KqlNode): RequiredTerm[] {
  const out: RequiredTerm[] = [];
  const visit = (n: KqlNode) => {
    // A parenthesised AND group inside the top-level chain is still part of the conjunction.
    if (n.type === 'and') {
      for (const c of n.children) visit(c);
      return;
    }
    const t = requiredOf(n);
    if (t) out.push(t);
  };
  visit(node);
  return out;
}

/**
 * Every field name the query reads, in first-seen order. Nested paths are reported both as the
 * path and as `path.inner`; `X.caseless` / `X.text` also report X (what is read when the
 * document has no such key); wildcard names are reported as written (`process.*`), and free
 * text as `*` (it reads every field).
 */
export function kqlFields(node: KqlNode): string[] {
  const out = new Set<string>();
  const add = (prefix: string, f: KqlValue | null) => {
    if (f === null) {
      out.add('*');
      return;
    }
    const name = prefix + valueText(f);
    out.add(name);
    if (f.kind === 'literal' && fieldMode(name) !== 'keyword') out.add(name.slice(0, name.lastIndexOf('.')));
  };
  const visit = (n: KqlNode, prefix: string) => {
    switch (n.type) {
      case 'match_all':
        return;
      case 'is':
        if (n.field === null && isWildcardAll(n.value)) return;
        if (n.field !== null && isWildcardAll(n.field) && isWildcardAll(n.value)) return;
        add(prefix, (n as IsNode).field);
        return;
      case 'range':
        add(prefix, n.field);
        return;
      case 'nested':
        add(prefix, n.path);
        visit(n.child, `${prefix}${valueText(n.path)}.`);
        return;
      case 'not':
        visit(n.child, prefix);
        return;
      case 'and':
      case 'or':
        for (const c of n.children) visit(c, prefix);
    }
  };
  visit(node, '');
  return [...out];
}
