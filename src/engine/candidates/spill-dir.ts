import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

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
    try {
      rmSync(this.path, { recursive: true, force: true });
    } catch {
      // Best effort: a leftover temp dir must not turn a finished hunt into a failure.
    }
  }
}
