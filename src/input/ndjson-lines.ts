/**
 * NDJSON framing on Buffers: split chunks at 0x0a without decoding whole chunks to strings,
 * carrying the partial tail; each line is decoded and JSON.parse'd alone, so one bad line costs
 * one line.
 */
import { isUtf8 } from 'node:buffer';
import { mayHoldBigInteger, quoteBigIntegers } from './big-integers.js';
import type { TrawlEvent } from './event.js';
import type { LineGate } from './line-gate.js';
import { SkipLedger } from './skips.js';

export const DEFAULT_MAX_LINE = 256 * 1024 * 1024;

export interface LineSink {
  file: string;
  ledger: SkipLedger;
  maxLine: number;
  out: TrawlEvent[];
  /** Only these lines are parsed (reading hits' documents back; see FramedLines.add); the others are only counted. */
  wanted?: ReadonlySet<number>;
  /** Lines it screens are neither decoded nor parsed (see LineGate). */
  gate?: LineGate;
  /** Lines come as their text, unparsed (TrawlEvent.text); only for lines the scan parsed before. */
  texts?: boolean;
}

/** Parse one line (bytes [s, e) of buf) into the sink; blank lines are nothing. */
export function parseLine(buf: Buffer, s: number, e: number, line: number, sink: LineSink, first: boolean, knownUtf8 = false): void {
  if (first && e - s >= 3 && buf[s] === 0xef && buf[s + 1] === 0xbb && buf[s + 2] === 0xbf) s += 3; // BOM
  // Skip leading/trailing JSON whitespace quickly (a CRLF's CR with it); a whitespace-only line is
  // blank. A stray CR is whitespace too, as for JSON.parse and the format sniffer: `\r\r\n[1]` is
  // a JSON array after a blank line, not a malformed line and then an array.
  while (s < e && isBlank(buf[s])) s++;
  while (e > s && isBlank(buf[e - 1])) e--;
  if (s === e) return;
  if (sink.gate !== undefined) {
    const doc = sink.gate.screen(buf, s, e);
    if (doc !== undefined) {
      sink.out.push({ doc, file: sink.file, line, screened: true });
      return;
    }
  }
  const text = buf.toString('utf8', s, e);
  if (sink.texts === true) {
    sink.out.push({ doc: NO_DOCUMENT, file: sink.file, line, text });
    return;
  }
  if (!knownUtf8 && text.includes('\ufffd') && !isUtf8(buf.subarray(s, e))) {
    sink.ledger.add('invalid-utf8', { file: sink.file, line, message: 'line is not valid UTF-8' });
    return;
  }
  let value: unknown;
  try {
    value = parseJsonText(text);
  } catch (err) {
    sink.ledger.add('malformed-json', { file: sink.file, line, message: (err as Error).message });
    return;
  }
  pushDocument(value, line, sink);
}

/** Standing for the document of an event that carries its text (TrawlEvent.text). */
const NO_DOCUMENT: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/** JSON.parse, with integers beyond 2^53 kept exact (as their decimal text). */
function parseJsonText(text: string): unknown {
  return JSON.parse(mayHoldBigInteger(text) ? quoteBigIntegers(text) : text);
}

/**
 * The documents of a line's text (TrawlEvent.text), as parsing the line gave them: one, or a
 * `_search` response's hits. None when it no longer parses into any.
 */
export function parseDocuments(text: string, file: string, line: number): Record<string, unknown>[] {
  const sink: LineSink = { file, ledger: new SkipLedger(), maxLine: DEFAULT_MAX_LINE, out: [] };
  try {
    pushDocument(parseJsonText(text), line, sink);
  } catch {
    return [];
  }
  return sink.out.map((ev) => ev.doc);
}

function isBlank(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0d;
}

/**
 * A parsed value becomes an event: a bare document, or an Elasticsearch hit whose _source is
 * unwrapped, or the hits of a `_search` response. A response's hits share the number of the line
 * (or array element) holding it — read-back tells them apart by their projections — unless the
 * value is the file's whole document (`numberHits`): then they are numbered from 0, as the
 * SearchFramer numbers a response file's hits.
 */
export function pushDocument(value: unknown, line: number, sink: LineSink, numberHits = false): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    sink.ledger.add('not-an-object', {
      file: sink.file,
      line,
      message: `expected a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`,
    });
    return;
  }
  const obj = value as Record<string, unknown>;
  const searchHits = searchResponseHits(obj);
  if (searchHits) {
    searchHits.forEach((hit, i) => pushDocument(hit, numberHits ? i : line, sink));
    return;
  }
  const hit = hitParts(obj);
  if (hit) sink.out.push({ doc: hit.doc, file: sink.file, line, index: hit.index, id: hit.id });
  else sink.out.push({ doc: obj, file: sink.file, line });
}

/**
 * An Elasticsearch hit (`{"_index", "_id", "_source": {...}}`) is its _source, with the index
 * and id kept; undefined for any other object (the document itself).
 */
export function hitParts(obj: Record<string, unknown>): { doc: Record<string, unknown>; index?: string; id?: string } | undefined {
  const src = obj['_source'];
  if (src !== null && typeof src === 'object' && !Array.isArray(src) && ('_index' in obj || '_id' in obj)) {
    const index = typeof obj['_index'] === 'string' ? (obj['_index'] as string) : undefined;
    const id = obj['_id'] === undefined || obj['_id'] === null ? undefined : String(obj['_id']);
    return { doc: src as Record<string, unknown>, index, id };
  }
  return undefined;
}

/** The hits of an Elasticsearch `_search` response (`{"took", "hits": {"hits": [...]}}`), else undefined. */
function searchResponseHits(obj: Record<string, unknown>): unknown[] | undefined {
  const hits = obj['hits'];
  if (!hits || typeof hits !== 'object' || Array.isArray(hits)) return undefined;
  const list = (hits as Record<string, unknown>)['hits'];
  if (!Array.isArray(list)) return undefined;
  return 'took' in obj || '_shards' in obj || 'timed_out' in obj ? list : undefined;
}
