import { compileField } from '../../fields/index.js';
import { lookbackMs } from '../../rules/index.js';
import type { StreamingStatefulRule } from '../candidates/streaming-rule.js';
import type { StatefulRule } from '../compiled-rule.js';
import type { RuleBase } from '../compile-rule.js';
import type { Hit } from '../hit.js';
import { eventHit } from '../make-hit.js';
import { ruleProjection } from '../rule-projection.js';
import { LastSeen } from './last-seen.js';
import type { KqlPredicate } from './query-rule.js';
import { valueCombinations } from './value-combinations.js';

const DEFAULT_HISTORY_MS = 7 * 24 * 3600_000;

/**
 * new_terms: an event matching the query is a hit when one of its value combinations of
 * `new_terms_fields` was not seen among matching events within the history window before it.
 * Arrays contribute every combination; an event missing any field is ignored, as Kibana does.
 */
export function compileNewTermsRule(base: RuleBase, predicate: KqlPredicate): StatefulRule {
  const fields = base.rule.new_terms_fields ?? [];
  if (fields.length === 0) throw new Error('new_terms rule has no new_terms_fields');
  const getters = fields.map((f) => compileField(f));
  const historyMs = lookbackMs(base.rule.history_window_start ?? '') ?? DEFAULT_HISTORY_MS;
  const rule: StreamingStatefulRule = {
    ...base,
    stateful: true,
    route: predicate.route,
    discriminators: predicate.discriminators,
    candidate: predicate.match,
    project: ruleProjection(base.rule, fields),
    evaluate: (candidates, ctx) => rule.evaluateStream(candidates, { ...ctx, stateBytes: Number.POSITIVE_INFINITY }),
    evaluateStream(candidates, ctx) {
      const lastSeen = new LastSeen(historyMs, ctx.stateBytes);
      const hits: Hit[] = [];
      for (const ev of candidates) {
        if (ev.ts === undefined) continue;
        const combos = valueCombinations(getters, ev.doc);
        let firstNew: unknown[] | undefined;
        for (const combo of combos) {
          const key = JSON.stringify(combo);
          const seen = lastSeen.get(key);
          if (firstNew === undefined && (seen === undefined || ev.ts - seen > historyMs)) firstNew = combo;
          lastSeen.set(key, ev.ts);
        }
        lastSeen.settle(ev.ts);
        if (firstNew) hits.push({ ...eventHit(base.hitRule, ev, ev.ts), new_terms: firstNew });
      }
      ctx.stat('new_terms_distinct_values', lastSeen.peak);
      if (lastSeen.evicted > 0) {
        ctx.warn(
          `${lastSeen.evicted} value combination(s) still inside the history window were forgotten to stay within ` +
            'the memory limit; a later repeat of one of them is reported as new',
        );
      }
      return hits;
    },
  };
  return rule;
}
