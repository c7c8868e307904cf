import { sourcesOf, type Hit } from '../engine/hit.js';
import type { HuntSummary } from '../hunt/summary.js';

export type HitFormat = 'json' | 'ndjson' | 'csv' | 'table';

/** `{"hits": [...], "summary": {...}}` — the stable export contract (also what `trawl view` reads). */
export function toJson(hits: readonly Hit[], summary: HuntSummary): string {
  return `${JSON.stringify({ hits, summary }, null, 2)}\n`;
}

/** One hit per line; the summary is not part of the stream (it goes to stderr). */
export function toNdjson(hits: readonly Hit[]): string {
  let out = '';
  for (const h of hits) out += `${JSON.stringify(h)}\n`;
  return out;
}

const CSV_COLUMNS = ['timestamp', 'severity', 'rule_id', 'rule_name', 'rule_type', 'host', 'process', 'file', 'line', 'detail'] as const;

/** A flat row per hit for spreadsheets: the hit's main facts, locations joined by `;`. */
export function toCsv(hits: readonly Hit[]): string {
  const rows = [CSV_COLUMNS.join(',')];
  for (const h of hits) {
    const sources = sourcesOf(h);
    const cells = [
      h.timestamp,
      h.rule.severity,
      h.rule.id,
      h.rule.name,
      h.rule.type,
      h.host ?? '',
      processName(h) ?? '',
      [...new Set(sources.map((s) => s.file))].join(';'),
      sources.map((s) => s.line).join(';'),
      hitDetail(h),
    ];
    rows.push(cells.map(csvCell).join(','));
  }
  return `${rows.join('\n')}\n`;
}

function csvCell(v: unknown): string {
  const s = String(v ?? '');
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** process.name of the hit's (first) event, for lists. */
export function processName(h: Hit): string | undefined {
  const doc = h.event ?? h.events?.[0];
  const p = doc?.['process'];
  if (p && typeof p === 'object' && !Array.isArray(p)) {
    const n = (p as Record<string, unknown>)['name'];
    if (typeof n === 'string') return n;
  }
  const dotted = doc?.['process.name'];
  if (typeof dotted === 'string') return dotted;
  const row = h.row?.['process.name'];
  return typeof row === 'string' ? row : undefined;
}

/** A one-line description of what made this a hit beyond the rule itself. */
export function hitDetail(h: Hit): string {
  if (h.new_terms) return `new terms: ${h.new_terms.map(String).join(', ')}`;
  if (h.threshold) {
    const terms = h.threshold.terms.map((t) => `${t.field}=${String(t.value)}`).join(' ');
    return `count ${h.threshold.count}${terms ? ` for ${terms}` : ''} (${h.threshold.from} – ${h.threshold.to})`;
  }
  if (h.events) return `sequence of ${h.events.length} events${h.join_keys?.length ? ` by ${h.join_keys.map(String).join(', ')}` : ''}`;
  if (h.row && !h.event) {
    return Object.entries(h.row)
      .filter(([, v]) => typeof v === 'number')
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ');
  }
  return '';
}
