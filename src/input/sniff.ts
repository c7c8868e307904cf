import { open } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { searchHitsStart } from './search-framer.js';

export interface Sniffed {
  gzip: boolean;
  /** 'search': Elasticsearch `_search` responses, not one per line (see SearchFramer). */
  format: 'ndjson' | 'json' | 'search' | 'empty';
}

const PEEK = 64 * 1024;

/**
 * Decide a file's shape from its first bytes: gzip by magic (1f 8b); then, after a BOM and
 * whitespace, `[` is a JSON array; `{` is `_search` responses when the head reaches the first
 * one's hits.hits (one per line, or not: see SearchFramer), NDJSON when the first line is a
 * complete JSON value, else one (pretty-printed) JSON document.
 */
export async function sniffFile(path: string): Promise<Sniffed> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(PEEK);
    const { bytesRead } = await fh.read(buf, 0, PEEK, 0);
    return sniffBytes(buf.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

export function sniffBytes(head: Buffer): Sniffed {
  if (head.length === 0) return { gzip: false, format: 'empty' };
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    let plain: Buffer;
    try {
      plain = gunzipSync(head, { finishFlush: 2 /* Z_SYNC_FLUSH: tolerate a cut-off prefix */ });
    } catch {
      plain = Buffer.alloc(0);
    }
    return { gzip: true, format: sniffText(plain) };
  }
  return { gzip: false, format: sniffText(head) };
}

export function sniffText(buf: Buffer): Sniffed['format'] {
  let i = 0;
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) i = 3;
  while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09)) i++;
  if (i >= buf.length) return 'empty';
  // `[`: a JSON array — unless the first line is a whole value and more lines follow (NDJSON
  // whose first line happens to be an array: that line is skipped, the documents are read).
  if (buf[i] === 0x5b) return isNdjsonAfterArrayLine(buf, i) ? 'ndjson' : 'json';
  if (buf[i] !== 0x7b) return 'ndjson'; // not JSON at all: the NDJSON reader reports each bad line
  // Responses one per line too: read as lines, each line's hits would share its number (read-back
  // then tells them apart by their projections), and a line damaged after its hits.hits opened
  // would cost its hits before the damage.
  if (searchHitsStart(buf, i) >= 0) return 'search';
  // NDJSON when the first line — or, if that one is damaged, one of the next few — is a whole
  // JSON object on its own; a pretty-printed document's lines never are.
  let start = i;
  for (let n = 0; n < 4; n++) {
    const nl = buf.indexOf(0x0a, start);
    if (nl === -1) {
      // Out of lines. A first line longer than what we see is NDJSON: a one-line document reads
      // the same way line by line, and a huge first line must not turn the file into one value.
      if (n === 0 || isObjectLine(buf, start, buf.length)) return 'ndjson';
      return 'json';
    }
    if (isObjectLine(buf, start, nl)) return 'ndjson';
    start = nl + 1;
  }
  return 'json';
}

const isSpace = (b: number) => b === 0x20 || b === 0x0d || b === 0x09 || b === 0x0a;

/**
 * Whether bytes [start, end) hold one whole object: `{`, then brackets balanced outside strings
 * until the `}` that closes it is the last byte. A pretty-printed document's lines never are.
 * Structure only, no JSON.parse: sniffing thousands of small files parsed each first line twice
 * (7 % of hunting 4,350 of them); a line with bad values inside is the NDJSON reader's to report.
 */
function isObjectLine(buf: Buffer, start: number, end: number): boolean {
  while (start < end && isSpace(buf[start])) start++;
  while (end > start && isSpace(buf[end - 1])) end--;
  if (end - start < 2 || buf[start] !== 0x7b || buf[end - 1] !== 0x7d) return false;
  let depth = 0;
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b === 0x22) {
      for (i++; i < end && buf[i] !== 0x22; i++) if (buf[i] === 0x5c) i++;
      if (i >= end) return false;
    } else if (b === 0x7b || b === 0x5b) depth++;
    else if ((b === 0x7d || b === 0x5d) && --depth === 0) return i === end - 1;
  }
  return false;
}

/**
 * A file starting with `[` is NDJSON after all when its first line is a whole value with objects
 * on the lines after it, or when the line after it is an object that no comma follows before the
 * next one: array elements are separated by commas; NDJSON lines are not.
 */
function isNdjsonAfterArrayLine(buf: Buffer, start: number): boolean {
  const nl = buf.indexOf(0x0a, start);
  if (nl === -1) return false;
  let whole = true;
  try {
    JSON.parse(buf.toString('utf8', start, nl));
  } catch {
    whole = false;
  }
  if (whole) return buf.toString('utf8', nl + 1, Math.min(buf.length, nl + 1 + 4096)).trimStart().startsWith('{');
  const second = buf.indexOf(0x0a, nl + 1);
  if (second === -1 || !isObjectLine(buf, nl + 1, second)) return false;
  let i = second + 1;
  while (i < buf.length && isSpace(buf[i])) i++;
  return buf[i] === 0x7b;
}
