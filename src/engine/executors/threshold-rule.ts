import { compileField, toValues } from '../../fields/index.js';
import type { StreamingStatefulRule } from '../candidates/streaming-rule.js';
import type { Candidate, StatefulRule } from '../compiled-rule.js';
import type { RuleBase } from '../compile-rule.js';
import type { Hit } from '../hit.js';
import { eventHit } from '../make-hit.js';
import { isoTime } from '../rule-time.js';
import { ruleProjection } from '../rule-projection.js';
import { sampledWeigher } from '../candidates/heap-size.js';
import { RunWindow, scheduleOf } from '../schedule.js';
import type { KqlPredicate } from './query-rule.js';
import { valueCombinations } from './value-combinations.js';

/** One candidate as the groups' windows hold it (shared by every group the event falls in). */
interface Entry {
  ev: Candidate;
  /** Position in the stream: orders hits the way the events came. */
  seq: number;
  /** Per cardinality field, the event's distinct values (as keys). */
  card: string[][];
  bytes: number;
}

/** A group's live state: only the events inside its current look-back, plus its open burst. */
interface Group {
  key: string;
  values: unknown[];
  window: RunWindow<Entry>;
  visit: (run: number) => void;
  /** Per cardinality field: value key -> how many held events carry it. */
  distinct: Map<string, number>[];
  lastTs: number;
  burst: OpenBurst | undefined;
}

interface OpenBurst {
  hit: Hit & { threshold: NonNullable<Hit['threshold']> };
  lastRun: number;
  order: [number, number];
}

/** Map entry, window slot and per-field counters of an entry (beyond its document). */
const ENTRY_BYTES = 96;

/**
 * threshold: per group of `threshold.field` values, count matching events in each emulated
 * run's look-back window; a group meeting `value` (and every cardinality condition) is reported
 * once per burst of consecutive qualifying runs, with the largest count seen in the burst.
 *
 * Candidates are read once, in time order. A group holds the events inside its current window
 * and is dropped once its window empties; a burst's hit is made when it starts and updated while
 * it lasts, so nothing outside one look-back is kept.
 */
export function compileThresholdRule(base: RuleBase, predicate: KqlPredicate): StatefulRule {
  const spec = base.rule.threshold;
  if (!spec) throw new Error('threshold rule has no [rule.threshold]');
  const fields = spec.field ?? [];
  const getters = fields.map((f) => compileField(f));
  const cardinality = (spec.cardinality ?? []).map((c) => ({ ...c, get: compileField(c.field) }));
  const minCount = spec.value;
  const schedule = scheduleOf(base.rule);
  const { intervalMs, lookbackMs } = schedule;

  const rule: StreamingStatefulRule = {
    ...base,
    stateful: true,
    route: predicate.route,
    discriminators: predicate.discriminators,
    candidate: predicate.match,
    project: ruleProjection(base.rule, [...fields, ...cardinality.map((c) => c.field)]),
    evaluate: (candidates, ctx) => rule.evaluateStream(candidates, { ...ctx, stateBytes: Number.POSITIVE_INFINITY }),
    evaluateStream(candidates, ctx) {
      // Insertion order is kept equal to last-event order (delete before re-set), so the groups
      // gone quiet longest are at the front.
      const groups = new Map<string, Group>();
      const bursts: OpenBurst[] = [];
      let eventSeq = 0;
      let heldBytes = 0;
      let heldEntries = 0;
      let peakGroups = 0;
      let peakEntries = 0;

      const visitor = (g: Group) => (k: number) => {
        const w = g.window;
        const count = w.size;
        const cards = cardinality.map((c, i) => ({ field: c.field, value: g.distinct[i].size }));
        const qualifies = count >= minCount && cards.every((c, i) => c.value >= cardinality[i].value);
        if (!qualifies) {
          g.burst = undefined;
          return;
        }
        const b = g.burst;
        if (b && k === b.lastRun + 1) {
          // Windows only move forward: the burst now ends at this window's last event.
          b.lastRun = k;
          b.hit.threshold.to = isoTime(w.last.ev.ts);
          if (count > b.hit.threshold.count) {
            b.hit.threshold.count = count;
            if (cardinality.length) b.hit.threshold.cardinality = cards;
          }
          return;
        }
        const first = w.first;
        const hit = {
          ...eventHit(base.hitRule, first.ev, first.ev.ts),
          threshold: {
            terms: fields.map((field, i) => ({ field, value: g.values[i] })),
            count,
            ...(cardinality.length ? { cardinality: cards } : {}),
            from: isoTime(first.ev.ts),
            to: isoTime(w.last.ev.ts),
          },
        };
        // Ties (one event starting bursts of several groups) follow the order of the groups'
        // values in that event: independent of what came before, so of where the evidence starts.
        const tie = valueCombinations(getters, first.ev.doc).findIndex((v) => JSON.stringify(v) === g.key);
        g.burst = { hit, lastRun: k, order: [first.seq, tie] };
        bursts.push(g.burst);
      };

      const makeGroup = (key: string, values: unknown[]): Group => {
        const distinct = cardinality.map(() => new Map<string, number>());
        const forget = (e: Entry) => {
          heldBytes -= e.bytes;
          heldEntries--;
          for (let i = 0; i < distinct.length; i++) {
            for (const v of e.card[i]) {
              const n = distinct[i].get(v) as number;
              if (n === 1) distinct[i].delete(v);
              else distinct[i].set(v, n - 1);
            }
          }
        };
        const window = new RunWindow<Entry>(schedule, (e) => e.ev.ts as number, forget);
        const g: Group = { key, values, window, visit: () => {}, distinct, lastTs: Number.NEGATIVE_INFINITY, burst: undefined };
        g.visit = visitor(g);
        return g;
      };
      const advance = (g: Group, now: number) => g.window.advance(now, g.visit);

      /** A group with no event since `lastTs` has visited all its runs once `now` passes this. */
      const quietUntil = (lastTs: number) => (Math.floor((lastTs + lookbackMs) / intervalMs) + 1) * intervalMs;
      const retireQuiet = (now: number) => {
        for (const g of groups.values()) {
          if (quietUntil(g.lastTs) >= now) break;
          advance(g, now);
          groups.delete(g.key);
        }
      };

      // Unbounded (evaluate over an array already in memory): nothing to warn about, no weighing.
      const weigh = Number.isFinite(ctx.stateBytes) ? sampledWeigher() : undefined;
      let warned = false;
      for (const ev of candidates) {
        const ts = ev.ts;
        if (ts === undefined) continue;
        retireQuiet(ts);
        const combos = valueCombinations(getters, ev.doc);
        if (combos.length === 0) continue;
        const card = cardinality.map((c) => distinctKeys(c.get(ev.doc)));
        // The document is shared, but weighed once per group holding it: erring high.
        const entry: Entry = { ev, seq: eventSeq++, card, bytes: weigh ? ENTRY_BYTES + weigh(ev.doc) : 0 };
        for (const values of combos) {
          const key = JSON.stringify(values);
          let g = groups.get(key);
          if (g) {
            advance(g, ts);
            groups.delete(key);
          } else g = makeGroup(key, values);
          groups.set(key, g);
          g.lastTs = ts;
          g.window.add(entry);
          for (let i = 0; i < card.length; i++) for (const v of card[i]) g.distinct[i].set(v, (g.distinct[i].get(v) ?? 0) + 1);
          heldBytes += entry.bytes;
          heldEntries++;
        }
        if (groups.size > peakGroups) peakGroups = groups.size;
        if (heldEntries > peakEntries) peakEntries = heldEntries;
        if (!warned && heldBytes > ctx.stateBytes) {
          warned = true;
          ctx.warn(
            `the events inside one look-back window (~${Math.round(heldBytes / 1024)} KB over ${groups.size} group(s)) ` +
              'exceeded the memory share for rule state; they were kept, as threshold counts must be exact',
          );
        }
      }
      for (const g of groups.values()) advance(g, Number.POSITIVE_INFINITY);
      ctx.stat('threshold_groups', peakGroups);
      ctx.stat('threshold_window_events', peakEntries);
      bursts.sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1]);
      return bursts.map((b) => b.hit);
    },
  };
  return rule;
}

/** The distinct values of a cardinality field in one event, as keys. */
function distinctKeys(value: unknown): string[] {
  if (!Array.isArray(value)) return value === undefined || value === null ? [] : [JSON.stringify(value)];
  return [...new Set(toValues(value).map((v) => JSON.stringify(v)))];
}
