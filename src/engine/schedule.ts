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
