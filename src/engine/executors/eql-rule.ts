import { compileEql } from '../../lang/eql/index.js';
import type { Rule } from '../../rules/rule.js';
import { approxHeapBytes, CANDIDATE_OVERHEAD } from '../candidates/heap-size.js';
import type { StreamingStatefulRule } from '../candidates/streaming-rule.js';
import type { Candidate, CompiledRule } from '../compiled-rule.js';
import type { RuleBase } from '../compile-rule.js';
import type { Hit } from '../hit.js';
import { hostOf, provenanceOf } from '../make-hit.js';
import { isoTime } from '../rule-time.js';
import { ruleProjection } from '../rule-projection.js';

type EqlRuleFields = Rule & { event_category_override?: string; tiebreaker_field?: string };

/**
 * Single-event EQL streams like a query rule; sequences and samples run over the rule's
 * candidates (events passing any stage's filter) in rule-time order, across the whole evidence —
 * the detection engine only sees sequences inside one run's look-back window.
 */
export function compileEqlRule(base: RuleBase): CompiledRule {
  const rule = base.rule as EqlRuleFields;
  const query = compileEql(rule.query ?? '', {
    timestampField: rule.timestamp_override ?? '@timestamp',
    eventCategoryField: rule.event_category_override,
    tiebreakerField: rule.tiebreaker_field,
  });
  const route = query.requiredTerms;
  const discriminators = query.discriminators;
  if (query.kind === 'event') {
    return { ...base, stateful: false, route, discriminators, match: (doc) => query.filter(doc) };
  }
  // Sequences and samples read candidates once, in order: spilled ones stream back from disk.
  const stateful: StreamingStatefulRule = {
    ...base,
    stateful: true,
    route,
    discriminators,
    stageDiscriminators: query.stageDiscriminators,
    candidate: (doc) => query.filter(doc),
    mark: query.mark,
    prune: query.prune,
    pruneKeys: query.openings,
    // Marked candidates are never re-tested: evaluation reads their join keys and time only.
    // Unmarked ones (a query with too many stages) are, so they keep every field it names.
    project: ruleProjection(rule, [
      ...(query.markedFields ?? query.fields),
      ...[rule.tiebreaker_field, query.markedFields ? undefined : rule.event_category_override].filter((f): f is string => !!f),
    ]),
    evaluate: (candidates, ctx) => stateful.evaluateStream(candidates, { ...ctx, stateBytes: Number.POSITIVE_INFINITY }),
    evaluateStream(candidates, ctx) {
      const matches = query.run(candidates, {
        stateBytes: ctx.stateBytes,
        sizeOf: (c) => approxHeapBytes(c.doc) + CANDIDATE_OVERHEAD,
        onWarning: (w) => ctx.warn(w),
      });
      ctx.stat('eql_peak_partial_sequences', query.stats.peakPartials);
      return matches.map((m): Hit => sequenceHit(base, m.events, m.join_keys));
    },
  };
  return stateful;
}

function sequenceHit(base: RuleBase, events: Candidate[], joinKeys: unknown[] | undefined): Hit {
  const first = events[0];
  const hit: Hit = {
    rule: base.hitRule,
    timestamp: isoTime(first?.ts),
    host: hostOf(first?.doc),
    events: events.map((e) => e.doc),
    source: events.map(provenanceOf),
  };
  if (joinKeys?.length) hit.join_keys = joinKeys;
  return hit;
}
