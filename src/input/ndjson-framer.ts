import { isUtf8 } from 'node:buffer';
import type { TrawlEvent } from './event.js';
import type { LineGate } from './line-gate.js';
import { DEFAULT_MAX_LINE, parseLine, type LineSink } from './ndjson-lines.js';
import type { SkipLedger } from './skips.js';

/**
 * Lines are parsed a batch at a time, as the consumer takes them: parsing a whole 1 MiB read at
 * once kept ~400 documents alive per batch, and every young-generation GC during the batch
 * copied them all (scavenges 109 -> 73 ms over 256 MB with the bundled rules, measured with
 * --trace-gc). Small enough to stay young, large enough that per-batch async overhead is nil.
 */
const BATCH_BYTES = 64 * 1024;
const BATCH_EVENTS = 256;

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
}

/**
 * Splits decoded bytes into lines on Buffers (no whole-chunk string decoding) and parses them
 * into events batch by batch (`batches`). Tracks exact 1-based line numbers, honours byte
 * ranges, and bounds line length.
 */
export class NdjsonFramer {
  private readonly out: TrawlEvent[] = [];
  /** Framed lines not parsed yet: [buffer, start, end, line number, flags] per line. */
  private readonly pendingBufs: Buffer[] = [];
  private readonly pendingNums: number[] = [];
  private pendingAt = 0;
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
  /** Bytes of the lines parsed into `out` since it was last emptied (see `batches`). */
  private pendingBytes = 0;

  constructor(o: FramerOptions) {
    this.sink = { file: o.file, ledger: o.ledger, maxLine: o.maxLine ?? DEFAULT_MAX_LINE, out: this.out, wanted: o.wanted, gate: o.gate };
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
        else if (!this.sink.wanted || this.sink.wanted.has(this.line)) this.pend(buf, s, nl, valid);
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

  /**
   * The events framed so far, parsed a batch at a time as the caller takes them: every full
   * batch, then (`final`, at the end of input) the rest. Batches are bounded in bytes, not
   * events: a batch of big documents held too long survives into V8's old generation and costs
   * a major GC, while small ones should still be batched to keep async overhead low.
   */
  *batches(final = false): Generator<TrawlEvent[]> {
    for (;;) {
      this.parsePending();
      if (this.out.length === 0) {
        // A batch's worth of lines may all have been skipped (malformed, blank): go on while
        // lines are pending, or the rest would wait for more input that may never come.
        if (this.pendingAt >= this.pendingBufs.length) return;
        this.pendingBytes = 0;
        continue;
      }
      if (!final && this.pendingBytes < BATCH_BYTES && this.out.length < BATCH_EVENTS) return;
      this.pendingBytes = 0;
      yield this.out.splice(0);
    }
  }

  /** Every event framed so far (callers that take a whole small input at once). */
  takeAll(): TrawlEvent[] {
    return [...this.batches(true)].flat();
  }

  private pend(buf: Buffer, s: number, e: number, valid: boolean): void {
    this.pendingBufs.push(buf);
    this.pendingNums.push(s, e, this.line, (this.first ? 1 : 0) | (valid ? 2 : 0));
  }

  /** Parse framed lines into `out` until a batch is full or none are left. */
  private parsePending(): void {
    const bufs = this.pendingBufs;
    const nums = this.pendingNums;
    let i = this.pendingAt;
    while (i < bufs.length && this.pendingBytes < BATCH_BYTES && this.out.length < BATCH_EVENTS) {
      const s = nums[4 * i];
      const e = nums[4 * i + 1];
      const flags = nums[4 * i + 3];
      parseLine(bufs[i], s, e, nums[4 * i + 2], this.sink, (flags & 1) !== 0, (flags & 2) !== 0);
      this.pendingBytes += e - s;
      i++;
    }
    if (i === bufs.length) {
      bufs.length = 0;
      nums.length = 0;
      i = 0;
    }
    this.pendingAt = i;
  }

  private tooLong(line: number): void {
    this.sink.ledger.add('line-too-long', {
      file: this.sink.file,
      line,
      message: `line longer than ${this.sink.maxLine} bytes: skipped without buffering it`,
    });
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
      if (!this.sink.wanted || this.sink.wanted.has(this.line)) this.pend(last, 0, last.length, false);
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
