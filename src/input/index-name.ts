import type { TrawlEvent } from './event.js';

/**
 * A backing index of a data stream: `.ds-<stream>-<yyyy.mm.dd>-<generation>`. Rules name the
 * data stream (`logs-endpoint.events.process-*`), so the backing index is mapped back to it.
 */
const BACKING = /^\.ds-(.+)-\d{4}\.\d{2}\.\d{2}-\d{6}$/;

/** The index an event belongs to, or undefined when the export kept no way to tell. */
export function eventIndex(ev: Pick<TrawlEvent, 'doc' | 'index'>): string | undefined {
  if (ev.index) {
    const m = BACKING.exec(ev.index);
    return m ? m[1] : ev.index;
  }
  const dataset = dataStreamPart(ev.doc, 'dataset');
  const namespace = dataStreamPart(ev.doc, 'namespace');
  if (typeof dataset === 'string' && dataset && typeof namespace === 'string' && namespace) {
    return `logs-${dataset}-${namespace}`;
  }
  return undefined;
}

/** The document fields eventIndex reads (with `ev.index`): a projection keeping them keeps the index. */
export const EVENT_INDEX_FIELDS: readonly string[] = ['data_stream.dataset', 'data_stream.namespace'];

/**
 * `data_stream.dataset` or `.namespace` as found (nested, else dotted): with `ev.index`, all
 * eventIndex reads — callers keying on an event's index can key on these without building it.
 */
export function dataStreamPart(doc: Record<string, unknown>, part: 'dataset' | 'namespace'): unknown {
  const ds = doc['data_stream'];
  let v: unknown;
  if (ds && typeof ds === 'object' && !Array.isArray(ds)) v = (ds as Record<string, unknown>)[part];
  return v ?? doc[`data_stream.${part}`];
}

export interface IndexMatcher {
  /** True when the index matches one of the patterns (undefined index: see `strict`). */
  (index: string | undefined): boolean;
}

/** A rule's index patterns as a matcher; no patterns (undefined) admit every index. */
export function indexMatcher(patterns: readonly string[] | undefined, strict = false): IndexMatcher {
  return patterns ? compileIndexPatterns(patterns, strict) : () => true;
}

/**
 * Compile Elasticsearch index patterns: comma lists, `*` wildcards, `-pattern` exclusions,
 * `cluster:pattern` remote prefixes (offline there are no clusters: the prefix is dropped).
 * An unknown index matches unless `strict`.
 */
export function compileIndexPatterns(patterns: readonly string[], strict = false): IndexMatcher {
  // Rules share a handful of index lists (~2,000 rules of the corpus): compile each list once.
  const key = `${strict ? 1 : 0}${patterns.join('\u0000')}`;
  let matcher = matchers.get(key);
  if (!matcher) matchers.set(key, (matcher = buildIndexMatcher(patterns, strict)));
  return matcher;
}

const matchers = new Map<string, IndexMatcher>();

function buildIndexMatcher(patterns: readonly string[], strict: boolean): IndexMatcher {
  const include: RegExp[] = [];
  const exclude: RegExp[] = [];
  for (const raw of patterns.flatMap((p) => p.split(','))) {
    let p = raw.trim();
    if (!p) continue;
    const colon = p.indexOf(':');
    if (colon >= 0) p = p.slice(colon + 1);
    const neg = p.startsWith('-') && include.length > 0;
    if (neg) p = p.slice(1);
    const re = new RegExp(`^${p.split('*').map(escapeRegex).join('.*')}$`);
    (neg ? exclude : include).push(re);
  }
  const matchAll = include.some((r) => r.source === '^.*$');
  return (index) => {
    if (index === undefined) return !strict;
    if (!matchAll && !include.some((r) => r.test(index))) return false;
    return !exclude.some((r) => r.test(index));
  };
}

export function matchesIndexPatterns(
  ev: Pick<TrawlEvent, 'doc' | 'index'>,
  patterns: readonly string[],
  strict = false,
): boolean {
  return compileIndexPatterns(patterns, strict)(eventIndex(ev));
}

function escapeRegex(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
