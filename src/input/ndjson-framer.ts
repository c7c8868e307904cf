import { isUtf8 } from 'node:buffer';
import type { TrawlEvent } from './event.js';
import { FramedLines } from './framed-lines.js';
import type { LineGate } from './line-gate.js';
import { DEFAULT_MAX_LINE, type LineSink } from './ndjson-lines.js';
import type { SkipLedger } from './skips.js';

export interface FramerOptions {
  file: string;
  ledger: SkipLedger;
  maxLine?: number;
  /** Number of lines before the first byte fed (byte-range reads). */
  firstLine?: number;
  /** Drop bytes up to and including the first newline (a range starting mid-line). */
  skipFirstPartial?: boolean;
  /** Absolute offset of the first byte fed, and where the range ends (lines starting at or after it belong to the next range). */
  offset?: number;
  end?: number;
  /** Parse only these lines (see LineSink.wanted). */
  wanted?: ReadonlySet<number>;
  /** Screens lines before parsing (see LineGate). */
  gate?: LineGate;
  /** Wanted lines come as their text (see LineSink.texts). */
  texts?: boolean;
}

/**
 * Splits decoded bytes into lines on Buffers (no whole-chunk string decoding) and parses them
 * into events batch by batch (`batches`). Tracks exact 1-based line numbers, honours byte
 * ranges, and bounds line length.
 */
export class NdjsonFramer {
  private readonly lines: FramedLines;
  private readonly sink: LineSink;
  /** The unfinished last line, as the chunks it arrived in. */
  private tail: Buffer[] | undefined;
  private tailBytes = 0;
  private line: number;
  private skipPartial: boolean;
  private offset: number;
  private readonly end: number;
  private discarding = false;
  private first = true;
  /** Set once a line starting at or after `end` is reached: the caller stops reading. */
  done = false;

  constructor(o: FramerOptions) {
    this.sink = { file: o.file, ledger: o.ledger, maxLine: o.maxLine ?? DEFAULT_MAX_LINE, out: [], wanted: o.wanted, gate: o.gate, texts: o.texts };
    this.lines = new FramedLines(this.sink);
    this.line = o.firstLine ?? 0;
    this.skipPartial = o.skipFirstPartial ?? false;
    this.offset = o.offset ?? 0;
    this.end = o.end ?? Number.POSITIVE_INFINITY;
  }

  push(chunk: Buffer): void {
    if (this.done) return;
    if (this.tail) {
      // A line spanning many chunks is gathered, not re-concatenated per chunk: joining the
      // growing tail each time made a 100 MB line cost gigabytes of copying.
      const nl = chunk.indexOf(0x0a);
      if (nl === -1) {
        this.tail.push(chunk);
        this.tailBytes += chunk.length;
        if (this.tailBytes > this.sink.maxLine) {
          // (a range's leading partial line belongs to the previous range: not reported here)
          if (!this.skipPartial) {
            this.tooLong(this.line + 1);
            this.discarding = true;
          }
          this.offset += this.tailBytes;
          this.tail = undefined;
        }
        return;
      }
      // Only the tail's own line is joined: prepending the tail to the whole chunk copied every
      // byte read once more (Buffer.concat was ~2 % of a hunt with the bundled rules).
      this.tail.push(chunk.subarray(0, nl + 1));
      const head = Buffer.concat(this.tail);
      this.tail = undefined;
      this.frame(head);
      if (this.done || nl + 1 === chunk.length) return;
      this.frame(chunk.subarray(nl + 1));
      return;
    }
    this.frame(chunk);
  }

  /** Frame the complete lines of `buf` (which begins at a line start) and keep its partial tail. */
  private frame(buf: Buffer): void {
    let s = 0;
    let nl = buf.indexOf(0x0a, 0);
    // One native UTF-8 check over the chunk's complete lines spares a scan of every line.
    const last = buf.lastIndexOf(0x0a);
    const valid = last > 0 && isUtf8(buf.subarray(0, last));
    while (nl !== -1) {
      if (this.offset + s >= this.end && !this.skipPartial) {
        this.done = true;
        return;
      }
      if (this.skipPartial) {
        this.skipPartial = false;
      } else {
        this.line++;
        if (this.discarding) this.discarding = false;
        else if (nl - s > this.sink.maxLine) this.tooLong(this.line);
        else this.pend(buf, s, nl, valid);
        this.first = false;
      }
      s = nl + 1;
      nl = buf.indexOf(0x0a, s);
    }
    this.offset += s;
    if (s < buf.length) {
      const rest = buf.length - s;
      if (rest > this.sink.maxLine && !this.discarding && !this.skipPartial) {
        this.tooLong(this.line + 1);
        this.discarding = true;
      }
      if (this.discarding || (this.skipPartial && rest > this.sink.maxLine)) {
        this.offset += rest;
      } else {
        this.tail = [s === 0 ? buf : buf.subarray(s)];
        this.tailBytes = rest;
      }
    }
  }

  /** The events framed so far, a batch at a time (see FramedLines.batches). */
  batches(final = false): Generator<TrawlEvent[]> {
    return this.lines.batches(final);
  }

  /** Every event framed so far (callers that take a whole small input at once). */
  takeAll(): TrawlEvent[] {
    return this.lines.takeAll();
  }

  private pend(buf: Buffer, s: number, e: number, valid: boolean): void {
    this.lines.add(buf, s, e, this.line, this.first, valid);
  }

  private tooLong(line: number): void {
    this.lines.tooLong(line);
  }

  /** The number of the last line framed (firstLine before any). */
  get lineNumber(): number {
    return this.line;
  }

  /** End of input: the last line needs no trailing newline. */
  finish(): void {
    if (this.done) return;
    if (this.offset >= this.end && !this.skipPartial) return;
    if (this.tail && !this.skipPartial && !this.discarding) {
      this.line++;
      const last = Buffer.concat(this.tail);
      this.pend(last, 0, last.length, false);
    } else if (this.discarding) {
      this.line++;
    }
    this.tail = undefined;
  }

  /** Damage cut the stream: the partial line in flight is lost (the damage report counts it). */
  dropPartial(): void {
    if (this.tail && this.tailBytes > 0) this.line++;
    this.tail = undefined;
  }
}
