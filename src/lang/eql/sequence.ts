import { MissingHits } from './sequence-missing.js';
import { PartialIndex, type Partial } from './sequence-partials.js';
import { passes, type MissingStage, type SeqStage } from './sequence-stage.js';
import type { EqlInput, EqlMatch } from './types.js';

export type { MissingStage, SeqStage } from './sequence-stage.js';

export interface SeqSpec {
  stages: SeqStage[];
  missing: MissingStage[];
  until: SeqStage | null;
  maxspan: number | null;
  time: (doc: Record<string, unknown>) => number;
}

export interface SeqOptions<E> {
  /**
   * Heap the live partial sequences may hold. Past it, the partials of the least recently active
   * join keys are dropped (a sequence one of them would have completed is missed) and `onWarning`
   * says how many. Unbounded when absent.
   */
  stateBytes?: number;
  /** Estimated heap of one event a partial holds; a flat 1 KB when absent. */
  sizeOf?: (event: E) => number;
  onWarning?: (message: string) => void;
}

const DEFAULT_EVENT_BYTES = 1024;

const keyOf = (keys: unknown[]) => JSON.stringify(keys);

/** The join keys first-stage events open: what `sequenceInput` needs to know of all the input. */
export function sequenceOpenings<E extends EqlInput>(spec: SeqSpec, events: readonly E[]): Set<string> {
  return openings(spec, events, undefined);
}

/** As sequenceOpenings, marking in `opens` which events match the first stage. */
function openings<E extends EqlInput>(spec: SeqSpec, events: readonly E[], opens: Uint8Array | undefined): Set<string> {
  const first = spec.stages[0];
  const opened = new Set<string>();
  for (let i = 0; i < events.length; i++) {
    if (!passes(first, events[i])) continue;
    if (opens) opens[i] = 1;
    opened.add(keyOf(first.keys(events[i].doc)));
  }
  return opened;
}

/**
 * The events that can take part in the sequence, in their order. Every partial starts at a
 * first-stage event and is only extended, ended (until) or excluded (missing stages) by events
 * under its own join key, so an event that matches no first stage, and no other stage under a
 * key some first-stage event has, changes nothing: `runSequence` over the result returns what
 * it returns over all of `events`. Taken before the time sort, this spares sorting and running
 * the (usually many) events of a sequence's broad later stages on hosts or processes its narrow
 * first stage never saw. `given` keys may be more than `events` open (input split among
 * scanners prunes each share with the keys of all of them).
 */
export function sequenceInput<E extends EqlInput>(spec: SeqSpec, events: readonly E[], given?: ReadonlySet<string>): E[] {
  // Computing the keys here marks the first-stage events on the way: each is tested once.
  const opens = given ? undefined : new Uint8Array(events.length);
  const opened = given ?? openings(spec, events, opens);
  const out: E[] = [];
  if (opened.size === 0) return out;
  const first = spec.stages[0];
  // Stages repeated by `with runs` share their filter: test each distinct one once.
  const others = new Map<SeqStage['filter'], SeqStage>();
  for (const st of [...spec.stages.slice(1), ...spec.missing, ...(spec.until ? [spec.until] : [])]) others.set(st.filter, st);
  const rest = [...others.values()];
  for (let i = 0; i < events.length; i++) {
    const ev = events[i];
    let keep = opens ? opens[i] === 1 : passes(first, ev);
    for (let j = 0; !keep && j < rest.length; j++) {
      keep = passes(rest[j], ev) && opened.has(keyOf(rest[j].keys(ev.doc)));
    }
    if (keep) out.push(ev);
  }
  return out;
}

/**
 * Runs a sequence over events in time order. Per join key and stage only the most recent pending
 * partial is kept: Elasticsearch's matcher advances the latest sequence before an event and
 * discards the older ones with it, so in time order an older one could never advance. State is
 * thus bounded by keys × stages; with maxspan, partials also expire (see PartialIndex).
 */
export function runSequence<E extends EqlInput>(
  spec: SeqSpec,
  events: Iterable<E>,
  stats: { peakPartials: number },
  options: SeqOptions<E> = {},
): EqlMatch<E>[] {
  const n = spec.stages.length;
  const budget = options.stateBytes !== undefined && Number.isFinite(options.stateBytes)
    ? { bytes: options.stateBytes, sizeOf: options.sizeOf ?? (() => DEFAULT_EVENT_BYTES) }
    : undefined;
  const index = new PartialIndex<E>(n, spec.maxspan, budget);
  const missing = spec.missing.length ? new MissingHits(spec.missing, n, spec.maxspan) : null;
  const out: Partial<E>[] = [];
  stats.peakPartials = 0;
  for (const ev of events) {
    const doc = ev.doc;
    const ts = spec.time(doc);
    if (spec.until && passes(spec.until, ev)) index.dropKey(keyOf(spec.until.keys(doc)));
    missing?.record(ev, ts, keyOf);
    // Last stage first, so one event cannot both open a partial and advance it.
    for (let i = n - 1; i >= 0; i--) {
      const stage = spec.stages[i];
      if (!passes(stage, ev)) continue;
      const keys = stage.keys(doc);
      const k = keyOf(keys);
      if (i === 0) {
        const p = index.open(ev, ts, keys, k);
        if (n === 1) out.push(p);
        else index.put(p, 0);
        continue;
      }
      const prev = index.take(k, i - 1);
      if (!prev) continue;
      if (spec.maxspan !== null && ts - prev.times[0] > spec.maxspan) continue;
      index.extend(prev, ev, ts, keys);
      if (i === n - 1) out.push(prev);
      else index.put(prev, i);
    }
    index.settle(ts);
  }
  stats.peakPartials = index.peak;
  if (index.evictedPartials > 0) {
    options.onWarning?.(
      `${index.evictedPartials} partial sequence(s) of ${index.evictedKeys} join key(s) were dropped, least recently active ` +
        'first, to stay within the memory limit; a sequence one of them would have completed is missed',
    );
  }
  const kept = missing ? out.filter((p) => !missing.excludes(p.key, p.times)) : out;
  const missingPos = spec.missing.map((m) => m.position);
  return kept.map((p) => (missingPos.length ? { join_keys: p.keys, events: p.events, missing: missingPos } : { join_keys: p.keys, events: p.events }));
}
