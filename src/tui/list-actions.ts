import { SEVERITIES } from './hit-facts.js';
import { bucketRange } from './histogram.js';
import { NO_FILTERS, visibleHits, type Filters } from './hit-view.js';
import { listRows } from './layout.js';
import { clamp, currentHit } from './stack.js';
import type { TuiState } from './state-types.js';

/** Move the list cursor and scroll the window so the cursor stays visible. */
export function withCursor(s: TuiState, cursor: number): TuiState {
  const c = clamp(cursor, 0, Math.max(0, s.visible.length - 1));
  const rows = listRows(s.height);
  let top = s.top;
  if (c < top) top = c;
  if (c >= top + rows) top = c - rows + 1;
  top = clamp(top, 0, Math.max(0, s.visible.length - rows));
  return { ...s, cursor: c, top };
}

/** Re-filter, keeping the same hit under the cursor when it is still visible. */
export function refilter(s: TuiState, filters: Filters, sort = s.sort): TuiState {
  const was = currentHit(s);
  const visible = visibleHits(s.ctx.facts, filters, sort);
  const at = was === undefined ? -1 : visible.indexOf(was);
  return withCursor({ ...s, filters, sort, visible, top: 0 }, at < 0 ? 0 : at);
}

/** `f` then s/r/h/x: cycle the minimum severity, toggle the selected hit's rule or host, clear all. */
export function filterBy(s: TuiState, by: 'severity' | 'rule' | 'host' | 'clear'): TuiState {
  const f = s.filters;
  const hit = currentHit(s);
  const facts = hit === undefined ? undefined : s.ctx.facts[hit];
  let next: Filters;
  if (by === 'severity') next = { ...f, minRank: (f.minRank + 1) % SEVERITIES.length };
  else if (by === 'rule') next = { ...f, rule: f.rule !== undefined ? undefined : facts?.rule };
  else if (by === 'host') next = { ...f, host: f.host !== undefined ? undefined : facts?.host };
  else next = NO_FILTERS;
  return { ...refilter(s, next), mode: { kind: 'normal' } };
}

/** `[` / `]`: select the previous / next histogram bucket (entering histogram mode). */
export function bucket(s: TuiState, by: number): TuiState {
  const n = s.histogram?.counts.length ?? 0;
  if (n === 0) return s;
  const from = s.mode.kind === 'histogram' ? s.mode.bucket : by > 0 ? -1 : n;
  return { ...s, mode: { kind: 'histogram', bucket: clamp(from + by, 0, n - 1) } };
}

/** Enter / `b` in histogram mode: filter the list to the selected bucket's time range. */
export function applyBucket(s: TuiState): TuiState {
  if (!s.histogram) return s;
  const b = s.mode.kind === 'histogram' ? s.mode.bucket : undefined;
  if (b === undefined) return { ...s, status: 'select a time bucket with [ and ] first' };
  return { ...refilter(s, { ...s.filters, range: bucketRange(s.histogram, b) }), mode: { kind: 'normal' } };
}
