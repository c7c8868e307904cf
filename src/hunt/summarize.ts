import type { Hit } from '../engine/index.js';
import type { SkipReport } from '../input/skips.js';
import type { Rule } from '../rules/rule.js';
import type { HuntSummary } from './summary.js';
import { parseDuration } from '../rules/index.js';

export interface SummaryInput {
  files: number;
  bytes: number;
  events: number;
  skipped: SkipReport;
  loaded: number;
  compiled: number;
  failed: HuntSummary['rules']['failed'];
  unsupported: HuntSummary['rules']['unsupported'];
  hits: Hit[];
  rules: Rule[];
  warnings: string[];
  stats: Record<string, number>;
  elapsedMs: number;
  incomplete: boolean;
}

export function summarize(i: SummaryInput): HuntSummary {
  const bySeverity: Record<string, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  const byRule = new Map<string, { rule_id: string; name: string; severity: string; hits: number; hosts: Set<string> }>();
  let from: string | undefined;
  let to: string | undefined;
  for (const h of i.hits) {
    bySeverity[h.rule.severity] = (bySeverity[h.rule.severity] ?? 0) + 1;
    let r = byRule.get(h.rule.id);
    if (!r) byRule.set(h.rule.id, (r = { rule_id: h.rule.id, name: h.rule.name, severity: h.rule.severity, hits: 0, hosts: new Set() }));
    r.hits++;
    if (h.host) r.hosts.add(h.host);
    if (h.timestamp) {
      if (!from || h.timestamp < from) from = h.timestamp;
      if (!to || h.timestamp > to) to = h.timestamp;
    }
  }
  const capped = rulesOverCap(i.hits, i.rules);
  const seconds = i.elapsedMs / 1000;
  return {
    files: i.files,
    bytes: i.bytes,
    events: i.events,
    skipped: i.skipped,
    rules: { loaded: i.loaded, compiled: i.compiled, failed: i.failed, unsupported: i.unsupported },
    hits: {
      total: i.hits.length,
      by_severity: bySeverity,
      by_rule: [...byRule.values()]
        .sort((a, b) => b.hits - a.hits || (a.name < b.name ? -1 : 1))
        .map((r) => ({
          rule_id: r.rule_id,
          name: r.name,
          severity: r.severity,
          hits: r.hits,
          hosts: r.hosts.size,
          ...(capped.has(r.rule_id) ? { capped: true } : {}),
        })),
    },
    ...(from && to ? { span: { from, to } } : {}),
    warnings: i.warnings,
    // By name: figures come in as threads finish rules and scans, which 1 and N workers order differently.
    stats: Object.fromEntries(Object.entries(i.stats).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    elapsed_ms: Math.round(i.elapsedMs),
    events_per_sec: seconds > 0 ? Math.round(i.events / seconds) : 0,
    ...(i.incomplete ? { incomplete: true } : {}),
  } as HuntSummary;
}

/**
 * The engine stops one execution at max_signals; offline output is never capped, but flag rules
 * that had more hits than that within one run interval (where the engine would have dropped some).
 */
function rulesOverCap(hits: Hit[], rules: Rule[]): Set<string> {
  const byId = new Map(rules.map((r) => [r.rule_id, r]));
  const counts = new Map<string, number>();
  const out = new Set<string>();
  for (const h of hits) {
    const rule = byId.get(h.rule.id);
    if (!rule) continue;
    const interval = parseDuration(rule.interval) ?? 300_000;
    const key = `${h.rule.id}\u0000${Math.floor(Date.parse(h.timestamp) / interval)}`;
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    if (n > rule.max_signals) out.add(h.rule.id);
  }
  return out;
}
