import { open, stat } from 'node:fs/promises';
import type { TrawlEvent } from './event.js';
import { ArrayFramer } from './array-framer.js';
import { decodedChunks, rawChunks } from './decode.js';
import { NdjsonFramer } from './ndjson-framer.js';
import { SearchFramer } from './search-framer.js';
import { DEFAULT_MAX_LINE, type LineSink } from './ndjson-lines.js';
import type { LineGate } from './line-gate.js';
import { sniffText } from './sniff.js';
import type { SkipLedger } from './skips.js';

export interface EvidenceFile {
  path: string;
  size: number;
}

export interface ReadOptions {
  ledger: SkipLedger;
  /** Input bytes consumed (compressed bytes for gzip), for progress. */
  onBytes?: (n: number) => void;
  /**
   * Byte range of a plain NDJSON file, for parallel workers: the range owns the lines that
   * start inside it. Line numbers stay exact (newlines before `start` are counted).
   */
  range?: ReadRange;
  maxLineBytes?: number;
  /**
   * Only these lines (element indexes for JSON arrays) become events: reading chosen documents
   * back after a scan. Line numbering is the scan's, whatever is skipped.
   */
  lines?: ReadonlySet<number>;
  /** Screens NDJSON lines before parsing (see LineGate); other formats parse everything. */
  gate?: LineGate;
  /**
   * NDJSON lines come as their text, unparsed (TrawlEvent.text), for a reader storing documents
   * it re-reads (lines it parsed before: they are not checked again); other formats give documents.
   */
  texts?: boolean;
}

export interface ReadRange {
  start: number;
  end: number;
  /** Newlines in [0, start - 1), when the caller knows them (else they are counted). */
  linesBefore?: number;
  /**
   * Called when the range has been read to its end, short of the end of the file: the newlines
   * in [start - 1, end - 1) ([0, end - 1) for a range at 0), which the next range's line numbers
   * start after. Reading the range counted them: nobody needs to read its bytes again for them.
   */
  onNewlines?: (n: number) => void;
}

/** How far past its end a range is read before the rest of a last, long line needs a second read. */
const RANGE_SLACK = 256 * 1024;

/** Events per yielded batch of a streamed JSON document. */
const BATCH = 256;

/** Stream one evidence file's events in batches. Bad input is counted in the ledger, never thrown. */
export async function* readEvidenceFile(file: EvidenceFile | string, options: ReadOptions): AsyncGenerator<TrawlEvent[]> {
  const path = typeof file === 'string' ? file : file.path;
  const label = path === '-' ? '<stdin>' : path;
  if (options.range && path !== '-') {
    yield* readRange(path, label, options.range, options);
    return;
  }
  const size = typeof file === 'string' ? await stat(path).then((s) => s.size, () => 0) : file.size;
  // Damage in the decoded stream cuts whatever the framer in use holds.
  const framing: Framing = {};
  const chunks = decodedChunks(path, label, {
    ledger: options.ledger,
    size,
    onBytes: options.onBytes,
    onDamage: () => {
      framing.lines?.dropPartial();
      framing.array?.dropPartial();
      framing.search?.dropPartial();
    },
  });
  try {
    yield* readDecoded(chunks, label, size, options, framing);
  } finally {
    // A reader that stops early (reading hits back stops at the last one wanted) closes the file.
    await chunks.return(undefined);
  }
}

interface Framing {
  lines?: NdjsonFramer;
  array?: ArrayFramer;
  search?: SearchFramer;
}

async function* readDecoded(chunks: AsyncGenerator<Buffer>, label: string, size: number, options: ReadOptions, framing: Framing): AsyncGenerator<TrawlEvent[]> {
  const first = await chunks.next();
  if (first.done) return;
  const format = sniffText(first.value);
  let head = [first.value];
  if (format === 'json' && firstSignificant(first.value) === 0x5b) {
    const arrays = (framing.array = new ArrayFramer({ file: label, ledger: options.ledger, maxLine: options.maxLineBytes, wanted: options.lines, gate: options.gate }));
    yield* frameAll(arrays, head, chunks, () => arrays.handedOver !== undefined);
    if (!arrays.handedOver) return;
    head = arrays.handedOver;
    framing.array = undefined;
  } else if (format === 'json') {
    const sink: LineSink = { file: label, ledger: options.ledger, maxLine: options.maxLineBytes ?? DEFAULT_MAX_LINE, out: [] };
    const all = withHead(first.value, chunks);
    const take = () => {
      const out = sink.out.splice(0);
      const wanted = options.lines;
      return wanted ? out.filter((ev) => wanted.has(ev.line)) : out;
    };
    // Loaded on demand: stream-json is ~25 modules that NDJSON evidence, the common case, never needs.
    const { readJsonDocument } = await import('./json-document.js');
    for await (const _ of readJsonDocument(all, size, sink, BATCH)) {
      yield take();
    }
    if (sink.out.length) yield take();
    return;
  }
  if (format === 'search') {
    const responses = (framing.search = new SearchFramer({ file: label, ledger: options.ledger, maxLine: options.maxLineBytes, wanted: options.lines, gate: options.gate }));
    yield* frameAll(responses, head, chunks);
    return;
  }
  framing.lines = new NdjsonFramer({ file: label, ledger: options.ledger, maxLine: options.maxLineBytes, wanted: options.lines, gate: options.gate, texts: options.texts });
  yield* frameAll(framing.lines, head, chunks);
}

interface Framer {
  push(chunk: Buffer): void;
  batches(final?: boolean): Iterable<TrawlEvent[]>;
  finish(): void;
}

/**
 * Feed `head`, then the rest of the input, to a framer a chunk at a time and yield its batches.
 * Once `stop` says so (a framer handing the input back) it returns at once, the input left open.
 */
async function* frameAll(framer: Framer, head: Buffer[], rest: AsyncGenerator<Buffer>, stop = () => false): AsyncGenerator<TrawlEvent[]> {
  for (const chunk of head) {
    framer.push(chunk);
    if (stop()) return;
    yield* framer.batches();
  }
  for (let r = await rest.next(); !r.done; r = await rest.next()) {
    framer.push(r.value);
    if (stop()) return;
    yield* framer.batches();
  }
  framer.finish();
  if (!stop()) yield* framer.batches(true);
}

async function* readRange(
  path: string,
  label: string,
  range: ReadRange,
  options: ReadOptions,
): AsyncGenerator<TrawlEvent[]> {
  // Begin one byte early: a line starting exactly at `start` follows the newline at start - 1.
  const from = range.start > 0 ? range.start - 1 : 0;
  // The newline skipped at the range start ends a line too: count it with those before it.
  // Callers reading many ranges of one file pass the count (newlines in [0, start - 1)) so the
  // prefix is not re-read for every range.
  const firstLine = range.start > 0 ? (range.linesBefore ?? (await countLines(path, from))) + 1 : 0;
  const framer = new NdjsonFramer({
    file: label,
    ledger: options.ledger,
    maxLine: options.maxLineBytes,
    firstLine,
    skipFirstPartial: range.start > 0,
    offset: from,
    end: range.end,
    gate: options.gate,
  });
  let consumed = 0;
  // First read no further than a little past the end: the stream reads ahead of the framer (up
  // to 8 chunks, see chunksThenError), and for a range those bytes were read for nothing (a
  // 1-scanner hunt over 19 ranges of 256 MB: ~10 % slower than over its 8 whole files). A last
  // line longer than the slack is read on by a second, unbounded stream.
  let bound: number | undefined = range.end + RANGE_SLACK;
  let chunks = rawChunks(path, from, { ledger: options.ledger }, bound);
  for (;;) {
    const r = await chunks.next();
    if (r.done) {
      // Stopped at the bound, not at the end of the file: read on.
      if (!r.value && bound !== undefined && from + consumed > bound) {
        bound = undefined;
        chunks = rawChunks(path, from + consumed, { ledger: options.ledger });
        continue;
      }
      if (r.value) options.ledger.add('read-error', { file: label, line: firstLine + 1, message: r.value.message });
      break;
    }
    // Progress counts only the range's own bytes, [start, end), so ranges add up to the file
    // size: not the newline before `start` read with them, nor the read-ahead past `end`.
    const at = from + consumed;
    const own = Math.max(0, Math.min(at + r.value.length, range.end) - Math.max(at, range.start));
    consumed += r.value.length;
    if (own) options.onBytes?.(own);
    framer.push(r.value);
    yield* framer.batches();
    if (framer.done) {
      // Each line owned ends at a newline, the last one's at or past end - 1; a range past 0
      // also spans the newline before its first line (firstLine counts it).
      range.onNewlines?.(framer.lineNumber - firstLine - (range.start > 0 ? 0 : 1));
      await chunks.return(undefined);
      break;
    }
  }
  framer.finish();
  yield* framer.batches(true);
}

/** Newlines in [0, end): the line number a range starts after. */
async function countLines(path: string, end: number): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    let pos = 0;
    let n = 0;
    while (pos < end) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, end - pos), pos);
      if (bytesRead === 0) break;
      let i = buf.indexOf(0x0a, 0);
      while (i !== -1 && i < bytesRead) {
        n++;
        i = buf.indexOf(0x0a, i + 1);
      }
      pos += bytesRead;
    }
    return n;
  } finally {
    await fh.close();
  }
}

async function* withHead(head: Buffer, rest: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  yield head;
  yield* rest;
}

function firstSignificant(buf: Buffer): number {
  let i = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09)) i++;
  return buf[i] ?? -1;
}
