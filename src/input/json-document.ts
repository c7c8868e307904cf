import { pipeline, Readable } from 'node:stream';
import { parser } from 'stream-json';
import { pick } from 'stream-json/filters/pick.js';
import { streamArray } from 'stream-json/streamers/stream-array.js';
import { wakeUp } from './chunk-queue.js';
import { NdjsonFramer } from './ndjson-framer.js';
import { pushDocument, type LineSink } from './ndjson-lines.js';

/** Whole-document JSON smaller than this is parsed at once; larger is streamed. */
const WHOLE_LIMIT = 64 * 1024 * 1024;
/** Parsed elements waiting to be taken before the source stops reading. */
const QUEUE_LIMIT = 4096;

/**
 * One JSON object that is not NDJSON: a `_search` response, or one (pretty-printed) document.
 * Large `_search` responses stream through stream-json so a multi-GB export is never held whole;
 * provenance is the hit's index. (Arrays are framed element by element: see ArrayFramer.)
 */
export async function* readJsonDocument(
  chunks: AsyncIterable<Buffer>,
  sizeHint: number,
  sink: LineSink,
  batch: number,
): AsyncGenerator<void> {
  if (sizeHint < WHOLE_LIMIT) {
    const parts: Buffer[] = [];
    for await (const c of chunks) parts.push(c);
    let text = Buffer.concat(parts).toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // Not one document after all (NDJSON with damaged first lines): read it line by line, so
      // one bad line costs one line, not the file.
      const framer = new NdjsonFramer({ file: sink.file, ledger: sink.ledger, maxLine: sink.maxLine });
      framer.push(Buffer.from(text));
      framer.finish();
      for (const ev of framer.takeAll()) sink.out.push(ev);
      return;
    }
    pushDocument(value, 1, sink, true);
    return;
  }
  const stages = [parser.asStream(), pick.asStream({ filter: 'hits.hits' }), streamArray.asStream()];
  // Until the first element arrives, keep what was read: if the parser fails before it, the
  // file was NDJSON with a damaged head (`[1]`, a broken first object), and reading it line by
  // line costs one bad line instead of the whole file.
  const source = chunks[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headBytes = 0;
  let recording = true;
  let index = -1;
  // Elements are taken as the last stage emits them, not pulled through an async iterator: on a
  // parse error the pipeline destroys its streams, and elements still buffered in them would be
  // lost — all of them when the whole (small) file was parsed before the first pull. Backpressure
  // is applied at the source instead: it waits while too many elements are queued.
  const queue: { key: number; value: unknown }[] = [];
  let taken = 0;
  let failure: Error | undefined;
  let done = false;
  const arrived = wakeUp();
  const room = wakeUp();
  async function* tap(): AsyncGenerator<Buffer> {
    // Pulled by hand, not for-await: when the parser stops, `source` must stay open for the fallback.
    for (;;) {
      while (queue.length - taken > QUEUE_LIMIT) await room.wait();
      const r = await source.next();
      if (r.done) return;
      recording &&= index === -1 && headBytes + r.value.length <= WHOLE_LIMIT;
      if (recording) {
        head.push(r.value);
        headBytes += r.value.length;
      } else head.length = 0;
      yield r.value;
    }
  }
  const items = (pipeline as unknown as (...s: unknown[]) => Readable)(Readable.from(tap()), ...stages, (err?: Error | null) => {
    failure = err ?? undefined;
    done = true;
    arrived.wake();
  });
  items.on('data', (item: { key: number; value: unknown }) => {
    queue.push(item);
    arrived.wake();
  });
  for (;;) {
    while (taken < queue.length) {
      const item = queue[taken++];
      index = item.key;
      pushDocument(item.value, item.key, sink);
      if (sink.out.length >= batch) {
        room.wake();
        yield;
      }
    }
    queue.length = 0;
    taken = 0;
    room.wake();
    if (done) break;
    await arrived.wait();
  }
  if (failure) {
    if (index === -1 && recording) {
      yield* readAsLines(head, source, sink, batch);
      return;
    }
    sink.ledger.add('malformed-json', {
      file: sink.file,
      line: index + 1,
      message: `${failure.message} (after element ${index}; elements before it were read)`,
    });
  }
}

async function* readAsLines(head: Buffer[], rest: AsyncIterator<Buffer>, sink: LineSink, batch: number): AsyncGenerator<void> {
  const framer = new NdjsonFramer({ file: sink.file, ledger: sink.ledger, maxLine: sink.maxLine });
  const drain = function* (): Generator<void> {
    for (const ev of framer.takeAll()) sink.out.push(ev);
    if (sink.out.length >= batch) yield;
  };
  for (const c of head) {
    framer.push(c);
    yield* drain();
  }
  for (;;) {
    const r = await rest.next();
    if (r.done) break;
    framer.push(r.value);
    yield* drain();
  }
  framer.finish();
  yield* drain();
}
