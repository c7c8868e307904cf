/** A sequence in flight. It advances in place, so the expiry queue's reference stays valid. */
export interface Partial<E> {
  events: E[];
  times: number[];
  /** Join key values of the latest event (the key string is their JSON). */
  keys: unknown[];
  key: string;
  /** The stage slot it waits in; DEAD once taken, replaced, expired, dropped or evicted. */
  stage: number;
  /** Estimated heap held (only counted under a budget). */
  bytes: number;
}

export const DEAD = -1;

/**
 * Below this many live partials nothing expires early: the maxspan check on advancing decides
 * anyway, and out-of-order input (the endgame suite streams in array order) keeps the answers it
 * had when expiry was a full sweep behind the same threshold.
 */
const EXPIRE_ABOVE = 1024;
/**
 * Measured together at ~375 bytes for a one-event partial of a one-value key (Node 20), before
 * the event itself: the partial and its events, times and key-value arrays...
 */
const PARTIAL_BYTES = 240;
/** ...a pointer and an unboxed double per further event... */
const EVENT_SLOT_BYTES = 16;
/** ...and the key's map entry, JSON string header and slot array. */
const KEY_BYTES = 150;

/**
 * A key's pending partials, one per stage: a newer one replaces the older, as in Elasticsearch.
 * No live count beside it: scanning a handful of slots is cheaper than an object per key.
 */
type Slots<E> = (Partial<E> | undefined)[];

export interface PartialBudget<E> {
  /** Heap the partials may hold before the least recently active join keys are dropped. */
  bytes: number;
  /** Estimated heap of one held event (its document and wrapper). */
  sizeOf: (event: E) => number;
}

/**
 * Live partial sequences by join key and stage, with the two ways they leave besides advancing:
 * maxspan expiry and eviction under a memory budget.
 *
 * Expiry: partials are created (at the first stage) in event order and keep their start time as
 * they advance, so on time-ordered input the creation queue is also deadline order and is popped
 * from the front. Taken, replaced or dropped partials are marked DEAD and skipped there.
 *
 * Eviction: with a finite budget, the key map is kept in last-activity order (re-inserted on each
 * touch) so the least recently active keys are at its front.
 */
export class PartialIndex<E> {
  private readonly byKey = new Map<string, Slots<E>>();
  private queue: (Partial<E> | undefined)[] = [];
  private head = 0;
  private readonly budget: number;
  private readonly lru: boolean;
  private readonly sizeOf: ((event: E) => number) | null;
  live = 0;
  peak = 0;
  bytes = 0;
  evictedPartials = 0;
  evictedKeys = 0;

  constructor(
    private readonly stages: number,
    private readonly maxspan: number | null,
    budget?: PartialBudget<E>,
  ) {
    this.budget = budget?.bytes ?? Number.POSITIVE_INFINITY;
    this.lru = Number.isFinite(this.budget);
    this.sizeOf = this.lru && budget ? budget.sizeOf : null;
  }

  /** A new partial holding a first-stage event; `put` it at stage 0 unless it already completes. */
  open(event: E, time: number, keys: unknown[], key: string): Partial<E> {
    const p: Partial<E> = { events: [event], times: [time], keys, key, stage: DEAD, bytes: 0 };
    if (this.sizeOf) p.bytes = PARTIAL_BYTES + EVENT_SLOT_BYTES + this.sizeOf(event);
    return p;
  }

  /** Append the event that advanced `p` (already taken from its slot). */
  extend(p: Partial<E>, event: E, time: number, keys: unknown[]): void {
    p.events.push(event);
    p.times.push(time);
    p.keys = keys;
    if (this.sizeOf) p.bytes += EVENT_SLOT_BYTES + this.sizeOf(event);
  }

  /** Remove and return the partial pending at `stage` for `key`. */
  take(key: string, stage: number): Partial<E> | undefined {
    const slots = this.byKey.get(key);
    const p = slots?.[stage];
    if (!slots || !p) return undefined;
    this.unlink(slots, p);
    return p;
  }

  /** Place `p` at `stage`, replacing the key's pending partial there. Stage 0 only for new ones. */
  put(p: Partial<E>, stage: number): void {
    if (stage === 0 && this.maxspan !== null) this.queue.push(p);
    let slots = this.byKey.get(p.key);
    if (!slots) {
      slots = new Array<Partial<E> | undefined>(this.stages);
      this.byKey.set(p.key, slots);
      if (this.lru) this.bytes += KEY_BYTES + p.key.length;
    } else if (this.lru) {
      this.byKey.delete(p.key);
      this.byKey.set(p.key, slots);
    }
    const old = slots[stage];
    if (old) {
      old.stage = DEAD;
      this.bytes -= old.bytes;
    } else this.live++;
    slots[stage] = p;
    p.stage = stage;
    this.bytes += p.bytes;
  }

  /** An `until` event: every partial of the key ends. */
  dropKey(key: string): number {
    const slots = this.byKey.get(key);
    if (!slots) return 0;
    let dropped = 0;
    for (const p of slots) {
      if (!p) continue;
      p.stage = DEAD;
      this.bytes -= p.bytes;
      dropped++;
    }
    this.live -= dropped;
    this.byKey.delete(key);
    if (this.lru) this.bytes -= KEY_BYTES + key.length;
    return dropped;
  }

  /** After each event: peak, expiry, eviction and queue upkeep. */
  settle(now: number): void {
    if (this.live > this.peak) this.peak = this.live;
    if (this.maxspan !== null) {
      if (this.live > EXPIRE_ABOVE) this.expire(now, this.maxspan);
      this.compactQueue();
    }
    if (this.bytes > this.budget) this.evict();
  }

  private expire(now: number, maxspan: number): void {
    const q = this.queue;
    while (this.head < q.length) {
      const p = q[this.head];
      if (p && p.stage !== DEAD) {
        if (!(now - p.times[0] > maxspan)) break;
        const slots = this.byKey.get(p.key);
        if (slots) this.unlink(slots, p);
      }
      q[this.head++] = undefined;
    }
  }

  /**
   * Dead entries wait in the queue until popped. Two ways they pile up: a consumed front (head far
   * along) and, when nothing expires (few live partials, or input out of time order), partials
   * replaced or completed behind a live front. Rebuilding when dead entries outnumber live ones
   * (plus slack) keeps the queue within a constant factor of the live count, amortised O(1).
   */
  private compactQueue(): void {
    const pending = this.queue.length - this.head;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (pending > 2 * this.live + 1024) {
      this.queue = this.queue.slice(this.head).filter((p) => p !== undefined && p.stage !== DEAD);
      this.head = 0;
    }
  }

  /** Drop least recently active keys until a quarter of the budget is free again. */
  private evict(): void {
    const target = this.budget * 0.75;
    for (const key of this.byKey.keys()) {
      if (this.bytes <= target) break;
      this.evictedPartials += this.dropKey(key);
      this.evictedKeys++;
    }
  }

  private unlink(slots: Slots<E>, p: Partial<E>): void {
    slots[p.stage] = undefined;
    p.stage = DEAD;
    this.bytes -= p.bytes;
    this.live--;
    if (isEmpty(slots)) {
      this.byKey.delete(p.key);
      if (this.lru) this.bytes -= KEY_BYTES + p.key.length;
    }
  }
}

function isEmpty<E>(slots: Slots<E>): boolean {
  for (let i = 0; i < slots.length; i++) if (slots[i]) return false;
  return true;
}
