import type { TrawlEvent } from './event.js';
import { FramedLines } from './framed-lines.js';
import type { LineGate } from './line-gate.js';
import { DEFAULT_MAX_LINE } from './ndjson-lines.js';
import type { SkipLedger } from './skips.js';

export interface ArrayFramerOptions {
  file: string;
  ledger: SkipLedger;
  maxLine?: number;
  /** Parse only these elements (see LineSink.wanted). */
  wanted?: ReadonlySet<number>;
  /** Screens elements before parsing, as NDJSON lines are (see LineGate). */
  gate?: LineGate;
  /**
   * The array is a value inside a larger document (a `_search` response's hits.hits, see
   * SearchFramer), fed with `feed`: framing stops at its `]`, and damage is never handed back as
   * lines.
   */
  nested?: boolean;
}

/** Damaged input is handed back to be read as lines only while its head is this small. */
const HEAD_LIMIT = 64 * 1024 * 1024;

const enum Phase {
  /** Before an array's `[`. */
  Open,
  /** After `[` or `,`: an element or `]`. */
  Element,
  /** Within an element. */
  Inside,
  /** After an element: `,` or `]`. */
  After,
  /** After the array's `]`: whitespace, or `[` of one more array (concatenated exports). */
  Closed,
  /** Past bytes that are no array: reported, the rest ignored. */
  Stopped,
}

const BOM = [0xef, 0xbb, 0xbf];
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LF = 0x0a;

/**
 * Splits a JSON array into the byte ranges of its elements, which are then parsed one by one
 * with JSON.parse like NDJSON lines (and screened by the same gate): a streaming JSON tokenizer
 * (stream-json) read a 32 MB array of Defend documents at ~14 MB/s, JSON.parse per element reads
 * it at the speed of NDJSON. Framing needs only bracket depth and where strings end; whatever an
 * element holds, JSON.parse judges, so a malformed element costs that element and the next one
 * is read. Elements are numbered from 0 (their `line`), across concatenated arrays.
 */
export class ArrayFramer {
  private readonly lines: FramedLines;
  /** Longest element kept, in bytes (longer ones are counted as too long, never buffered). */
  readonly maxLine: number;
  private readonly nested: boolean;
  /**
   * Nested arrays: the last `feed` met a line break inside a string, which JSON never holds,
   * compact or pretty-printed: the input was cut there (a truncated response of one per line).
   * The element is reported and the array given up; `feed` returned the index past the break.
   */
  broken = false;
  /** The input until the first document is framed (see handedOver). */
  private head: Buffer[] | undefined;
  private headBytes = 0;
  /** Elements framed in the head, parsed once the head is over (a handed-over head is read again as lines). */
  private early: [Buffer, number, number, number][] = [];
  private phase = Phase.Open;
  /** The current (or last) element's number. */
  private index = -1;
  /**
   * The closing bracket each open one within the current element expects, innermost last: a
   * mismatched closer (`{"a":[1}`) closes up to the bracket it matches, so one missing bracket
   * damages its own element, not the rest of the array.
   */
  private readonly open: number[] = [];
  private inString = false;
  /** Inside a string, the last chunk ended in a backslash: the next byte is escaped. */
  private escaped = false;
  /** Where scan met a line break inside a string (nested arrays: see `broken`). */
  private brokenAt = 0;
  /** The current element is a bare number, literal or string (not an object or array). */
  private bare = false;
  /** Earlier chunks' pieces of the current element. */
  private parts: Buffer[] | undefined;
  private partBytes = 0;
  /** The current element outgrew maxLine: framed to its end, never buffered. */
  private discarding = false;
  /** Bytes fed before the current chunk, for messages. */
  private offset = 0;
  /**
   * Set when the input is damaged before its first document (an object element) is framed: the
   * input read so far, for the caller to read as NDJSON instead — a file whose damaged first
   * line begins with `[` was sniffed as an array, and line by line it costs one bad line.
   * Nothing more is framed.
   */
  handedOver: Buffer[] | undefined;

  constructor(o: ArrayFramerOptions) {
    this.maxLine = o.maxLine ?? DEFAULT_MAX_LINE;
    this.nested = o.nested === true;
    if (!this.nested) this.head = [];
    this.lines = new FramedLines({ file: o.file, ledger: o.ledger, maxLine: this.maxLine, out: [], wanted: o.wanted, gate: o.gate });
  }

  /** The events framed so far, a batch at a time (see FramedLines.batches). */
  batches(final = false): Generator<TrawlEvent[]> {
    return this.lines.batches(final);
  }

  push(chunk: Buffer): void {
    if (this.handedOver) return;
    if (this.head) {
      this.headBytes += chunk.length;
      if (this.headBytes <= HEAD_LIMIT) this.head.push(chunk);
      else this.head = undefined;
    }
    this.frame(chunk);
    this.offset += chunk.length;
  }

  /**
   * Nested arrays: frame `buf` from `from` (at `bufOffset` in the input, for messages), where
   * the array's `[` or the rest of an array begun in an earlier chunk is. Returns the index just
   * past its closing `]`, ready for the next array; -1 when `buf` ends first.
   */
  feed(buf: Buffer, from: number, bufOffset: number): number {
    this.offset = bufOffset;
    this.broken = false;
    const end = this.frame(buf, from);
    if (this.phase !== Phase.Closed) return -1;
    this.phase = Phase.Open;
    return end;
  }

  /** Nested arrays: a document found beside the arrays, numbered as the next element. */
  element(text: Buffer): void {
    this.index++;
    if (text.length > this.maxLine) this.lines.tooLong(this.index, 'element');
    else this.lines.add(text, 0, text.length, this.index, false, false);
  }

  /** Nested arrays: a document beside the arrays that outgrew the limit, numbered as the next element. */
  tooLong(): void {
    this.lines.tooLong(++this.index, 'element');
  }

  /** End of input: an unfinished element or array is reported. */
  finish(): void {
    if (this.handedOver) return;
    if (this.phase === Phase.Inside) {
      if (this.bare && !this.discarding) {
        // A bare number or literal needs no closing byte: JSON.parse judges it.
        const whole = Buffer.concat(this.parts ?? []);
        this.emit(whole, 0, whole.length);
        this.damaged(`the array is not closed at the end of the input (after element ${this.index})`);
      } else {
        this.damaged(`element ${this.index} is cut off by the end of the input; the elements before it were read`, this.index);
      }
    } else if (this.phase === Phase.Element || this.phase === Phase.After) {
      this.damaged(`the array is not closed at the end of the input (after element ${this.index})`);
    }
    this.parts = undefined;
    this.endHead();
  }

  /**
   * Damaged input cut the stream (a corrupt gzip member): an array cannot be followed into
   * whatever comes after, so framing stops, reported with the element it cut.
   */
  dropPartial(): void {
    if (this.handedOver || this.phase === Phase.Stopped || this.phase === Phase.Closed) return;
    this.parts = undefined;
    const cut = this.phase === Phase.Inside ? `element ${this.index} was cut` : `after element ${this.index}`;
    // Reported, never handed over: the lines would be read across the damage.
    this.endHead();
    this.report(`damaged input in the array (${cut}); the rest of the array is not read`, Math.max(this.index, 0));
    this.phase = Phase.Stopped;
  }

  /** Frames `buf` from `i`; a nested array stops at its `]`: the index past it. */
  private frame(buf: Buffer, i = 0): number {
    const n = buf.length;
    // Where the current element starts in `buf` (0 when it began in an earlier chunk).
    let start = 0;
    while (i < n && !this.handedOver) {
      switch (this.phase) {
        case Phase.Open:
        case Phase.Closed: {
          // A byte-order mark, however the first chunks cut it.
          while (this.offset + i < 3 && i < n && buf[i] === BOM[this.offset + i]) i++;
          i = skipBlank(buf, i);
          if (i === n) break;
          if (buf[i] !== 0x5b) {
            this.stop(i, this.phase === Phase.Open ? 'a JSON array' : "another array's '['");
            return n;
          }
          this.phase = Phase.Element;
          i++;
          break;
        }
        case Phase.Element: {
          i = skipBlank(buf, i);
          if (i === n) break;
          const c = buf[i];
          if (c === 0x5d) {
            // `]` closes the array (after `[`, or a trailing comma JSON would refuse: nothing is lost)
            this.phase = Phase.Closed;
            i++;
            if (this.nested) return i;
            break;
          }
          if (c === 0x2c) {
            i++; // an empty element (`,,`): nothing to read
            break;
          }
          this.index++;
          this.open.length = 0;
          this.inString = false;
          this.escaped = false;
          this.bare = c !== 0x7b && c !== 0x5b && c !== QUOTE;
          this.discarding = false;
          this.partBytes = 0;
          this.phase = Phase.Inside;
          start = i;
          break;
        }
        case Phase.Inside: {
          const end = this.bare ? bareEnd(buf, i) : this.scan(buf, i);
          if (end === BROKEN) {
            this.parts = undefined;
            this.report(`element ${this.index} is cut by a line break inside a string at byte ${this.offset + this.brokenAt}; reading on at the next line`, this.index);
            this.broken = true;
            this.phase = Phase.Closed;
            return this.brokenAt + 1;
          }
          if (end === -1) {
            this.keep(buf, start);
            return n;
          }
          this.complete(buf, start, end);
          this.phase = Phase.After;
          i = end;
          break;
        }
        case Phase.After: {
          i = skipBlank(buf, i);
          if (i === n) break;
          const c = buf[i];
          if (c === 0x2c) this.phase = Phase.Element;
          else if (c === 0x5d) {
            this.phase = Phase.Closed;
            if (this.nested) return i + 1;
          } else {
            // Two elements without a comma between them: both are read, the gap reported.
            this.damaged(`expected ',' or ']' after element ${this.index} at byte ${this.offset + i}; reading on`);
            this.phase = Phase.Element;
            break;
          }
          i++;
          break;
        }
        default:
          return n;
      }
    }
    return i;
  }

  /**
   * Scans an object or array element from `i`, carrying depth and string state across chunks:
   * the index just past its closing bracket, or -1 when `buf` ends first (BROKEN: see `broken`).
   */
  private scan(buf: Buffer, i: number): number {
    const n = buf.length;
    const open = this.open;
    // Byte loops, strings included: Buffer#indexOf to the next quote cost more per call than
    // the short strings (keys, names) most of a document is made of.
    const lf = this.nested;
    if (this.inString) {
      i = stringEnd(buf, this.escaped ? i + 1 : i, lf);
      this.escaped = i > n;
      if (i >= n) return -1;
      if (buf[i] === LF) return this.breakAt(i);
      this.inString = false;
      if (open.length === 0) return i + 1; // a bare string element
      i++;
    }
    for (; i < n; i++) {
      const c = buf[i];
      if (c === QUOTE) {
        i = stringEnd(buf, i + 1, lf);
        if (i >= n) {
          this.inString = true;
          this.escaped = i > n;
          return -1;
        }
        if (buf[i] === LF) return this.breakAt(i);
        if (open.length === 0) return i + 1;
      } else if (c === 0x7b) open.push(0x7d);
      else if (c === 0x5b) open.push(0x5d);
      else if (c === 0x7d || c === 0x5d) {
        while (open.length > 0 && open.pop() !== c);
        if (open.length === 0) return i + 1;
      }
    }
    return -1;
  }

  private breakAt(i: number): number {
    this.brokenAt = i;
    this.inString = false;
    return BROKEN;
  }

  /** The current element continues past this chunk: keep its piece, unless it is too long. */
  private keep(buf: Buffer, start: number): void {
    if (this.discarding) return;
    const piece = start === 0 ? buf : buf.subarray(start);
    this.partBytes += piece.length;
    if (this.partBytes > this.maxLine) {
      this.lines.tooLong(this.index, 'element');
      this.discarding = true;
      this.parts = undefined;
      return;
    }
    (this.parts ??= []).push(piece);
  }

  /** The current element ends at `end` of `buf`. */
  private complete(buf: Buffer, start: number, end: number): void {
    if (this.discarding) return;
    if (this.parts === undefined) {
      if (end - start > this.maxLine) this.lines.tooLong(this.index, 'element');
      else this.emit(buf, start, end);
      return;
    }
    if (this.partBytes + end > this.maxLine) {
      this.lines.tooLong(this.index, 'element');
      this.parts = undefined;
      return;
    }
    this.parts.push(buf.subarray(0, end));
    const whole = Buffer.concat(this.parts);
    this.parts = undefined;
    this.emit(whole, 0, whole.length);
  }

  private emit(buf: Buffer, s: number, e: number): void {
    if (this.head) {
      if (!isJson(buf, s, e)) {
        this.handOver();
        return;
      }
      this.early.push([buf, s, e, this.index]);
      if (buf[s] === 0x7b) this.endHead();
      return;
    }
    this.lines.add(buf, s, e, this.index, false, false);
  }

  /** The first document is framed (or the input ended without damage): what was held is parsed. */
  private endHead(): void {
    if (this.handedOver) return;
    this.head = undefined;
    for (const [buf, s, e, index] of this.early) this.lines.add(buf, s, e, index, false, false);
    this.early = [];
  }

  private handOver(): void {
    this.handedOver = this.head;
    this.head = undefined;
    this.early = [];
    this.phase = Phase.Stopped;
  }

  private stop(i: number, expected: string): void {
    this.damaged(`expected ${expected} at byte ${this.offset + i}; the rest of the input is not read`);
    this.phase = Phase.Stopped;
  }

  /** Damage: before the first document the input is handed back as lines, else reported. */
  private damaged(message: string, line = this.index + 1): void {
    if (this.handedOver) return;
    if (this.head) this.handOver();
    else this.report(message, line);
  }

  private report(message: string, line: number): void {
    const sink = this.lines.sink;
    sink.ledger.add('malformed-json', { file: sink.file, line, message });
  }
}

function skipBlank(buf: Buffer, i: number): number {
  const n = buf.length;
  while (i < n) {
    const c = buf[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

/** Where a bare number or literal ends (`,`, `]` or whitespace), or -1 past the chunk. */
function bareEnd(buf: Buffer, i: number): number {
  for (; i < buf.length; i++) {
    const c = buf[i];
    if (c === 0x2c || c === 0x5d || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) return i;
  }
  return -1;
}

/** scan's answer when a string ran into a line break (nested arrays). */
const BROKEN = -2;

/**
 * The closing quote of a string whose contents start at `i`; past the end when `buf` ends first:
 * at `buf.length`, or one further when its last byte is a backslash (the next chunk's first byte
 * is escaped). With `lfEnds`, a line break ends it too (its index: the string is broken).
 */
function stringEnd(buf: Buffer, i: number, lfEnds: boolean): number {
  const n = buf.length;
  if (lfEnds) {
    for (; i < n; i++) {
      const c = buf[i];
      if (c === QUOTE || c === LF) return i;
      if (c === BACKSLASH && buf[++i] === LF) return i;
    }
    return i;
  }
  for (; i < n; i++) {
    const c = buf[i];
    if (c === QUOTE) return i;
    if (c === BACKSLASH) i++;
  }
  return i;
}

function isJson(buf: Buffer, s: number, e: number): boolean {
  try {
    JSON.parse(buf.toString('utf8', s, e));
    return true;
  } catch {
    return false;
  }
}
