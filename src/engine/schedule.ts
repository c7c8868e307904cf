import { lookbackMs, parseDuration } from '../rules/index.js';
import type { Rule } from '../rules/rule.js';

/** A rule's run schedule: every `intervalMs`, it searches the `lookbackMs` before the run. */
export interface Schedule {
  lookbackMs: number;
  intervalMs: number;
}

const DEFAULT_LOOKBACK = 6 * 60_000;
const DEFAULT_INTERVAL = 5 * 60_000;

export function scheduleOf(rule: Rule): Schedule {
  const intervalMs = parseDuration(rule.interval ?? '') ?? DEFAULT_INTERVAL;
  const lookback = lookbackMs(rule.from ?? '') ?? DEFAULT_LOOKBACK;
  // A look-back shorter than the interval would leave gaps the engine never searches; the
  // engine itself widens such windows, so do the same.
  return { intervalMs: Math.max(intervalMs, 1000), lookbackMs: Math.max(lookback, intervalMs) };
}

/**
 * Runs are emulated on a grid of multiples of the interval since the epoch (deterministic,
 * independent of which file came first). A run at time t searches [t - lookback, t].
 * Returns the indices k (run time k * interval) of every run whose window contains `ts`.
 */
export function runsContaining(ts: number, s: Schedule): [first: number, last: number] {
  const first = Math.ceil(ts / s.intervalMs);
  const last = Math.floor((ts + s.lookbackMs) / s.intervalMs);
  return [first, last];
}

export function runWindow(k: number, s: Schedule): [from: number, to: number] {
  const to = k * s.intervalMs;
  return [to - s.lookbackMs, to];
}

/**
 * The items of a time-ordered stream that lie inside the current emulated run's look-back, and
 * the walk over runs: `advance` visits, in order, exactly the runs whose window holds at least
 * one item (the runs in which the engine would find something), each when no later item can
 * still fall into it. Memory is what one window holds, however long the stream.
 *
 * Usage: for each item, `advance(ts, visit)` then `add(item)`; at the end `advance(Infinity, visit)`.
 * During `visit(k)` the held items are exactly those with ts in runWindow(k).
 */
export class RunWindow<T> {
  private items: T[] = [];
  private head = 0;
  /** The next run to visit. Every held item is at or before its end (the invariant `visit` relies on). */
  private nextRun = 0;
  private lastAdded = Number.NEGATIVE_INFINITY;
  /** Bumped by every add and eviction: equal versions at two visits mean the same items. */
  version = 0;

  constructor(
    private readonly s: Schedule,
    private readonly tsOf: (item: T) => number,
    private readonly onEvict?: (item: T) => void,
  ) {}

  get size(): number {
    return this.items.length - this.head;
  }

  get first(): T {
    return this.items[this.head];
  }

  get last(): T {
    return this.items[this.items.length - 1];
  }

  /** The held items, oldest first. */
  forEach(f: (item: T) => void): void {
    for (let i = this.head; i < this.items.length; i++) f(this.items[i]);
  }

  /** Adds an item no earlier than any added before; `advance` to its time first. */
  add(item: T): void {
    const ts = this.tsOf(item);
    // Out-of-order input would silently skew every count: fail the rule loudly instead.
    if (ts < this.lastAdded) throw new Error('candidates out of time order');
    this.lastAdded = ts;
    if (this.size === 0) {
      // Runs before this one are over and held nothing still unvisited (they were visited, or
      // emptied the window), and the first run after the item contains it since lookback >= interval.
      this.nextRun = Math.ceil(ts / this.s.intervalMs);
    }
    this.items.push(item);
    this.version++;
  }

  /**
   * Visits every run that ends before `now` and holds an item. Items stamped exactly `now` may
   * still come, so a run ending at `now` waits. Stops early when the window empties: the next
   * run holding anything then starts from the next `add`.
   */
  advance(now: number, visit: (run: number) => void): void {
    const { intervalMs, lookbackMs: lookback } = this.s;
    while (this.size > 0) {
      const k = this.nextRun;
      if (k * intervalMs >= now) break;
      const from = k * intervalMs - lookback;
      while (this.size > 0 && this.tsOf(this.items[this.head]) < from) this.evictFirst();
      if (this.size === 0) break;
      visit(k);
      this.nextRun = k + 1;
    }
    this.compact();
  }

  private evictFirst(): void {
    const item = this.items[this.head];
    (this.items as (T | undefined)[])[this.head] = undefined;
    this.head++;
    this.version++;
    this.onEvict?.(item);
  }

  /** Drops evicted slots once they are the larger part, keeping pushes and evictions O(1) amortized. */
  private compact(): void {
    if (this.head === 0) return;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
