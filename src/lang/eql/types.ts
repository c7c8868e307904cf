export interface EqlOptions {
  timestampField?: string;
  tiebreakerField?: string;
  eventCategoryField?: string;
  /** `sample` queries: samples drawn per join key (Elasticsearch's max_samples_per_key, default 1). */
  maxSamplesPerKey?: number;
}
export interface EqlInput { doc: Record<string, unknown> }
export interface EqlMatch<E extends EqlInput> {
  join_keys?: unknown[];
  events: E[];
  /** Sequences with missing-event stages (`![...]`): the stage positions (0-based, over all stages in query order) that are missing placeholders; `events` holds only the real events. */
  missing?: number[];
}
