import { ArrayFramer, type ArrayFramerOptions } from './array-framer.js';
import type { TrawlEvent } from './event.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LF = 0x0a;
const OBJECT = 0x7b;
const ARRAY = 0x5b;

/** Keys only a `_search` (or scroll) response has at its top: `{"hits": {"hits": [...]}}` alone is a document. */
const RESPONSE_KEYS = new Set(['took', 'timed_out', '_shards', '_scroll_id', 'pit_id']);
/** Longer keys are never one we look for: not captured. */
const KEY_CAPTURE = 16;

/** What `ResponseWalker.walk` met. */
export const enum Walked {
  /** The end of the bytes given: more input is needed. */
  More,
  /** hits.hits opens at `at` (its `[`). */
  Hits,
  /** Bytes that are no JSON object between responses, at `at`. */
  Garbage,
  /** A top-level object opens at `at` (its `{`). */
  Begin,
  /** A top-level object closed: `at` is just past its `}`. */
  End,
  /**
   * A line break inside a string, which JSON never holds: the input was cut there (a truncated
   * response of one per line). The walk starts afresh at `at`, just past it.
   */
  Broken,
}

/**
 * Follows the structure of Elasticsearch `_search` responses — one, or several one after the
 * other (scroll pages) — outside their hits.hits arrays: only bracket depth, where strings end,
 * and the keys at the first two levels, to find each response's `"hits": {"hits": [`. Values
 * are skipped, not judged: the wrapper holds no events, the hits do.
 */
export class ResponseWalker {
  /** Open containers, outermost first: OBJECT or ARRAY. */
  private readonly stack: number[] = [];
  /** In the innermost object, the next string is a key. */
  private expectKey = false;
  private inString = false;
  private escaped = false;
  private keyBytes: number[] | undefined;
  /** The key of the value being read at the response's top level, and in the object under it. */
  private key1 = '';
  private key2 = '';
  private isResponse = false;
  /** Where `walk` stopped (see Walked). */
  at = 0;

  /** Whether a response is open (its closing brace not met yet). */
  get inResponse(): boolean {
    return this.stack.length > 0;
  }

  /**
   * Walks `buf` from `i` to the next thing the caller must know of (see Walked and `at`); after
   * Hits the caller frames the array and walks on from just past its `]`.
   */
  walk(buf: Buffer, i: number): Walked {
    const n = buf.length;
    const stack = this.stack;
    if (this.inString) {
      i = this.stringRest(buf, i);
      if (i >= n) return this.stop(n, Walked.More);
      if (buf[i] === LF) return this.restart(i);
      i++;
    }
    for (; i < n; i++) {
      const c = buf[i];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
      const depth = stack.length;
      if (depth === 0 && c !== OBJECT) return this.stop(i, Walked.Garbage);
      switch (c) {
        case QUOTE: {
          this.keyBytes = this.expectKey && depth <= 2 ? [] : undefined;
          this.inString = true;
          this.escaped = false;
          i = this.stringRest(buf, i + 1);
          if (i >= n) return this.stop(n, Walked.More);
          if (buf[i] === LF) return this.restart(i);
          break;
        }
        case OBJECT:
          stack.push(OBJECT);
          this.expectKey = true;
          if (depth === 0) {
            this.key1 = this.key2 = '';
            this.isResponse = false;
            return this.stop(i, Walked.Begin);
          }
          break;
        case ARRAY:
          if (depth === 2 && stack[1] === OBJECT && this.isResponse && this.key1 === 'hits' && this.key2 === 'hits') {
            // Back here after the array: a value has been read at this level.
            this.expectKey = false;
            return this.stop(i, Walked.Hits);
          }
          stack.push(ARRAY);
          this.expectKey = false;
          break;
        case 0x7d:
        case 0x5d:
          stack.pop();
          this.expectKey = false;
          if (stack.length === 0) return this.stop(i + 1, Walked.End);
          break;
        case 0x2c:
          this.expectKey = stack[depth - 1] === OBJECT;
          break;
        case 0x3a:
          this.expectKey = false;
          break;
        default:
          break; // numbers, literals: skipped
      }
    }
    return this.stop(n, Walked.More);
  }

  private stop(at: number, what: Walked): Walked {
    this.at = at;
    return what;
  }

  /** A string broke at the line break at `i`: whatever was open is given up. */
  private restart(i: number): Walked {
    this.reset();
    return this.stop(i + 1, Walked.Broken);
  }

  /** The walk starts afresh, outside any response (a string or the hits array broke off). */
  reset(): void {
    this.stack.length = 0;
    this.inString = false;
    this.escaped = false;
    this.keyBytes = undefined;
    this.expectKey = false;
  }

  /**
   * The rest of a string from `i`: the index of its closing quote, of a line break that breaks
   * it, or `buf.length` when it runs on.
   */
  private stringRest(buf: Buffer, i: number): number {
    const n = buf.length;
    const key = this.keyBytes;
    if (this.escaped && i < n) {
      this.escaped = false;
      if (key) this.keyBytes = undefined; // an escaped key is never one we look for
      if (buf[i] === LF) return i;
      i++;
    }
    for (; i < n; i++) {
      const c = buf[i];
      if (c === LF) return i;
      if (c === QUOTE) {
        this.inString = false;
        if (this.keyBytes) this.setKey(String.fromCharCode(...this.keyBytes));
        else if (this.expectKey) this.setKey('\u0000');
        return i;
      }
      if (c === BACKSLASH) {
        this.keyBytes = undefined;
        if (i + 1 >= n) {
          this.escaped = true;
          return n;
        }
        if (buf[++i] === LF) return i;
      } else if (this.keyBytes) {
        if (this.keyBytes.length < KEY_CAPTURE) this.keyBytes.push(c);
        else this.keyBytes = undefined;
      }
    }
    return n;
  }

  private setKey(key: string): void {
    this.expectKey = false;
    this.keyBytes = undefined;
    if (this.stack.length === 1) {
      this.key1 = key;
      if (RESPONSE_KEYS.has(key)) this.isResponse = true;
    } else if (this.stack.length === 2) this.key2 = key;
  }
}

/** Where the first response's hits.hits opens in `head`, or -1 (not a `_search` response, or not that far in). */
export function searchHitsStart(head: Buffer, from: number): number {
  const walker = new ResponseWalker();
  let what = walker.walk(head, from);
  if (what === Walked.Begin) what = walker.walk(head, walker.at + 1);
  return what === Walked.Hits ? walker.at : -1;
}

/**
 * Elasticsearch `_search` responses, however large and however printed (one line, pretty, or
 * several after one another): the walker skips each response's wrapper to its hits.hits, whose
 * elements are framed and parsed one by one as a JSON array's are. A streaming tokenizer read a
 * 100 MB response at ~8 MB/s; one JSON.parse of the whole text held it all (a 300 MB response,
 * one line, was longer than a line may be and was skipped). Hits are numbered from 0 across the
 * responses; an object among them that is no response is read as one more document.
 */
export class SearchFramer {
  private readonly walker = new ResponseWalker();
  private readonly hits: ArrayFramer;
  private inHits = false;
  private stopped = false;
  private offset = 0;
  /**
   * The top-level object being walked, until its hits.hits opens: where it starts in the current
   * chunk (-1: not held), and its pieces from earlier chunks. Should it close without one, it is
   * a document of its own.
   */
  private heldFrom = -1;
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** The object outgrew the line limit unbuffered: too long, should it prove a document. */
  private overflow = false;

  constructor(private readonly o: Omit<ArrayFramerOptions, 'nested'>) {
    this.hits = new ArrayFramer({ ...o, nested: true });
  }

  push(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length && !this.stopped) {
      if (this.inHits) {
        const end = this.hits.feed(chunk, i, this.offset);
        if (end === -1) break;
        this.inHits = false;
        if (this.hits.broken) this.walker.reset();
        i = end;
        continue;
      }
      const what = this.walker.walk(chunk, i);
      i = this.walker.at;
      switch (what) {
        case Walked.Begin:
          this.heldFrom = i++;
          break;
        case Walked.Hits:
          this.release();
          this.inHits = true;
          break;
        case Walked.End:
          if (this.overflow) this.hits.tooLong();
          else if (this.heldFrom !== -1) this.document(chunk, i);
          this.release();
          break;
        case Walked.Broken:
          this.release();
          this.report(`a line break inside a string at byte ${this.offset + i - 1}: the response is cut there; reading on at the next line`);
          break;
        case Walked.Garbage:
          this.release();
          this.report(`expected another response ('{') at byte ${this.offset + i}; the rest of the input is not read`);
          this.stopped = true;
          break;
        default:
          break; // More: the chunk is walked
      }
    }
    this.hold(chunk);
    this.offset += chunk.length;
  }

  batches(final = false): Generator<TrawlEvent[]> {
    return this.hits.batches(final);
  }

  finish(): void {
    if (this.inHits) this.hits.finish();
    else if (!this.stopped && this.walker.inResponse) {
      const inWrapper = this.heldFrom === -1 && !this.overflow;
      this.report(inWrapper ? 'the response is cut off after its hits (its closing brace is missing)' : 'the input ends inside an object; it is not read');
    }
    this.release();
  }

  /** Damaged input (a corrupt gzip member) cut the stream: nothing after it can be placed. */
  dropPartial(): void {
    if (this.stopped) return;
    if (this.inHits) this.hits.dropPartial();
    else this.report('damaged input in the response; the rest of the input is not read');
    this.release();
    this.stopped = true;
  }

  /** The chunk ends inside a top-level object that may yet be a document: keep its piece. */
  private hold(chunk: Buffer): void {
    if (this.heldFrom === -1 || this.stopped) return;
    const piece = chunk.subarray(this.heldFrom);
    this.heldFrom = 0;
    this.heldBytes += piece.length;
    if (this.heldBytes > this.hits.maxLine) {
      // Too long to be a document: walked on, unbuffered, in case its hits.hits is still to come.
      this.release();
      this.overflow = true;
      return;
    }
    this.held.push(piece);
  }

  /** A top-level object that closed at `end` of `chunk` without hits.hits: one more document. */
  private document(chunk: Buffer, end: number): void {
    const text = this.held.length ? Buffer.concat([...this.held, chunk.subarray(0, end)]) : chunk.subarray(this.heldFrom, end);
    this.hits.element(text);
  }

  private release(): void {
    this.heldFrom = -1;
    this.held = [];
    this.heldBytes = 0;
    this.overflow = false;
  }

  private report(message: string): void {
    this.o.ledger.add('malformed-json', { file: this.o.file, message });
  }
}
