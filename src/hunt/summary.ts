import type { SkipReport } from '../input/skips.js';

/** What a hunt reports alongside its hits (the `summary` of the JSON export). */
export interface HuntSummary {
  files: number;
  bytes: number;
  events: number;
  skipped: SkipReport;
  rules: {
    loaded: number;
    compiled: number;
    failed: { file: string; rule_id?: string; name?: string; message: string; line?: number; column?: number }[];
    unsupported: { file: string; rule_id?: string; name?: string; type: string; reason: string }[];
  };
  hits: {
    total: number;
    by_severity: Record<string, number>;
    by_rule: { rule_id: string; name: string; severity: string; hits: number; hosts: number; capped?: boolean }[];
  };
  /** Evidence time span (ISO) when known. */
  span?: { from: string; to: string };
  warnings: string[];
  /** Peak state sizes (partial sequences, distinct new terms, ES|QL groups) for the memory report. */
  stats: Record<string, number>;
  elapsed_ms: number;
  events_per_sec: number;
  /** True when the hunt was interrupted (Ctrl-C) and the hits are partial. */
  incomplete?: boolean;
}
