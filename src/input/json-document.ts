import { pipeline, Readable } from 'node:stream';
import { parser } from 'stream-json';
import { pick } from 'stream-json/filters/pick.js';
import { streamArray } from 'stream-json/streamers/stream-array.js';
import { NdjsonFramer } from './ndjson-framer.js';
import { pushDocument, type LineSink } from './ndjson-lines.js';

/** Whole-document JSON smaller than this is parsed at once; larger is streamed. */
const WHOLE_LIMIT = 64 * 1024 * 1024;

/**
 * JSON that is not NDJSON: an array of documents or hits, a `_search` response, or one
 * (pretty-printed) document. Arrays and large `_search` responses stream through stream-json
 * so a multi-GB export is never held whole; provenance is the element index.
 */
export async function* readJsonDocument(
  chunks: AsyncIterable<Buffer>,
  kind: 'array' | 'object',
  sizeHint: number,
  sink: LineSink,
  batch: number,
): AsyncGenerator<void> {
  if (kind === 'object' && sizeHint < WHOLE_LIMIT) {
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
      for (const ev of framer.out) sink.out.push(ev);
      return;
    }
    pushDocument(value, 1, sink);
    return;
  }
  const stages =
    kind === 'array'
      ? [parser.asStream(), streamArray.asStream()]
      : [parser.asStream(), pick.asStream({ filter: 'hits.hits' }), streamArray.asStream()];
  const items = (pipeline as unknown as (...s: unknown[]) => Readable)(Readable.from(chunks), ...stages, () => {});
  let index = -1;
  try {
    for await (const item of items as AsyncIterable<{ key: number; value: unknown }>) {
      index = item.key;
      pushDocument(item.value, item.key, sink);
      if (sink.out.length >= batch) yield;
    }
  } catch (err) {
    sink.ledger.add('malformed-json', {
      file: sink.file,
      line: index + 1,
      message: `${(err as Error).message} (after element ${index}; elements before it were read)`,
    });
  }
}
