import { hostOf } from '../fields/index.js';
import type { Provenance, TrawlEvent } from '../input/event.js';
import type { Rule } from '../rules/rule.js';
import type { Hit, HitRule } from './hit.js';
import { isoTime } from './rule-time.js';

export { hostOf };

export function hitRuleOf(rule: Rule): HitRule {
  return {
    id: rule.rule_id,
    name: rule.name,
    type: rule.type,
    severity: rule.severity,
    risk_score: rule.risk_score,
    tags: rule.tags,
    threat: rule.threat,
  };
}

export function provenanceOf(ev: TrawlEvent): Provenance {
  return { file: ev.file, line: ev.line };
}

export function eventHit(rule: HitRule, ev: TrawlEvent, ts: number | undefined): Hit {
  return { rule, timestamp: isoTime(ts), host: hostOf(ev.doc), event: ev.doc, source: provenanceOf(ev) };
}
