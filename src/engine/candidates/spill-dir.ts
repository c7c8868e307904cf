import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REMOVE_ATTEMPTS = 20;
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * The temporary directory spilled candidates live in: made when a hunt starts, removed when it
 * ends — normally, on error, and on a second Ctrl-C (process.exit runs 'exit' listeners, and
 * only synchronous work happens there).
 */
export class SpillDir {
  readonly path: string;
  private readonly onExit = () => this.remove();

  constructor(parent: string = os.tmpdir()) {
    this.path = mkdtempSync(path.join(parent, 'trawl-'));
    process.on('exit', this.onExit);
  }

  remove(): void {
    process.off('exit', this.onExit);
    // Quitting at once (a second Ctrl-C) races spills still being opened on libuv's thread pool:
    // a run file created after rmSync listed the directory makes its rmdir fail, and rmSync's own
    // retries only retry the rmdir. Renaming first makes every open not yet started fail (the
    // path is gone); the few already past the lookup land in the renamed directory, which is
    // emptied again until the rmdir succeeds.
    let doomed = this.path;
    try {
      renameSync(this.path, `${this.path}.removing`);
      doomed = `${this.path}.removing`;
    } catch {
      // Already gone, or the rename is refused: remove it where it is.
    }
    for (let attempt = 0; attempt < REMOVE_ATTEMPTS && existsSync(doomed); attempt++) {
      try {
        rmSync(doomed, { recursive: true, force: true });
      } catch {
        // Best effort: a leftover temp dir must not turn a finished hunt into a failure.
      }
      if (existsSync(doomed)) Atomics.wait(pause, 0, 0, 5);
    }
  }
}
