import { compileField, toValues } from '../../fields/index.js';
import type { StreamContext, StreamingStatefulRule } from '../candidates/streaming-rule.js';
import type { Candidate, StatefulRule } from '../compiled-rule.js';
import type { RuleBase } from '../compile-rule.js';
import type { Hit } from '../hit.js';
import { eventHit } from '../make-hit.js';
import { isoTime } from '../rule-time.js';
import { ruleProjection } from '../rule-projection.js';
import { sampledWeigher } from '../candidates/heap-size.js';
import { compareCandidates } from '../candidates/order.js';
import { RunWindow, runsContaining, scheduleOf } from '../schedule.js';
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

  // Cells count events, not distinct values: rules with cardinality keep their events. So do
  // rules whose look-back spans many runs (each event would be counted in every one).
  const tallied = cardinality.length === 0 && Math.floor(lookbackMs / intervalMs) + 1 <= MAX_TALLY_RUNS;

  const rule: StreamingStatefulRule = {
    ...base,
    stateful: true,
    route: predicate.route,
    discriminators: predicate.discriminators,
    candidate: predicate.match,
    project: ruleProjection(base.rule, [...fields, ...cardinality.map((c) => c.field)]),
    ...(tallied
      ? {
          tally: (doc: Record<string, unknown>, ts: number) => {
            const cells: { group: string; run: number }[] = [];
            const combos = valueCombinations(getters, doc);
            if (combos.length === 0) return cells;
            const [first, last] = runsContaining(ts, schedule);
            for (const values of combos) {
              const group = JSON.stringify(values);
              for (let k = first; k <= last; k++) cells.push({ group, run: k });
            }
            return cells;
          },
        }
      : {}),
    evaluate: (candidates, ctx) => rule.evaluateStream(candidates, { ...ctx, stateBytes: Number.POSITIVE_INFINITY }),
    evaluateStream(input, ctx) {
      const it = input[Symbol.iterator]();
      const head = it.next();
      if (head.done) return [];
      if (head.value.tally) return tallyHits(head.value, it, ctx);
      const candidates = prepend(head.value, it);
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

  /**
   * The same hits from tallied candidates: the cells of a key add up, and each non-empty cell is
   * what the stream's window held at that run — its count, its first event, its latest time. A
   * burst is a stretch of consecutive qualifying runs, as the stream visits them.
   */
  function tallyHits(head: Candidate, rest: Iterator<Candidate>, ctx: StreamContext): Hit[] {
    const cells = new Map<string, Cell>();
    for (let c: Candidate | undefined = head; c !== undefined; ) {
      const t = c.tally;
      if (t && c.ts !== undefined) {
        const key = `${t.run} ${t.group}`;
        const cell = cells.get(key);
        // Candidates come in candidate order: a key's first cell holds its earliest event.
        if (!cell) cells.set(key, { first: c, group: t.group, run: t.run, count: t.count, last: t.last });
        else {
          cell.count += t.count;
          if (t.last > cell.last) cell.last = t.last;
        }
      }
      const r = rest.next();
      c = r.done ? undefined : r.value;
    }
    const byGroup = new Map<string, Cell[]>();
    for (const cell of cells.values()) {
      const list = byGroup.get(cell.group);
      if (list) list.push(cell);
      else byGroup.set(cell.group, [cell]);
    }
    const bursts: { hit: Hit & { threshold: NonNullable<Hit['threshold']> }; first: Candidate; tie: number; lastRun: number }[] = [];
    for (const [group, list] of byGroup) {
      list.sort((a, b) => a.run - b.run);
      let open: (typeof bursts)[number] | undefined;
      for (const cell of list) {
        if (cell.count < minCount) {
          open = undefined;
          continue;
        }
        if (open && cell.run === open.lastRun + 1) {
          open.lastRun = cell.run;
          open.hit.threshold.to = isoTime(cell.last);
          if (cell.count > open.hit.threshold.count) open.hit.threshold.count = cell.count;
          continue;
        }
        const first = cell.first;
        const combos = valueCombinations(getters, first.doc);
        const tie = combos.findIndex((v) => JSON.stringify(v) === group);
        const values = combos[tie] ?? (JSON.parse(group) as unknown[]);
        const hit = {
          ...eventHit(base.hitRule, first, first.ts),
          threshold: {
            terms: fields.map((field, i) => ({ field, value: values[i] })),
            count: cell.count,
            from: isoTime(first.ts),
            to: isoTime(cell.last),
          },
        };
        open = { hit, first, tie, lastRun: cell.run };
        bursts.push(open);
      }
    }
    ctx.stat('threshold_groups', byGroup.size);
    ctx.stat('threshold_cells', cells.size);
    bursts.sort((a, b) => compareCandidates(a.first, b.first) || a.tie - b.tie);
    return bursts.map((b) => b.hit);
  }

  return rule;
}

/** Runs one event can fall in, at most, for its rule to fold events into cells. */
const MAX_TALLY_RUNS = 4;

interface Cell {
  first: Candidate;
  group: string;
  run: number;
  count: number;
  last: number;
}

function* prepend<T>(head: T, rest: Iterator<T>): Generator<T> {
  yield head;
  for (let r = rest.next(); !r.done; r = rest.next()) yield r.value;
}

/** The distinct values of a cardinality field in one event, as keys. */
function distinctKeys(value: unknown): string[] {
  if (!Array.isArray(value)) return value === undefined || value === null ? [] : [JSON.stringify(value)];
  return [...new Set(toValues(value).map((v) => JSON.stringify(v)))];
}
