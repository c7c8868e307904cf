import type { FieldMapping } from '../../fields/mapping.js';

/**
 * Which index mapping a document was indexed with: one mapping for every document, or a lookup
 * per document (evidence files can each carry their own, as Elasticsearch indices do). The
 * lookup is a function of the document alone because compiled predicates see nothing else; the
 * caller tags documents as it reads them (the CLI keeps a WeakMap from each document to its
 * file's mapping). undefined: the document is read as it is.
 */
export type EqlMapping = FieldMapping | ((doc: Record<string, unknown>) => FieldMapping | undefined);

export interface EqlOptions {
  timestampField?: string;
  tiebreakerField?: string;
  eventCategoryField?: string;
  /** `sample` queries: samples drawn per join key (Elasticsearch's max_samples_per_key, default 1). */
  maxSamplesPerKey?: number;
  /**
   * Elasticsearch index mappings: fields are read as Elasticsearch indexed them (dates as epoch
   * millis, null_value, aliases; see FieldMapping). Without it, documents are read as they are,
   * at no extra cost per event.
   */
  mapping?: EqlMapping;
}
export interface EqlInput {
  doc: Record<string, unknown>;
  /**
   * Sequences: which stage filters the event passed, one bit per distinct filter, as
   * `EqlQuery.mark` computed it while the whole document was at hand. A marked event is never
   * re-tested, so its document needs only the fields of join keys and time (`markedFields`).
   */
  mark?: number;
}
export interface EqlMatch<E extends EqlInput> {
  join_keys?: unknown[];
  events: E[];
  /** Sequences with missing-event stages (`![...]`): the stage positions (0-based, over all stages in query order) that are missing placeholders; `events` holds only the real events. */
  missing?: number[];
}
