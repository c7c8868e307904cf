/**
 * Optional type check of a parsed query against an index mapping (field → Elasticsearch type),
 * like the detection-rules validator: unknown fields, wildcard fields that resolve to
 * incompatible types, values that cannot be of the field's type, `{}` on a non-nested field.
 * Throws QueryError of kind 'type'. trawl hunts without a mapping, so this is for validation.
 */
import { QueryError } from '../query-error.js';
import type { KqlNode, KqlValue } from './ast.js';
import { isWildcardAll, valueText } from './ast.js';
import { evalDateMath, looksLikeDate } from './match/date-math.js';
import { globMatcher } from './match/glob.js';
import { parseCidr, parseIp } from './match/ip.js';
import { toNumber } from './match/scalar.js';

export type KqlSchema = Record<string, string>;
type Family = 'string' | 'number' | 'date' | 'ip' | 'boolean' | 'nested' | 'object' | 'other';

const FAMILIES: Record<string, Family> = {
  keyword: 'string',
  constant_keyword: 'string',
  wildcard: 'string',
  text: 'string',
  match_only_text: 'string',
  'annotated-text': 'string',
  search_as_you_type: 'string',
  version: 'string',
  long: 'number',
  integer: 'number',
  short: 'number',
  byte: 'number',
  double: 'number',
  float: 'number',
  half_float: 'number',
  scaled_float: 'number',
  unsigned_long: 'number',
  date: 'date',
  date_nanos: 'date',
  ip: 'ip',
  boolean: 'boolean',
  nested: 'nested',
  object: 'object',
};

function family(type: string): Family {
  return FAMILIES[type] ?? 'other';
}

export function checkKqlSchema(node: KqlNode, schema: KqlSchema, query = ''): void {
  const fail = (message: string, at: number): never => {
    throw new QueryError(message, query, at, 'type');
  };

  const resolve = (field: KqlValue, prefix: string): Family[] => {
    const name = prefix + valueText(field);
    if (field.kind === 'wildcard') {
      const glob = globMatcher(field.segments.map((s, i) => (i === 0 ? prefix + s : s)));
      const types = [...new Set(Object.keys(schema).filter(glob).map((k) => family(schema[k])))];
      if (types.length === 0) fail(`Unknown field ${name}`, field.location.min);
      if (types.length > 1) fail(`Field ${name} resolves to incompatible types: ${types.join(', ')}`, field.location.min);
      return types;
    }
    const type = schema[name];
    if (type === undefined) fail(`Unknown field ${name}`, field.location.min);
    return [family(type)];
  };

  const checkValue = (fam: Family, v: KqlValue, name: string, range: boolean): void => {
    const bad = (why: string) => fail(`Value ${valueText(v)} is not valid for ${fam} field ${name}: ${why}`, v.location.min);
    if (fam === 'string' || fam === 'other' || fam === 'object' || fam === 'nested') return;
    if (v.kind === 'wildcard') bad('wildcards only apply to string fields');
    const raw = v.kind === 'literal' ? v.value : null;
    const text = raw === null ? 'null' : String(raw);
    switch (fam) {
      case 'number':
        if (typeof raw === 'boolean' || toNumber(text) === undefined) bad('not a number');
        return;
      case 'date':
        if (!looksLikeDate(text) || evalDateMath(text, 0, false) === undefined) bad(range ? 'a range bound must be a date or date math' : 'not a date');
        return;
      case 'ip':
        if (parseIp(text) === undefined && parseCidr(text) === undefined) bad('not an IP address or CIDR');
        return;
      case 'boolean':
        if (text !== 'true' && text !== 'false') bad('not a boolean');
        return;
    }
  };

  const visit = (n: KqlNode, prefix: string): void => {
    switch (n.type) {
      case 'match_all':
        return;
      case 'is': {
        if (n.field === null || (isWildcardAll(n.field) && isWildcardAll(n.value))) return;
        const fams = resolve(n.field, prefix);
        if (isWildcardAll(n.value)) return;
        for (const f of fams) checkValue(f, n.value, prefix + valueText(n.field), false);
        return;
      }
      case 'range': {
        const fams = resolve(n.field, prefix);
        for (const f of fams) checkValue(f, n.value, prefix + valueText(n.field), true);
        return;
      }
      case 'nested': {
        const name = prefix + valueText(n.path);
        if (schema[name] !== 'nested') fail(`Expected a nested field, ${name} is ${schema[name] ?? 'unknown'}`, n.path.location.min);
        visit(n.child, `${name}.`);
        return;
      }
      case 'not':
        visit(n.child, prefix);
        return;
      case 'and':
      case 'or':
        for (const c of n.children) visit(c, prefix);
    }
  };
  visit(node, '');
}
