import type { Hit } from '../engine/hit.js';
import { parseTimestamp } from '../fields/index.js';
import { LINEAGE_KEY_FIELDS } from '../lineage/index.js';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

/** The facts of one hit the list shows, sorts, filters and searches on; computed once. */
export interface HitFacts {
  time: number;
  timeText: string;
  severity: string;
  rank: number;
  rule: string;
  host: string;
  process: string;
  commandLine: string;
  summary: string;
  /** Lower-cased rule, host, process and command line, for `/` search. */
  haystack: string;
}

export function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return v.map(text).join(', ');
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return '';
  }
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** A field of a document, nested or dotted (`process.name` / {"process.name": …}). */
export function field(doc: unknown, path: string): unknown {
  const o = obj(doc);
  if (!o) return undefined;
  if (path in o && Object.prototype.hasOwnProperty.call(o, path)) return o[path];
  const dot = path.indexOf('.');
  if (dot < 0) return undefined;
  for (let i = dot; i > 0; i = path.indexOf('.', i + 1)) {
    const head = path.slice(0, i);
    if (Object.prototype.hasOwnProperty.call(o, head)) {
      const r = field(o[head], path.slice(i + 1));
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

/**
 * Every field of a document the hit list and the lineage keys read (factsOf, hitSummary,
 * processKeyOf): hits past their memory share keep only these (HuntOptions.hitSummary), and the
 * detail screen reads the whole document back.
 */
export const HIT_SUMMARY_FIELDS: readonly string[] = [
  ...new Set(['process.name', 'process.command_line', 'file.path', 'message', 'event.action', 'host.name', ...LINEAGE_KEY_FIELDS]),
];

/** The hit's (first) document: the event, the first sequence event or the ES|QL row. */
export function hitDoc(h: Hit): Record<string, unknown> | undefined {
  return obj(h.event) ?? (Array.isArray(h.events) ? obj(h.events[0]) : undefined) ?? obj(h.row);
}

export function severityRank(s: unknown): number {
  const i = SEVERITIES.indexOf(s as (typeof SEVERITIES)[number]);
  return i < 0 ? 0 : i;
}

export function hitSummary(h: Hit): string {
  if (Array.isArray(h.new_terms)) return `new terms: ${text(h.new_terms)}`;
  const t = obj(h.threshold);
  if (t) return `count ${text(t.count)}${Array.isArray(t.terms) ? ` ${t.terms.map((x) => `${text(obj(x)?.field)}=${text(obj(x)?.value)}`).join(' ')}` : ''}`;
  if (Array.isArray(h.events)) return `sequence of ${h.events.length} events`;
  const doc = hitDoc(h);
  const line = text(field(doc, 'process.command_line')) || text(field(doc, 'file.path')) || text(field(doc, 'message'));
  return line || text(field(doc, 'event.action'));
}

export function factsOf(h: Hit): HitFacts {
  const rule = obj(h?.rule) ?? {};
  const doc = h ? hitDoc(h) : undefined;
  const time = parseTimestamp(h?.timestamp) ?? NaN;
  const severity = text(rule.severity) || 'unknown';
  const process = text(field(doc, 'process.name'));
  const commandLine = text(field(doc, 'process.command_line'));
  const ruleName = text(rule.name) || text(rule.id) || '<rule>';
  const host = text(h?.host) || text(field(doc, 'host.name'));
  return {
    time,
    timeText: Number.isNaN(time) ? text(h?.timestamp) : new Date(time).toISOString().replace('T', ' ').slice(0, 19),
    severity,
    rank: severityRank(severity),
    rule: ruleName,
    host,
    process,
    commandLine,
    summary: h ? hitSummary(h) : '',
    haystack: `${ruleName}\u0000${host}\u0000${process}\u0000${commandLine}`.toLowerCase(),
  };
}

export const SEVERITY_COLOR: Record<string, string> = { critical: 'magenta', high: 'red', medium: 'yellow', low: 'blue' };
