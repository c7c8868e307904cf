import { compileField, parseTimestamp } from '../fields/index.js';

export type TimeOf = (doc: Record<string, unknown>) => number | undefined;

/**
 * A rule's event time: its `timestamp_override` field when the event has it, else `@timestamp`
 * — the detection engine's fallback, so evidence collected before the override field existed
 * is still in time.
 */
export function ruleTimeOf(timestampOverride: string | undefined): TimeOf {
  const primary = compileField('@timestamp');
  if (!timestampOverride || timestampOverride === '@timestamp') return (doc) => parseTimestamp(primary(doc));
  const override = compileField(timestampOverride);
  return (doc) => parseTimestamp(override(doc)) ?? parseTimestamp(primary(doc));
}

export function isoTime(ms: number | undefined): string {
  return ms === undefined || !Number.isFinite(ms) ? '' : new Date(ms).toISOString();
}
