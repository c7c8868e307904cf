/**
 * Elasticsearch date math for range bounds: `now`, `now-1d`, `now/d`, `now-1h/h`,
 * `2024-01-01||+1M/d`, and plain ISO dates. Rounding follows Elasticsearch: `gt`/`lte` round up
 * to the last millisecond of the unit, `gte`/`lt` round down. Times are UTC.
 */
import { parseTimestamp } from '../../../fields/index.js';

const UNIT = /^[yMwdhHms]$/;

export function looksLikeDate(s: string): boolean {
  return /^\d{4}-\d{2}(-\d{2})?([T ]|$)/.test(s) || s.startsWith('now') || s.includes('||');
}

/** Epoch ms for a bound, or undefined when `s` is not a date / date-math expression. */
export function evalDateMath(s: string, now: number, roundUp: boolean): number | undefined {
  let anchor: number | undefined;
  let ops: string;
  let dateOnly = false;
  if (s.startsWith('now')) {
    anchor = now;
    ops = s.slice(3);
  } else {
    const bar = s.indexOf('||');
    const text = bar >= 0 ? s.slice(0, bar) : s;
    ops = bar >= 0 ? s.slice(bar + 2) : '';
    if (!/^\d{4}-\d{2}/.test(text)) return undefined;
    dateOnly = /^\d{4}-\d{2}(-\d{2})?$/.test(text);
    anchor = parseTimestamp(text.length === 7 ? `${text}-01` : text);
    if (anchor === undefined) return undefined;
    if (dateOnly && ops === '' && roundUp) {
      // Missing components are filled in upward for gt/lte (`lte: 2024-01-01` covers the day).
      return roundTo(anchor, text.length === 7 ? 'M' : 'd', true);
    }
  }
  let t = anchor;
  let i = 0;
  while (i < ops.length) {
    const ch = ops[i];
    if (ch === '/') {
      const unit = ops[i + 1];
      if (!unit || !UNIT.test(unit)) return undefined;
      t = roundTo(t, unit, roundUp);
      i += 2;
      continue;
    }
    if (ch !== '+' && ch !== '-') return undefined;
    const m = /^(\d*)([yMwdhHms])/.exec(ops.slice(i + 1));
    if (!m) return undefined;
    const amount = (m[1] === '' ? 1 : Number(m[1])) * (ch === '-' ? -1 : 1);
    t = add(t, amount, m[2]);
    i += 1 + m[0].length;
  }
  return t;
}

function add(t: number, n: number, unit: string): number {
  const d = new Date(t);
  switch (unit) {
    case 'y':
      d.setUTCFullYear(d.getUTCFullYear() + n);
      return d.getTime();
    case 'M':
      d.setUTCMonth(d.getUTCMonth() + n);
      return d.getTime();
    case 'w':
      return t + n * 7 * 86_400_000;
    case 'd':
      return t + n * 86_400_000;
    case 'h':
    case 'H':
      return t + n * 3_600_000;
    case 'm':
      return t + n * 60_000;
    default:
      return t + n * 1000;
  }
}

function roundTo(t: number, unit: string, up: boolean): number {
  const d = new Date(t);
  let start: number;
  let next: number;
  switch (unit) {
    case 'y':
      start = Date.UTC(d.getUTCFullYear(), 0, 1);
      next = Date.UTC(d.getUTCFullYear() + 1, 0, 1);
      break;
    case 'M':
      start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
      next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
      break;
    case 'w': {
      const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      const sinceMonday = (d.getUTCDay() + 6) % 7;
      start = day - sinceMonday * 86_400_000;
      next = start + 7 * 86_400_000;
      break;
    }
    default: {
      const size = unit === 'd' ? 86_400_000 : unit === 'h' || unit === 'H' ? 3_600_000 : unit === 'm' ? 60_000 : 1000;
      start = Math.floor(t / size) * size;
      next = start + size;
    }
  }
  return up ? next - 1 : start;
}
