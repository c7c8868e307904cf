/**
 * Necessary conditions of a KQL query for the engine's rule index (contract in
 * ../discriminator.ts): whenever the compiled query matches a document, the document satisfies
 * every discriminator returned here. The rules below mirror what the compiler does with each
 * node, so anything the compiler might widen (coercions, analysed text, field-name wildcards,
 * negation) yields nothing rather than a guess.
 */
import { exactPatterns, fieldPatterns, unionsOf, wildcardPattern, type Discriminator, type FieldPatterns } from '../discriminator.js';
import type { IsNode, KqlNode, KqlValue } from './ast.js';
import { fieldMode } from './match/multi-field.js';
import { literalTest } from './match/scalar.js';

export function kqlDiscriminators(node: KqlNode): Discriminator[] {
  return conditions(node, '');
}

/** Every discriminator that holds for `n` (evaluated on objects whose fields sit under `prefix`). */
function conditions(n: KqlNode, prefix: string): Discriminator[] {
  switch (n.type) {
    case 'and':
      return n.children.flatMap((c) => conditions(c, prefix));
    case 'or':
      // Some child holds, so one condition of it holds: unions of those cover every match.
      return unionsOf(n.children.map((c) => conditions(c, prefix)));
    case 'not':
      // `not not x` is x; any other negation says nothing about which values are present.
      return n.child.type === 'not' ? conditions(n.child.child, prefix) : [];
    case 'nested': {
      // The child holds within one object found at the path, and every value the child reads
      // there is also a value of `path.field` in the whole document.
      const path = plainName(n.path);
      if (path === undefined || fieldMode(path) !== 'keyword') return [];
      return conditions(n.child, `${prefix}${path}.`);
    }
    case 'is': {
      const d = leaf(n, prefix);
      return d ? [d] : [];
    }
    case 'range':
    case 'match_all':
      return [];
  }
}

/** A field token naming one concrete field (no wildcard), or undefined. */
function plainName(f: KqlValue): string | undefined {
  if (f.kind !== 'literal' || typeof f.value !== 'string' || f.value === '') return undefined;
  return f.value;
}

function leaf(n: IsNode, prefix: string): Discriminator | undefined {
  if (n.field === null) return undefined; // free text reads every field
  const name = plainName(n.field);
  if (name === undefined) return undefined;
  const field = prefix + name;
  const mode = fieldMode(field);
  // Analysed text matches words anywhere in a value: no prefix, suffix or exact value pins it.
  if (mode === 'text') return undefined;
  const patterns = valuePatterns(field, n.value, mode === 'caseless');
  if (!patterns) return undefined;
  if (mode === 'keyword') return [patterns];
  // `X.caseless` is read from X when the document has no X.caseless: either may hold the value.
  // The match is case-insensitive, which the lower-cased index already is.
  const base = field.slice(0, field.length - '.caseless'.length);
  return [patterns, { ...patterns, field: base }];
}

function valuePatterns(field: string, v: KqlValue, caseless: boolean): FieldPatterns | undefined {
  if (v.kind === 'literal') {
    if (typeof v.value !== 'string') return undefined;
    // On a keyword field numbers, booleans, IPs, CIDRs and dates also match other spellings and
    // types; a caseless comparison is a plain whole-string one whatever the text.
    if (!caseless && literalTest(v.value).extra) return undefined;
    return exactPatterns(field, [v.value]);
  }
  // Segments are decoded text between unescaped stars; KQL has no `?` wildcard, so a literal
  // `?` (like `*` and `\`) is escaped before the pattern is read back.
  const pattern = v.segments.map((s) => s.replace(/[\\*?]/g, '\\$&')).join('*');
  return fieldPatterns(field, [wildcardPattern(pattern, true)]);
}
