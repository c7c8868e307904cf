import { compileField, toValues } from '../fields/index.js';
import type { Provenance, TrawlEvent } from '../input/event.js';
import type { Rule } from '../rules/rule.js';
import type { Hit, HitRule } from './hit.js';
import { isoTime } from './rule-time.js';

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

const hostGetters = ['host.name', 'host.hostname', 'host.id'].map((f) => compileField(f));

export function hostOf(doc: Record<string, unknown> | undefined): string | undefined {
  if (!doc) return undefined;
  for (const get of hostGetters) {
    const v = toValues(get(doc))[0];
    if (v !== undefined && v !== '') return String(v);
  }
  return undefined;
}

export function provenanceOf(ev: TrawlEvent): Provenance {
  return { file: ev.file, line: ev.line };
}

export function eventHit(rule: HitRule, ev: TrawlEvent, ts: number | undefined): Hit {
  return { rule, timestamp: isoTime(ts), host: hostOf(ev.doc), event: ev.doc, source: provenanceOf(ev) };
}
