import type { Rule } from '../rules/rule.js';
import type { Provenance } from '../input/event.js';

/** The rule facts every hit carries (what the export and the TUI show). */
export interface HitRule {
  id: string;
  name: string;
  type: string;
  severity: Rule['severity'];
  risk_score: number;
  tags: string[];
  threat: Rule['threat'];
}

/**
 * One detection. Exactly one of `event` (single-event rules, new_terms, threshold's last event
 * is not kept), `events` (EQL sequences/samples) or `row` (ES|QL) is set.
 */
export interface Hit {
  rule: HitRule;
  /** ISO 8601 of the rule's timestamp for the hit (first event of a sequence, group start). */
  timestamp: string;
  /** host.name (or host.hostname / host.id) of the hit's event, when known. */
  host?: string;
  event?: Record<string, unknown>;
  events?: Record<string, unknown>[];
  row?: Record<string, unknown>;
  /** Evidence location; a list for sequences and multi-event ES|QL groups. */
  source?: Provenance | Provenance[];
  /** EQL join keys of a sequence/sample. */
  join_keys?: unknown[];
  /** new_terms: the first-seen value combination, in new_terms_fields order. */
  new_terms?: unknown[];
  /** threshold: group terms, count, cardinality and first/last timestamps. */
  threshold?: {
    terms: { field: string; value: unknown }[];
    count: number;
    cardinality?: { field: string; value: number }[];
    from: string;
    to: string;
  };
  /** Notes that qualify the hit (e.g. group reported once across overlapping windows). */
  notes?: string[];
}

/** A hit's evidence locations as a list: one for a single event, several for a sequence. */
export function sourcesOf(h: Hit): Provenance[] {
  return h.source === undefined ? [] : Array.isArray(h.source) ? h.source : [h.source];
}
