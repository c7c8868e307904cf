/**
 * Why a piece of input was not scanned. Every kind is counted and reported, never dropped
 * silently. Reports list kinds in this order, whatever order scanners met them in.
 */
export const SKIP_KINDS = [
  'malformed-json',
  'not-an-object',
  'invalid-utf8',
  'truncated-gzip',
  'gzip-trailing-garbage',
  'line-too-long',
  'too-deep',
  'unreadable-file',
  'no-evidence',
  'read-error',
] as const;

export type SkipKind = (typeof SKIP_KINDS)[number];

export interface SkipExample {
  file: string;
  /** 1-based line (NDJSON) or element index (arrays); absent for whole-file problems. */
  line?: number;
  message: string;
}

export interface SkipCount {
  count: number;
  /** The first few occurrences, for the summary. */
  examples: SkipExample[];
}

export type SkipReport = Partial<Record<SkipKind, SkipCount>>;

export const MAX_EXAMPLES = 5;

/** Counts skipped input by kind, keeping the first few examples of each. */
export class SkipLedger {
  readonly byKind: SkipReport = {};

  add(kind: SkipKind, example: SkipExample, count = 1): void {
    const entry = (this.byKind[kind] ??= { count: 0, examples: [] });
    entry.count += count;
    if (entry.examples.length < MAX_EXAMPLES) entry.examples.push(example);
  }

  merge(other: SkipReport): void {
    for (const [kind, c] of Object.entries(other) as [SkipKind, SkipCount][]) {
      const entry = (this.byKind[kind] ??= { count: 0, examples: [] });
      entry.count += c.count;
      for (const ex of c.examples) if (entry.examples.length < MAX_EXAMPLES) entry.examples.push(ex);
    }
  }

  /**
   * The counts with their kinds in SKIP_KINDS order: scanners meet kinds in an order that depends
   * on how the work was shared out, and a hunt's JSON must not (1 and N workers, byte for byte).
   */
  report(): SkipReport {
    const out: SkipReport = {};
    for (const kind of SKIP_KINDS) {
      const c = this.byKind[kind];
      if (c) out[kind] = c;
    }
    return out;
  }

  get total(): number {
    let n = 0;
    for (const c of Object.values(this.byKind)) n += c?.count ?? 0;
    return n;
  }
}
