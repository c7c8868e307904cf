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
      // Quitting at once (a second Ctrl-C) can race a spill still being written: a run file
      // created while the contents are removed makes the final rmdir fail with ENOTEMPTY.
      // Retried, the newcomer is removed too; one opened after the rmdir fails, having no dir.
      rmSync(this.path, { recursive: true, force: true, maxRetries: 5, retryDelay: 10 });
    } catch {
      // Best effort: a leftover temp dir must not turn a finished hunt into a failure.
    }
  }
}
