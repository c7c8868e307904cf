import type { Hit } from '../engine/hit.js';
import type { HuntSummary } from '../hunt/summary.js';
import type { TrawlEvent } from '../input/event.js';
import type { LineageIndex } from '../lineage/index.js';
import type { RuleText } from './detail-lines.js';
import type { HitFacts } from './hit-facts.js';
import type { Histogram } from './histogram.js';
import type { Filters, SortKey } from './hit-view.js';

/** What the TUI was opened on; never changes. */
export interface TuiContext {
  readonly hits: readonly Hit[];
  readonly facts: readonly HitFacts[];
  readonly summary: HuntSummary;
  readonly rules: Readonly<Record<string, RuleText>>;
  readonly lineage?: LineageIndex;
  /** Process key → indices of the hits whose (first) event that process produced. */
  readonly hitsByProcess: ReadonlyMap<string, readonly number[]>;
  readonly bySeverity: Readonly<Record<string, number>>;
  /** Rules whose hits may hold only the fields the list reads (see documents.ts). */
  readonly placed: ReadonlySet<string>;
}

export type Screen =
  | { readonly kind: 'list' }
  | { readonly kind: 'detail'; readonly hit: number; readonly scroll: number; readonly raw: boolean }
  | { readonly kind: 'lineage'; readonly key: string; readonly cursor: number; readonly top: number; readonly collapsed: ReadonlySet<string> }
  | { readonly kind: 'timeline'; readonly key: string; readonly status: 'loading' | 'ready' | 'error'; readonly events: readonly TrawlEvent[]; readonly error?: string; readonly scroll: number }
  | { readonly kind: 'help'; readonly scroll: number };

/** Modal input on the list screen. */
export type Mode = { readonly kind: 'normal' } | { readonly kind: 'search'; readonly text: string } | { readonly kind: 'filter' } | { readonly kind: 'histogram'; readonly bucket: number };

export interface TuiState {
  readonly ctx: TuiContext;
  readonly width: number;
  readonly height: number;
  readonly sort: SortKey;
  readonly filters: Filters;
  /** Indices into ctx.hits, filtered and sorted. */
  readonly visible: readonly number[];
  readonly cursor: number;
  readonly top: number;
  readonly mode: Mode;
  /** Screen stack; the list is always at the bottom. */
  readonly stack: readonly Screen[];
  readonly histogram?: Histogram;
  /** Hits' whole documents read back (see documents.ts), or why reading failed; by hit index. */
  readonly documents: ReadonlyMap<number, Hit | string>;
  readonly status: string;
  readonly quit: boolean;
}

export type Action =
  | { type: 'resize'; width: number; height: number }
  | { type: 'move'; by: number }
  | { type: 'page'; dir: 1 | -1 }
  | { type: 'edge'; to: 'start' | 'end' }
  | { type: 'enter' }
  | { type: 'back' }
  | { type: 'search-start' }
  | { type: 'search-type'; text: string }
  | { type: 'search-erase' }
  | { type: 'filter-start' }
  | { type: 'filter'; by: 'severity' | 'rule' | 'host' | 'clear' }
  | { type: 'sort-cycle' }
  | { type: 'bucket'; by: number }
  | { type: 'bucket-apply' }
  | { type: 'toggle-raw' }
  | { type: 'open-lineage' }
  | { type: 'fold'; open: boolean }
  | { type: 'timeline-open' }
  | { type: 'timeline-loaded'; key: string; events: readonly TrawlEvent[] }
  | { type: 'timeline-failed'; key: string; error: string }
  | { type: 'document-read'; hit: number; read: Hit | string }
  | { type: 'help' }
  | { type: 'status'; text: string };
