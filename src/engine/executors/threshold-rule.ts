import { compileField, toValues } from '../../fields/index.js';
import type { Candidate, StatefulRule } from '../compiled-rule.js';
import type { RuleBase } from '../compile-rule.js';
import type { Hit } from '../hit.js';
import { eventHit } from '../make-hit.js';
import { isoTime } from '../rule-time.js';
import { runWindow, runsContaining, scheduleOf, type Schedule } from '../schedule.js';
import type { KqlPredicate } from './query-rule.js';
import { valueCombinations } from './value-combinations.js';

interface Group {
  values: unknown[];
  events: Candidate[];
}

/**
 * threshold: per group of `threshold.field` values, count matching events in each emulated
 * run's look-back window; a group meeting `value` (and every cardinality condition) is reported
 * once per burst of consecutive qualifying runs, with the largest count seen in the burst.
 */
export function compileThresholdRule(base: RuleBase, predicate: KqlPredicate): StatefulRule {
  const spec = base.rule.threshold;
  if (!spec) throw new Error('threshold rule has no [rule.threshold]');
  const fields = spec.field ?? [];
  const getters = fields.map((f) => compileField(f));
  const cardinality = (spec.cardinality ?? []).map((c) => ({ ...c, get: compileField(c.field) }));
  const schedule = scheduleOf(base.rule);
  return {
    ...base,
    stateful: true,
    route: predicate.route,
    candidate: predicate.match,
    evaluate(candidates, ctx) {
      const groups = new Map<string, Group>();
      for (const ev of candidates) {
        if (ev.ts === undefined) continue;
        for (const values of valueCombinations(getters, ev.doc)) {
          const key = JSON.stringify(values);
          let g = groups.get(key);
          if (!g) groups.set(key, (g = { values, events: [] }));
          g.events.push(ev);
        }
      }
      ctx.stat('threshold_groups', groups.size);
      const hits: Hit[] = [];
      for (const g of groups.values()) {
        for (const burst of bursts(g.events, schedule, spec.value, cardinality)) {
          const first = burst.events[0];
          const last = burst.events[burst.events.length - 1];
          hits.push({
            ...eventHit(base.hitRule, first, first.ts),
            threshold: {
              terms: fields.map((field, i) => ({ field, value: g.values[i] })),
              count: burst.count,
              ...(cardinality.length ? { cardinality: burst.cardinality } : {}),
              from: isoTime(first.ts),
              to: isoTime(last.ts),
            },
          });
        }
      }
      return hits;
    },
  };
}

interface Burst {
  count: number;
  cardinality: { field: string; value: number }[];
  events: Candidate[];
}

type CardinalitySpec = { field: string; value: number; get: ReturnType<typeof compileField> };

function bursts(events: Candidate[], s: Schedule, minCount: number, card: CardinalitySpec[]): Burst[] {
  const runs = new Set<number>();
  for (const ev of events) {
    const [a, b] = runsContaining(ev.ts as number, s);
    for (let k = a; k <= b; k++) runs.add(k);
  }
  const ordered = [...runs].sort((x, y) => x - y);
  const out: Burst[] = [];
  let current: Burst | undefined;
  let lastRun = Number.NEGATIVE_INFINITY;
  let lo = 0;
  let hi = 0;
  let burstEnd = 0;
  for (const k of ordered) {
    const [from, to] = runWindow(k, s);
    while (lo < events.length && (events[lo].ts as number) < from) lo++;
    if (hi < lo) hi = lo;
    while (hi < events.length && (events[hi].ts as number) <= to) hi++;
    const count = hi - lo;
    const cards = card.map((c) => ({ field: c.field, value: distinct(events, lo, hi, c), min: c.value }));
    const qualifies = count >= minCount && cards.every((c) => c.value >= c.min);
    if (!qualifies) {
      current = undefined;
      continue;
    }
    if (current && k === lastRun + 1) {
      // Windows only move forward, so the burst grows by the events past its previous end.
      for (let i = Math.max(lo, burstEnd); i < hi; i++) current.events.push(events[i]);
      if (count > current.count) {
        current.count = count;
        current.cardinality = cards.map(({ field, value }) => ({ field, value }));
      }
    } else {
      current = { count, cardinality: cards.map(({ field, value }) => ({ field, value })), events: events.slice(lo, hi) };
      out.push(current);
    }
    lastRun = k;
    burstEnd = hi;
  }
  return out;
}

function distinct(events: Candidate[], lo: number, hi: number, c: CardinalitySpec): number {
  const seen = new Set<string>();
  for (let i = lo; i < hi; i++) for (const v of toValues(c.get(events[i].doc))) seen.add(JSON.stringify(v));
  return seen.size;
}
