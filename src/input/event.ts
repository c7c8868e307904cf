/** Where an event came from: 1-based NDJSON line, or 0-based element index for JSON arrays. */
export interface Provenance {
  readonly file: string;
  readonly line: number;
}

/**
 * A parsed evidence document with its provenance. `index` and `id` are the Elasticsearch
 * `_index` / `_id` of a hit-shaped export (undefined for bare documents).
 */
export interface TrawlEvent extends Provenance {
  readonly doc: Record<string, unknown>;
  readonly index?: string;
  readonly id?: string;
  /**
   * The line met no rule and was never parsed (see LineGate): `doc` holds only the fields the
   * gate read — those the lineage index wants when it is built, else none. Rules never see it.
   */
  readonly screened?: boolean;
  /**
   * The line's text, not parsed (ReadOptions.texts: reading documents back to store them);
   * `doc` is then empty. parseDocuments turns it into the documents parsing would have given.
   */
  readonly text?: string;
}
