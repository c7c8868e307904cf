/** Map entry, key string header and boxed time per remembered value (measured: ~65 bytes). */
const ENTRY_BYTES = 72;
/** Below this many values, sweeping is not worth the walk. */
const SWEEP_MIN = 4096;

/**
 * When each new_terms value combination was last seen, fed in time order. Entries older than
 * the history window are forgotten — such a value is new again anyway, so results do not change.
 * Past `budgetBytes` of values still inside the window, the least recently seen are evicted and
 * counted: a later repeat of one is then reported as new.
 */
export class LastSeen {
  // Insertion order is kept equal to last-seen order (delete before re-set), so the oldest
  // entries are always at the front and a sweep stops at the first one it must keep.
  private readonly times = new Map<string, number>();
  private bytes = 0;
  private sweepAt = SWEEP_MIN;
  evicted = 0;
  peak = 0;

  constructor(
    private readonly historyMs: number,
    private readonly budgetBytes: number,
  ) {}

  get(key: string): number | undefined {
    return this.times.get(key);
  }

  set(key: string, ts: number): void {
    if (this.times.delete(key)) this.times.set(key, ts);
    else {
      this.times.set(key, ts);
      this.bytes += ENTRY_BYTES + key.length;
      if (this.times.size > this.peak) this.peak = this.times.size;
    }
  }

  /** Call after each event: sweeps when the map doubled since the last sweep or is over budget. */
  settle(now: number): void {
    if (this.times.size > this.sweepAt || this.bytes > this.budgetBytes) this.sweep(now);
  }

  private sweep(now: number): void {
    const cutoff = now - this.historyMs;
    const keepBytes = this.budgetBytes * 0.75;
    for (const [key, ts] of this.times) {
      const expired = ts < cutoff;
      if (!expired && this.bytes <= keepBytes) break;
      if (!expired) this.evicted++;
      this.times.delete(key);
      this.bytes -= ENTRY_BYTES + key.length;
    }
    this.sweepAt = Math.max(SWEEP_MIN, this.times.size * 2);
  }
}
