import type { Hit } from '../engine/hit.js';
import type { HuntSummary } from '../hunt/summary.js';
import type { LineageIndex } from '../lineage/index.js';
import type { RuleText } from './detail-lines.js';
import { factsOf } from './hit-facts.js';
import { histogram } from './histogram.js';
import { NO_FILTERS, SORT_KEYS, visibleHits } from './hit-view.js';
import { listRows, pageRows } from './layout.js';
import { lineageRows } from './lineage-rows.js';
import { applyBucket, bucket, filterBy, refilter, withCursor } from './list-actions.js';
import { fold, lineageRowCount, openLineage, processKeyOf, selectedProcess } from './lineage-actions.js';
import { screenLines } from './screen-lines.js';
import { withDocument } from './documents.js';
import { clamp, currentHit, push, replaceTop, screen } from './stack.js';
import type { Action, Screen, TuiContext, TuiState } from './state-types.js';

export type { Action, Mode, Screen, TuiContext, TuiState } from './state-types.js';
export { currentHit, screen } from './stack.js';
export { processKeyOf, selectedProcess } from './lineage-actions.js';

export interface InitOptions {
  hits: readonly Hit[];
  summary: HuntSummary;
  rules?: Record<string, RuleText>;
  lineage?: LineageIndex;
  /** Rules whose hits may hold only the fields the list reads (HuntOptions.hitSummary). */
  placed?: ReadonlySet<string>;
  width?: number;
  height?: number;
}

export function initState(o: InitOptions): TuiState {
  const hits = Array.isArray(o.hits) ? o.hits : [];
  const facts = hits.map(factsOf);
  const hitsByProcess = new Map<string, number[]>();
  if (o.lineage) {
    hits.forEach((h, i) => {
      const key = processKeyOf(o.lineage!, h);
      if (!key) return;
      const list = hitsByProcess.get(key);
      if (list) list.push(i);
      else hitsByProcess.set(key, [i]);
    });
  }
  const bySeverity: Record<string, number> = {};
  for (const f of facts) bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
  const summary = o.summary && typeof o.summary === 'object' ? o.summary : ({} as HuntSummary);
  const ctx: TuiContext = { hits, facts, summary, rules: o.rules ?? {}, lineage: o.lineage, hitsByProcess, bySeverity, placed: o.placed ?? new Set() };
  const width = o.width ?? 80;
  const height = o.height ?? 24;
  return {
    ctx,
    width,
    height,
    sort: 'time',
    filters: NO_FILTERS,
    visible: visibleHits(facts, NO_FILTERS, 'time'),
    cursor: 0,
    top: 0,
    mode: { kind: 'normal' },
    stack: [{ kind: 'list' }],
    histogram: histogram(facts, histogramBuckets(width), summary.span),
    documents: new Map(),
    status: '',
    quit: false,
  };
}

/** One bucket per column, leaving a small margin. */
export function histogramBuckets(width: number): number {
  return Math.max(1, width - 2);
}

function scrollBy(s: TuiState, by: number): TuiState {
  const sc = screen(s);
  switch (sc.kind) {
    case 'list':
      return withCursor(s, s.cursor + by);
    case 'lineage': {
      const n = lineageRowCount(s, sc);
      const cursor = clamp(sc.cursor + by, 0, Math.max(0, n - 1));
      const rows = pageRows(s.height);
      let top = sc.top;
      if (cursor < top) top = cursor;
      if (cursor >= top + rows) top = cursor - rows + 1;
      return replaceTop(s, { ...sc, cursor, top });
    }
    default: {
      const max = Math.max(0, screenLines(s, sc).length - pageRows(s.height));
      return replaceTop(s, { ...sc, scroll: clamp(sc.scroll + by, 0, max) });
    }
  }
}

function enter(s: TuiState): TuiState {
  const sc = screen(s);
  if (sc.kind === 'list') {
    const hit = currentHit(s);
    return hit === undefined ? s : push(s, { kind: 'detail', hit, scroll: 0, raw: false });
  }
  if (sc.kind === 'lineage' && s.ctx.lineage) {
    const row = lineageRows(s.ctx.lineage, sc.key, sc.collapsed, s.ctx.hitsByProcess)[sc.cursor];
    if (!row) return s;
    if (row.hits.length === 0) return { ...s, status: 'no hits on this process' };
    return push(s, { kind: 'detail', hit: row.hits[0], scroll: 0, raw: false });
  }
  return s;
}

function back(s: TuiState): TuiState {
  if (s.mode.kind !== 'normal') return { ...s, mode: { kind: 'normal' }, status: '' };
  if (s.stack.length > 1) return { ...s, stack: s.stack.slice(0, -1), status: '' };
  if (s.filters.range) return { ...refilter(s, { ...s.filters, range: undefined }), status: 'time bucket cleared' };
  return { ...s, quit: true };
}

/** The pure TUI reducer. */
export function reduce(s: TuiState, a: Action): TuiState {
  const sc = screen(s);
  switch (a.type) {
    case 'resize': {
      const width = Math.max(20, a.width);
      const height = Math.max(8, a.height);
      return withCursor({ ...s, width, height, histogram: histogram(s.ctx.facts, histogramBuckets(width), s.ctx.summary?.span), mode: s.mode.kind === 'histogram' ? { kind: 'normal' } : s.mode }, s.cursor);
    }
    case 'move':
      return scrollBy(s, a.by);
    case 'page':
      return scrollBy(s, a.dir * (sc.kind === 'list' ? listRows(s.height) : pageRows(s.height)));
    case 'edge':
      return scrollBy(s, a.to === 'start' ? -Number.MAX_SAFE_INTEGER / 2 : Number.MAX_SAFE_INTEGER / 2);
    case 'enter':
      if (s.mode.kind === 'search') return { ...refilter(s, { ...s.filters, query: s.mode.text }), mode: { kind: 'normal' } };
      if (s.mode.kind === 'histogram') return applyBucket(s);
      return enter(s);
    case 'back':
      return back(s);
    case 'search-start':
      return { ...s, mode: { kind: 'search', text: s.filters.query } };
    case 'search-type':
      return s.mode.kind === 'search' ? { ...s, mode: { kind: 'search', text: s.mode.text + a.text } } : s;
    case 'search-erase':
      return s.mode.kind === 'search' ? { ...s, mode: { kind: 'search', text: s.mode.text.slice(0, -1) } } : s;
    case 'filter-start':
      return { ...s, mode: { kind: 'filter' } };
    case 'filter':
      return filterBy(s, a.by);
    case 'sort-cycle':
      return refilter(s, s.filters, SORT_KEYS[(SORT_KEYS.indexOf(s.sort) + 1) % SORT_KEYS.length]);
    case 'bucket':
      return bucket(s, a.by);
    case 'bucket-apply':
      return applyBucket(s);
    case 'toggle-raw':
      return sc.kind === 'detail' ? replaceTop(s, { ...sc, raw: !sc.raw, scroll: 0 }) : s;
    case 'open-lineage':
      return openLineage(s, sc.kind === 'detail' ? sc.hit : sc.kind === 'list' ? currentHit(s) : undefined);
    case 'fold':
      return fold(s, a.open);
    case 'timeline-open': {
      const key = selectedProcess(s);
      return key ? push(s, { kind: 'timeline', key, status: 'loading', events: [], scroll: 0 }) : s;
    }
    case 'timeline-loaded':
    case 'timeline-failed': {
      const i = s.stack.findIndex((x) => x.kind === 'timeline' && x.key === a.key && x.status === 'loading');
      if (i < 0) return s;
      const old = s.stack[i] as Extract<Screen, { kind: 'timeline' }>;
      const next: Screen = a.type === 'timeline-loaded' ? { ...old, status: 'ready', events: a.events } : { ...old, status: 'error', error: a.error };
      return { ...s, stack: s.stack.map((x, j) => (j === i ? next : x)) };
    }
    case 'document-read':
      return withDocument(s, a.hit, a.read);
    case 'help':
      return sc.kind === 'help' ? s : push(s, { kind: 'help', scroll: 0 });
    case 'status':
      return { ...s, status: a.text };
  }
}
