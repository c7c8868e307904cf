import { passes, type MissingStage } from './sequence-stage.js';
import type { EqlInput } from './types.js';

/**
 * Events matching missing-event stages (`![...]`), by stage and join key. A completed sequence is
 * only judged once the input ends, since a trailing missing stage looks past its last event.
 * The times are sorted once then, so each judgement is a few binary searches.
 */
export class MissingHits {
  private readonly hits: Map<string, number[]>[];
  /** Missing stages strictly between two real events, by the real stage they precede. */
  private readonly inner: { before: number; stages: number[] }[] = [];
  private readonly leading: number[] = [];
  private readonly trailing: number[] = [];
  private sorted = false;

  constructor(
    private readonly missing: MissingStage[],
    private readonly realStages: number,
    private readonly maxspan: number | null,
  ) {
    this.hits = missing.map(() => new Map());
    missing.forEach((m, i) => {
      if (m.before === 0) this.leading.push(i);
      else if (m.before >= realStages) this.trailing.push(i);
      else {
        const gap = this.inner.find((g) => g.before === m.before);
        if (gap) gap.stages.push(i);
        else this.inner.push({ before: m.before, stages: [i] });
      }
    });
  }

  record(ev: EqlInput, time: number, keyOf: (keys: unknown[]) => string): void {
    for (let i = 0; i < this.missing.length; i++) {
      const m = this.missing[i];
      if (!passes(m, ev)) continue;
      const k = keyOf(m.keys(ev.doc));
      const arr = this.hits[i].get(k);
      if (arr) arr.push(time);
      else this.hits[i].set(k, [time]);
    }
  }

  /**
   * Whether the missing-event stages rule a completed sequence out (ES semantics, as its QA suite
   * shows): a missing event strictly between two real events excludes on its own; missing stages
   * at the start and end exclude together, when all of them can be filled (in order) with the
   * whole sequence, missing events included, still within maxspan.
   */
  excludes(key: string, times: number[]): boolean {
    if (!this.sorted) this.sortAll();
    for (const gap of this.inner) {
      const from = times[gap.before - 1], to = times[gap.before];
      for (const j of gap.stages) {
        const t = this.firstAfter(j, key, from);
        if (t !== undefined && t < to) return true;
      }
    }
    if (this.leading.length === 0 && this.trailing.length === 0) return false;
    let lo = times[0], hi = times[this.realStages - 1];
    for (let j = this.leading.length - 1; j >= 0; j--) {
      const t = this.lastBefore(this.leading[j], key, lo);
      if (t === undefined) return false;
      lo = t;
    }
    for (const j of this.trailing) {
      const t = this.firstAfter(j, key, hi);
      if (t === undefined) return false;
      hi = t;
    }
    return this.maxspan === null || hi - lo <= this.maxspan;
  }

  private sortAll(): void {
    for (const byKey of this.hits) {
      for (const arr of byKey.values()) {
        let ordered = true;
        for (let i = 1; i < arr.length && ordered; i++) ordered = arr[i - 1] <= arr[i];
        if (!ordered) arr.sort((a, b) => a - b);
      }
    }
    this.sorted = true;
  }

  /** The earliest hit strictly after `bound`. */
  private firstAfter(stage: number, key: string, bound: number): number | undefined {
    const arr = this.hits[stage].get(key);
    if (!arr) return undefined;
    let lo = 0, hi = arr.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (arr[mid] > bound) hi = mid;
      else lo = mid + 1;
    }
    return lo < arr.length ? arr[lo] : undefined;
  }

  /** The latest hit strictly before `bound`. */
  private lastBefore(stage: number, key: string, bound: number): number | undefined {
    const arr = this.hits[stage].get(key);
    if (!arr) return undefined;
    let lo = 0, hi = arr.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (arr[mid] < bound) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? arr[lo - 1] : undefined;
  }
}
