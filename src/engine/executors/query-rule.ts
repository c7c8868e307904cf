import type { Discriminator } from '../../lang/discriminator.js';
import { compileFilters, compileKql, kqlDiscriminators, kqlRequiredTerms, parseKql } from '../../lang/kql/index.js';
import type { Rule } from '../../rules/rule.js';
import type { RouteTerm, StatelessRule } from '../compiled-rule.js';
import type { CompileOptions, RuleBase } from '../compile-rule.js';

export interface KqlPredicate {
  match: (doc: Record<string, unknown>) => boolean;
  route: RouteTerm[];
  /** From the query alone: the filters only narrow it further, so these stay necessary. */
  discriminators: Discriminator[];
}

/** A rule's KQL query AND its enabled Kibana filters, as one predicate plus routing terms. */
export function compileKqlPredicate(rule: Rule, options: CompileOptions): KqlPredicate {
  const ast = parseKql(rule.query ?? '');
  const query = compileKql(ast, { now: options.now });
  const route = kqlRequiredTerms(ast).map((t) => ({ ...t, caseInsensitive: false }));
  const discriminators = kqlDiscriminators(ast);
  if (!rule.filters?.length) return { match: query, route, discriminators };
  const filters = compileFilters(rule.filters, { now: options.now });
  return { match: (doc) => query(doc) && filters(doc), route, discriminators };
}

export function compileQueryRule(base: RuleBase, options: CompileOptions): StatelessRule {
  const { match, route, discriminators } = compileKqlPredicate(base.rule, options);
  return { ...base, stateful: false, match, route, discriminators };
}
