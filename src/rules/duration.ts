/**
 * Elastic date math and durations as rules use them: `from = "now-9m"`, `interval = "5m"`,
 * `history_window_start = "now-7d"`. Calendar units are taken at fixed length (M = 30d, y = 365d);
 * rounding suffixes (`now-1d/d`) are ignored: offline, a look-back is a length, not an instant.
 */

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  H: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  M: 30 * 86_400_000,
  y: 365 * 86_400_000,
};

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|H|d|w|M|y)$/;
const NOW_MATH = /^now(?:\s*-\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|H|d|w|M|y))?(?:\/(?:s|m|h|H|d|w|M|y))?$/;

/**
 * `5m`, `1h`, `60s`, `7d` → milliseconds; `now-9m` → 540000 (its look-back length); `now` → 0.
 * Anything else (absolute dates, `now+1d`, garbage) → undefined.
 */
export function parseDuration(text: string): number | undefined {
  if (typeof text !== 'string') return undefined;
  const t = text.trim();
  const d = DURATION.exec(t);
  if (d) return Math.round(Number(d[1]) * UNIT_MS[d[2]!]!);
  const n = NOW_MATH.exec(t);
  if (n) return n[1] === undefined ? 0 : Math.round(Number(n[1]) * UNIT_MS[n[2]!]!);
  return undefined;
}

/** The look-back a rule's `from` asks for: `now-9m` → 540000. A bare duration is accepted too. */
export function lookbackMs(from: string): number | undefined {
  return parseDuration(from);
}

const SEVERITY_RANK: Record<string, number> = { low: 1, medium: 2, high: 3, critical: 4 };

/** low 1 < medium 2 < high 3 < critical 4; anything else 0 (case-insensitive). */
export function severityRank(s: string): number {
  return typeof s === 'string' ? (SEVERITY_RANK[s.trim().toLowerCase()] ?? 0) : 0;
}
