import { compileProjection, type Projection } from '../fields/projection.js';
import type { Rule } from '../rules/rule.js';

/**
 * What a stateful rule's candidates keep: the fields its evaluation reads, plus the rule time
 * and host fields every hit is stamped with.
 */
export function ruleProjection(rule: Rule, fields: Iterable<string>): Projection {
  const extra = ['@timestamp', 'host.name', 'host.hostname', 'host.id'];
  if (rule.timestamp_override) extra.push(rule.timestamp_override);
  return compileProjection([...fields, ...extra]);
}
