/**
 * KQL (Kibana Query Language) for trawl: parse, compile to a document predicate, compile a
 * rule's Kibana filters, and derive routing facts. See README.md for where offline answers can
 * differ from an Elasticsearch index.
 */
import type { RuleFilter } from '../../rules/rule.js';
import type { KqlNode } from './ast.js';
import { compileNode, type DocPredicate } from './compile/index.js';
import { compileFilterList } from './filters.js';
import { parseKql } from './parser.js';

export type {
  AndNode,
  IsNode,
  KqlNode,
  KqlValue,
  LiteralValue,
  Location,
  MatchAllNode,
  NestedNode,
  NotNode,
  OrNode,
  RangeNode,
  RangeOperator,
  WildcardValue,
} from './ast.js';
export type { DocPredicate } from './compile/index.js';
export { parseKql } from './parser.js';
export { kqlFields, kqlRequiredTerms, type RequiredTerm } from './terms.js';
export { kqlDiscriminators } from './discriminators.js';
export { checkKqlSchema, type KqlSchema } from './schema.js';

export interface KqlOptions {
  /** Fixed evaluation clock (epoch ms) for date math such as `now-1d`; default: Date.now() at compile. */
  now?: number;
}

/** Compiles a query (text or parsed AST) to a predicate. Throws QueryError on syntax errors. */
export function compileKql(query: string | KqlNode, options: KqlOptions = {}): DocPredicate {
  const node = typeof query === 'string' ? parseKql(query) : query;
  return compileNode(node, options.now ?? Date.now());
}

/**
 * Kibana filter objects from a rule's `[[rule.filters]]` (phrase, phrases, exists, range,
 * wildcard, term(s), bool must/should/must_not/filter; query_string on a best-effort basis),
 * honouring meta.negate and meta.disabled. True when every enabled filter passes.
 */
export function compileFilters(filters: RuleFilter[], options: KqlOptions = {}): DocPredicate {
  return compileFilterList(filters, options.now ?? Date.now(), compileKql);
}
