import type { Readable } from 'node:stream';

/**
 * Iterate a stream's chunks, then its error (if any) — after every chunk it produced. An async
 * iterator over a failing stream throws as soon as the error arrives, dropping chunks already
 * decoded (a truncated gzip member's good lines); this keeps them.
 */
export async function* chunksThenError(stream: Readable): AsyncGenerator<Buffer, Error | undefined> {
  const queue: Buffer[] = [];
  let error: Error | undefined;
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  stream.on('data', (c: Buffer) => {
    queue.push(c);
    if (queue.length > 8) stream.pause();
    notify();
  });
  stream.on('error', (e) => {
    error ??= e;
    ended = true;
    notify();
  });
  stream.on('end', () => {
    ended = true;
    notify();
  });
  stream.on('close', () => {
    ended = true;
    notify();
  });
  try {
    for (;;) {
      const c = queue.shift();
      if (c) {
        if (queue.length < 4 && stream.isPaused()) stream.resume();
        yield c;
        continue;
      }
      if (ended) return error;
      if (stream.isPaused()) stream.resume();
      await new Promise<void>((r) => (wake = r));
    }
  } finally {
    stream.destroy();
  }
}
