/**
 * The sequence matcher as it was before partials were indexed by key and stage and expired from a
 * time-ordered queue (quadratic once more than 1024 partials are live). Kept verbatim as the
 * oracle for the differential tests in sequence-differential.test.ts: the new matcher must give
 * the same matches, in the same order, and the same peak partial count.
 */
import type { EqlInput, EqlMatch } from '../../src/lang/eql/types.js';
import type { SeqSpec } from '../../src/lang/eql/sequence.js';

interface Partial<E> { events: E[]; times: number[]; keys: unknown[]; key: string; first: number }

export function runSequenceReference<E extends EqlInput>(spec: SeqSpec, events: Iterable<E>, stats: { peakPartials: number }): EqlMatch<E>[] {
  const n = spec.stages.length;
  const state = new Map<string, (Partial<E> | undefined)[]>();
  const missingHits: Map<string, number[]>[] = spec.missing.map(() => new Map());
  const out: Partial<E>[] = [];
  let live = 0;
  stats.peakPartials = 0;
  const keyOf = (k: unknown[]) => JSON.stringify(k);
  let seq = 0;
  for (const ev of events) {
    seq++;
    const doc = ev.doc;
    const ts = spec.time(doc);
    if (spec.until && spec.until.filter(doc)) {
      const k = keyOf(spec.until.keys(doc));
      const st = state.get(k);
      if (st) { live -= st.filter(Boolean).length; state.delete(k); }
    }
    spec.missing.forEach((m, i) => {
      if (!m.filter(doc)) return;
      const k = keyOf(m.keys(doc));
      let arr = missingHits[i].get(k);
      if (!arr) missingHits[i].set(k, (arr = []));
      arr.push(ts);
    });
    for (let i = n - 1; i >= 0; i--) {
      const stage = spec.stages[i];
      if (!stage.filter(doc)) continue;
      const keys = stage.keys(doc);
      const k = keyOf(keys);
      let st = state.get(k);
      if (i === 0) {
        if (!st) state.set(k, (st = new Array(n)));
        if (!st[0]) live++;
        const p: Partial<E> = { events: [ev], times: [ts], keys, key: k, first: seq };
        if (n === 1) { out.push(p); continue; }
        st[0] = p;
        continue;
      }
      const prev = st?.[i - 1];
      if (!st || !prev) continue;
      st[i - 1] = undefined;
      live--;
      if (spec.maxspan !== null && ts - prev.times[0] > spec.maxspan) continue;
      const next: Partial<E> = { events: [...prev.events, ev], times: [...prev.times, ts], keys, key: k, first: prev.first };
      if (i === n - 1) out.push(next);
      else { if (!st[i]) live++; st[i] = next; }
    }
    if (live > stats.peakPartials) stats.peakPartials = live;
    // expire by maxspan to keep state bounded
    if (spec.maxspan !== null && live > 1024) {
      for (const [k, st] of state) {
        for (let i = 0; i < st.length; i++) {
          const p = st[i];
          if (p && ts - p.times[0] > spec.maxspan) { st[i] = undefined; live--; }
        }
        if (!st.some(Boolean)) state.delete(k);
      }
    }
  }
  const kept = spec.missing.length ? out.filter((p) => !negatedMatch(spec, missingHits, p, n)) : out;
  const missingPos = spec.missing.map((m) => m.position);
  return kept.map((p) => (missingPos.length ? { join_keys: p.keys, events: p.events, missing: missingPos } : { join_keys: p.keys, events: p.events }));
}

/**
 * Whether the missing-event stages rule a completed sequence out (ES semantics, as its QA suite
 * shows): a missing event strictly between two real events excludes on its own; missing stages at
 * the start and end exclude together, when all of them can be filled (in order) with the whole
 * sequence, missing events included, still within maxspan.
 */
function negatedMatch<E>(spec: SeqSpec, hits: Map<string, number[]>[], p: Partial<E>, n: number): boolean {
  let lo = p.times[0], hi = p.times[n - 1];
  const byGap = new Map<number, number[]>();
  spec.missing.forEach((m, i) => { const g = byGap.get(m.before) ?? []; g.push(i); byGap.set(m.before, g); });
  let edges = false;
  for (const [gap, idxs] of byGap) {
    if (gap > 0 && gap < n) {
      const from = p.times[gap - 1], to = p.times[gap];
      if (idxs.some((j) => (hits[j].get(p.key) ?? []).some((t) => t > from && t < to))) return true;
    }
  }
  for (const [gap, idxs] of byGap) {
    if (gap > 0 && gap < n) continue;
    edges = true;
    if (gap === 0) {
      let bound = p.times[0];
      for (let j = idxs.length - 1; j >= 0; j--) {
        let best: number | undefined;
        for (const t of hits[idxs[j]].get(p.key) ?? []) if (t < bound && (best === undefined || t > best)) best = t;
        if (best === undefined) return false;
        bound = best;
      }
      lo = bound;
    } else {
      let bound = p.times[n - 1];
      for (const j of idxs) {
        let best: number | undefined;
        for (const t of hits[j].get(p.key) ?? []) if (t > bound && (best === undefined || t < best)) best = t;
        if (best === undefined) return false;
        bound = best;
      }
      hi = bound;
    }
  }
  return edges && (spec.maxspan === null || hi - lo <= spec.maxspan);
}
