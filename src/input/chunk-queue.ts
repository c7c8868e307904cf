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
  const arrived = wakeUp();
  stream.on('data', (c: Buffer) => {
    queue.push(c);
    if (queue.length > 8) stream.pause();
    arrived.wake();
  });
  stream.on('error', (e) => {
    error ??= e;
    ended = true;
    arrived.wake();
  });
  stream.on('end', () => {
    ended = true;
    arrived.wake();
  });
  stream.on('close', () => {
    ended = true;
    arrived.wake();
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
      await arrived.wait();
    }
  } finally {
    stream.destroy();
  }
}

/** A one-shot signal between a producer's callbacks and an async consumer: `wait()` settles at the next `wake()`. */
export function wakeUp(): { wait(): Promise<void>; wake(): void } {
  let resolve: (() => void) | undefined;
  return {
    wait: () => new Promise<void>((r) => (resolve = r)),
    wake: () => {
      const r = resolve;
      resolve = undefined;
      r?.();
    },
  };
}
