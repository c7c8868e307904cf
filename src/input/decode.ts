import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import { chunksThenError } from './chunk-queue.js';
import { decodeMember, isMemberStart, isMemberStartCut, readAt } from './gzip-members.js';
import type { SkipLedger } from './skips.js';

export interface DecodeOptions {
  ledger: SkipLedger;
  onBytes?: (n: number) => void;
  /** Called when damage cut the decoded stream: the partial line in flight must be dropped. */
  onDamage?: () => void;
  /** The file's size when it was listed, if known: a small file is read in one call, sized to it. */
  size?: number;
}

const READ_CHUNK = 1 << 20;
/**
 * Files up to this size are read whole, synchronously. A stream's open, reads and close each
 * wait a turn of libuv's thread pool: over 4,350 files of ~7 KB the scan sat idle for 59 % of its
 * time; the page cache answers a synchronous read in microseconds.
 */
const SMALL_FILE = 1 << 20;

/**
 * A small regular file's bytes in one synchronous read, its read error, or undefined when it
 * must be streamed (not a regular file, or grown past SMALL_FILE since it was listed).
 */
function readSmallFile(path: string): Buffer | Error | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    return err as Error;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > SMALL_FILE) return undefined;
    const buf = Buffer.allocUnsafe(st.size);
    let n = 0;
    while (n < buf.length) {
      const got = readSync(fd, buf, n, buf.length - n, n);
      if (got === 0) break;
      n += got;
    }
    return n < buf.length ? buf.subarray(0, n) : buf;
  } catch (err) {
    return err as Error;
  } finally {
    closeSync(fd);
  }
}

/** How far into a file progress has counted: bytes read again (a gzip stream walked anew after damage) count once. */
interface Counted {
  upTo: number;
}

/**
 * Raw bytes of a file from `start` to `end` (inclusive; default the end of the file), or stdin for
 * '-', counting bytes for progress (with `counted`, only those past what it has counted).
 */
export async function* rawChunks(path: string, start: number, opts: DecodeOptions, end?: number, counted?: Counted): AsyncGenerator<Buffer, Error | undefined> {
  let pos = start;
  const count = (n: number) => {
    const fresh = counted ? Math.max(0, pos + n - Math.max(pos, counted.upTo)) : n;
    pos += n;
    if (counted && pos > counted.upTo) counted.upTo = pos;
    if (fresh > 0) opts.onBytes?.(fresh);
  };
  // A file listed empty may be a pipe (`<(zcat …)`), which only a stream reads.
  if (start === 0 && end === undefined && path !== '-' && opts.size !== undefined && opts.size > 0 && opts.size <= SMALL_FILE) {
    const whole = readSmallFile(path);
    if (whole instanceof Error) return whole;
    if (whole) {
      count(whole.length);
      if (whole.length) yield whole;
      return undefined;
    }
  }
  // From the start, reads follow the file position: a pipe (`<(zcat …)`, /dev/stdin) has none to
  // seek to, and positional reads of it failed (ESPIPE).
  const at = start > 0 || end !== undefined ? { start, end } : {};
  const stream: Readable = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: READ_CHUNK, ...at });
  const it = chunksThenError(stream);
  try {
    for (;;) {
      const r = await it.next();
      if (r.done) return r.value;
      count(r.value.length);
      yield r.value;
    }
  } finally {
    // A caller that stops early (a range read to its end, a hunt stopped) must close the stream:
    // left paused, it kept its file open and up to 8 chunks read ahead.
    await it.return(undefined);
  }
}

const isGzip = (b: Buffer) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/**
 * Decoded bytes of an evidence file: plain, or gunzipped when it starts with the gzip magic
 * (concatenated members included). Damage never loses what came before it: a truncated member
 * keeps every byte decoded; a corrupt member is skipped by resuming at the next gzip header;
 * trailing garbage after the last member is reported and ignored.
 */
export async function* decodedChunks(path: string, label: string, opts: DecodeOptions): AsyncGenerator<Buffer> {
  const counted: Counted = { upTo: 0 };
  const raw = rawChunks(path, 0, opts, undefined, counted);
  const first = await raw.next();
  if (first.done) {
    if (first.value) opts.ledger.add('unreadable-file', { file: label, message: first.value.message });
    return;
  }
  if (!isGzip(first.value)) {
    yield first.value;
    for (;;) {
      const r = await raw.next();
      if (r.done) {
        if (r.value) opts.ledger.add('read-error', { file: label, message: r.value.message });
        return;
      }
      yield r.value;
    }
  }
  let second: IteratorResult<Buffer, Error | undefined> | undefined;
  if (first.value.length <= SMALL_GZIP) {
    // Read whole (rawChunks reads a small file in one call) and intact: inflated here, at once.
    second = await raw.next();
    const whole = second.done && second.value === undefined ? gunzipWhole(first.value) : undefined;
    if (whole) {
      if (whole.length) yield whole;
      return;
    }
  }
  yield* gunzipWithResync(prepend(first.value, second, raw), path, label, opts, counted);
}

/**
 * Compressed files up to this size are inflated in one synchronous call when they are intact. A
 * stream per file waits on libuv's pool for every piece and allocates zlib's 256 KiB output
 * chunks: 4,350 gzip files of ~4 KB took 6x the time of the same data as one gzip file, 41 % of
 * it idle. Past ~200 KB the stream is as fast (its inflating overlaps the parsing).
 */
const SMALL_GZIP = 128 * 1024;
/** What one synchronous inflate may produce: more (a bomb, or very repetitive data) is streamed. */
const SMALL_GZIP_OUTPUT = 16 << 20;

/**
 * The whole decoded content of an intact gzip file (concatenated members included), or undefined
 * when anything is wrong with it — cut, corrupt, trailing bytes, too large — for the streaming
 * path to decode what it can and report the damage where it is.
 */
function gunzipWhole(buf: Buffer): Buffer | undefined {
  // The trailer's length of the (last) member sizes zlib's output in one piece, not many joined.
  const stated = buf.length >= 18 ? buf.readUInt32LE(buf.length - 4) : 0;
  if (stated > SMALL_GZIP_OUTPUT) return undefined;
  try {
    const r = gunzipSync(buf, { info: true, maxOutputLength: SMALL_GZIP_OUTPUT, chunkSize: Math.max(1024, stated + 1) }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    return r.engine.bytesWritten === buf.length ? r.buffer : undefined;
  } catch {
    return undefined;
  }
}

/** `head`, then what `next` already took from `rest` (when it did), then the rest of `rest`. */
async function* prepend(
  head: Buffer,
  next: IteratorResult<Buffer, Error | undefined> | undefined,
  rest: AsyncGenerator<Buffer, Error | undefined>,
): AsyncGenerator<Buffer, Error | undefined> {
  yield head;
  if (next) {
    if (next.done) return next.value;
    yield next.value;
  }
  for (;;) {
    const r = await rest.next();
    if (r.done) return r.value;
    yield r.value;
  }
}

async function* gunzipWithResync(
  compressed: AsyncGenerator<Buffer, Error | undefined>,
  path: string,
  label: string,
  opts: DecodeOptions,
  counted: Counted,
): AsyncGenerator<Buffer> {
  let source = compressed;
  let base = 0; // file offset where this streaming attempt started (always a member start)
  let carry = 0;
  for (;;) {
    const attempt = inflate(source);
    let end: InflateEnd;
    let emitted = 0;
    for (;;) {
      const r = await attempt.next();
      if (r.done) {
        end = r.value;
        break;
      }
      emitted += r.value.length;
      // Bytes the previous attempt already yielded from this member are not yielded again.
      if (carry >= r.value.length) carry -= r.value.length;
      else {
        yield carry ? r.value.subarray(carry) : r.value;
        carry = 0;
      }
    }
    if (end.readError) {
      opts.ledger.add('read-error', { file: label, message: end.readError.message });
      return;
    }
    if (!end.error) return;
    const at = base + end.consumed;
    // Walking again from `base` re-decodes what this attempt already yielded (zlib can emit a
    // member's data before its trailer check fails): skip exactly that, and the stream stays
    // seamless. From anywhere else, the line in flight is cut.
    const atEof = (end.error as NodeJS.ErrnoException).code === 'Z_BUF_ERROR';
    // zlib ran out of input inside a member: the file is cut, or a damaged header made zlib
    // read the members after it as part of that one. Walking from `base` tells them apart.
    const fromBase = end.consumed === 0 || atEof;
    if (!fromBase || path === '-') opts.onDamage?.();
    if (path === '-') {
      opts.ledger.add('truncated-gzip', {
        file: label,
        message: `gzip data ends mid-member at byte ${at}: kept everything decoded before it, dropped the partial last line`,
      });
      return;
    }
    // zlib drops the output of the piece that failed. Walk the members from there one by one
    // (each decoded alone, so we know where it ends), keep the good ones, skip the corrupt ones,
    // then stream again from the first member that runs past the window.
    const recovery = recoverMembers(path, label, fromBase ? base : at, base, opts, fromBase ? emitted + carry : 0, atEof);
    let next: { at: number; yielded: number } | undefined;
    for (;;) {
      const r = await recovery.next();
      if (r.done) {
        next = r.value;
        break;
      }
      yield r.value;
    }
    if (next === undefined) return;
    base = next.at;
    carry = next.yielded;
    source = rawChunks(path, base, opts, undefined, counted);
  }
}

const WINDOW = 256 * 1024;

const endsMidMember = (pos: number) =>
  `gzip data ends mid-member (the member at byte ${pos}): kept everything decoded before it, dropped the partial last line`;

/** Decode members from `pos` inside a bounded window; returns where streaming should resume. */
async function* recoverMembers(
  path: string,
  label: string,
  pos: number,
  failedBase: number,
  opts: DecodeOptions,
  alreadyYielded: number,
  zlibHitEof: boolean,
): AsyncGenerator<Buffer, { at: number; yielded: number } | undefined> {
  let decodedAny = false;
  let skip = alreadyYielded;
  for (;;) {
    const buf = await readAt(path, pos, WINDOW);
    if (buf.length === 0) return undefined;
    if (isMemberStartCut(buf)) {
      // The file ends within the next member's first bytes (its magic): a cut, not garbage.
      opts.ledger.add('truncated-gzip', { file: label, message: endsMidMember(pos) });
      return undefined;
    }
    if (!isMemberStart(buf)) {
      const next = await findGzipHeader(path, pos + 1);
      const kind = decodedAny || pos > failedBase ? 'gzip-trailing-garbage' : 'truncated-gzip';
      opts.ledger.add(kind, {
        file: label,
        message: `${kind === 'gzip-trailing-garbage' ? 'non-gzip bytes' : 'corrupt gzip data'} from byte ${pos} to ${next < 0 ? 'the end' : `byte ${next}`} (skipped)`,
      });
      if (next < 0) return undefined;
      pos = next;
      skip = 0;
      continue;
    }
    const m = decodeMember(buf);
    if (m.kind === 'complete') {
      decodedAny = true;
      let out = m.output;
      if (skip > 0) {
        const n = Math.min(skip, out.length);
        skip -= n;
        out = out.subarray(n);
      }
      if (out.length) yield out;
      pos += m.length;
      continue;
    }
    // A big member: stream it (what was already yielded of it is skipped there).
    if (m.kind === 'incomplete' && pos !== failedBase) return { at: pos, yielded: skip };
    if (m.kind === 'incomplete' && zlibHitEof) {
      opts.onDamage?.();
      // A damaged header (a flag announcing an extra field) can make a member look endless.
      const intact = await findIntactMember(path, pos + 1);
      if (intact >= 0) {
        skip = 0;
        opts.ledger.add('truncated-gzip', {
          file: label,
          message: `corrupt gzip member at byte ${pos} (damaged header or data); resumed at the next intact member, byte ${intact}; line numbers after it are relative to the damage`,
        });
        pos = intact;
        continue;
      }
      opts.ledger.add('truncated-gzip', { file: label, message: endsMidMember(pos) });
      return undefined;
    }
    skip = 0; // what the stream yielded past here came from this damaged member: already out
    const next = await findGzipHeader(path, pos + 1);
    opts.ledger.add('truncated-gzip', {
      file: label,
      message: `corrupt gzip member at byte ${pos} (${m.kind === 'corrupt' ? m.message : 'damaged'}); ${next < 0 ? 'no member after it' : `resumed at the next member, byte ${next}`}; line numbers after it are relative to the damage`,
    });
    opts.onDamage?.();
    if (next < 0) return undefined;
    pos = next;
  }
}

interface InflateEnd {
  error?: Error;
  readError?: Error;
  /** Compressed bytes zlib took without error (the failing piece starts here). */
  consumed: number;
}

/** zlib discards a write's whole output when it fails: small writes bound what damage can take. */
const INFLATE_PIECE = 64 * 1024;

async function* inflate(source: AsyncGenerator<Buffer, Error | undefined>): AsyncGenerator<Buffer, InflateEnd> {
  const gz = createGunzip({ chunkSize: 256 * 1024 });
  let readError: Error | undefined;
  let consumed = 0;
  const out = chunksThenError(gz);
  // zlib may never call a write's callback once it has failed: closing settles it too.
  let closed = false;
  const settleOnClose: (() => void)[] = [];
  gz.once('close', () => {
    closed = true;
    for (const f of settleOnClose.splice(0)) f();
  });
  const write = (piece: Buffer) =>
    new Promise<boolean>((resolve) => {
      if (closed) return resolve(false);
      settleOnClose.push(() => resolve(false));
      gz.write(piece, (err) => {
        if (!err) consumed += piece.length;
        resolve(!err);
      });
    });
  // Feed zlib in the background of the output loop; each piece waits for zlib to take it.
  const feeding = (async () => {
    try {
      for (;;) {
        const r = await source.next();
        if (r.done) {
          readError = r.value;
          break;
        }
        let ok = true;
        for (let i = 0; ok && i < r.value.length; i += INFLATE_PIECE) {
          if (gz.destroyed) ok = false;
          else ok = await write(r.value.subarray(i, i + INFLATE_PIECE));
        }
        if (!ok) break;
      }
    } finally {
      if (!gz.destroyed) gz.end();
    }
  })();
  let error: Error | undefined;
  for (;;) {
    const r = await out.next();
    if (r.done) {
      error = r.value;
      break;
    }
    yield r.value;
  }
  await feeding.catch(() => undefined);
  await source.return(undefined).catch(() => undefined);
  return { error, readError, consumed };
}

/** Offset of the next gzip member header (1f 8b 08) at or after `from`, or -1. */
/** The first gzip header from `from` whose member inflates and passes its CRC, or -1. */
async function findIntactMember(path: string, from: number): Promise<number> {
  for (let pos = await findGzipHeader(path, from); pos >= 0; pos = await findGzipHeader(path, pos + 1)) {
    const m = decodeMember(await readAt(path, pos, WINDOW));
    if (m.kind === 'complete') return pos;
  }
  return -1;
}

export async function findGzipHeader(path: string, from: number): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(READ_CHUNK + 2);
    let pos = from;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead < 3) return -1;
      const view = buf.subarray(0, bytesRead);
      let i = view.indexOf(0x1f);
      while (i !== -1 && i + 2 < bytesRead) {
        if (view[i + 1] === 0x8b && view[i + 2] === 0x08) return pos + i;
        i = view.indexOf(0x1f, i + 1);
      }
      if (bytesRead < buf.length) return -1;
      pos += bytesRead - 2;
    }
  } finally {
    await fh.close();
  }
}
