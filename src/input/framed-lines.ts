import type { TrawlEvent } from './event.js';
import { parseLine, type LineSink } from './ndjson-lines.js';

/**
 * Lines are parsed a batch at a time, as the consumer takes them: parsing a whole 1 MiB read at
 * once kept ~400 documents alive per batch, and every young-generation GC during the batch
 * copied them all (scavenges 109 -> 73 ms over 256 MB with the bundled rules, measured with
 * --trace-gc). Small enough to stay young, large enough that per-batch async overhead is nil.
 */
const BATCH_BYTES = 64 * 1024;
const BATCH_EVENTS = 256;

/**
 * What a framer found (NDJSON lines, JSON array elements) and has not parsed yet, parsed into
 * events batch by batch as the consumer takes them (`batches`).
 */
export class FramedLines {
  /** The sink's `out`: events parsed and not taken yet. */
  private readonly out: TrawlEvent[];
  /** Per framed text: its buffer, and [start, end, line number, flags] in `nums`. */
  private readonly bufs: Buffer[] = [];
  private readonly nums: number[] = [];
  private at = 0;
  /** Bytes of the texts parsed into `out` since it was last emptied. */
  private bytes = 0;

  constructor(readonly sink: LineSink) {
    this.out = sink.out;
  }

  /**
   * Bytes [s, e) of `buf` are the text of `line`, kept to be parsed when the sink wants it.
   * `first`: the input's first text (it may begin with a BOM); `valid`: known to be UTF-8.
   */
  add(buf: Buffer, s: number, e: number, line: number, first: boolean, valid: boolean): void {
    const wanted = this.sink.wanted;
    if (wanted !== undefined && !wanted.has(line)) return;
    this.bufs.push(buf);
    this.nums.push(s, e, line, (first ? 1 : 0) | (valid ? 2 : 0));
  }

  /**
   * The events framed so far, parsed a batch at a time as the caller takes them: every full
   * batch, then (`final`, at the end of input) the rest. Batches are bounded in bytes, not
   * events: a batch of big documents held too long survives into V8's old generation and costs
   * a major GC, while small ones should still be batched to keep async overhead low.
   */
  *batches(final = false): Generator<TrawlEvent[]> {
    for (;;) {
      this.parse();
      if (this.out.length === 0) {
        // A batch's worth of lines may all have been skipped (malformed, blank): go on while
        // lines are pending, or the rest would wait for more input that may never come.
        if (this.at >= this.bufs.length) return;
        this.bytes = 0;
        continue;
      }
      if (!final && this.bytes < BATCH_BYTES && this.out.length < BATCH_EVENTS) return;
      this.bytes = 0;
      yield this.out.splice(0);
    }
  }

  /** Every event framed so far (callers that take a whole small input at once). */
  takeAll(): TrawlEvent[] {
    return [...this.batches(true)].flat();
  }

  /** A text longer than the sink's limit, skipped unbuffered: counted at `line`. */
  tooLong(line: number, what = 'line'): void {
    this.sink.ledger.add('line-too-long', {
      file: this.sink.file,
      line,
      message: `${what} longer than ${this.sink.maxLine} bytes: skipped without buffering it`,
    });
  }

  /** Parse framed texts into `out` until a batch is full or none are left. */
  private parse(): void {
    const { bufs, nums } = this;
    let i = this.at;
    while (i < bufs.length && this.bytes < BATCH_BYTES && this.out.length < BATCH_EVENTS) {
      const s = nums[4 * i];
      const e = nums[4 * i + 1];
      const flags = nums[4 * i + 3];
      parseLine(bufs[i], s, e, nums[4 * i + 2], this.sink, (flags & 1) !== 0, (flags & 2) !== 0);
      this.bytes += e - s;
      i++;
    }
    if (i === bufs.length) {
      bufs.length = 0;
      nums.length = 0;
      i = 0;
    }
    this.at = i;
  }
}
