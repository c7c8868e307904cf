export interface Progress {
  addBytes(n: number): void;
  addEvents(n: number): void;
  fileDone(): void;
  stop(): void;
  /**
   * A later stage of the work, once the scan's bar is stopped: `total` steps of `what` (over a
   * few GB the evaluation of stateful rules and reading hits back take seconds of their own).
   */
  stage(what: string, total: number): ProgressStage;
}

export interface ProgressStage {
  advance(): void;
  stop(): void;
}

export interface ProgressOptions {
  totalBytes: number;
  totalFiles: number;
  /** What the bar says until the first bytes are read (a hunt loads its rules first: ~1.5 s cold for Elastic's corpus). */
  preparing?: string;
}

export const NO_STAGE: ProgressStage = { advance() {}, stop() {} };
export const NO_PROGRESS: Progress = { addBytes() {}, addEvents() {}, fileDone() {}, stop() {}, stage: () => NO_STAGE };

/**
 * A progress bar on stderr: bytes read (compressed bytes for gzip) over the evidence total,
 * files done, events/s. A no-op when disabled or stderr is not a terminal. The bar's library is
 * loaded only when there is a bar to draw: scripted runs and workers never pay for it.
 */
export async function createProgress(opts: ProgressOptions & { enabled: boolean }): Promise<Progress> {
  if (!opts.enabled || !process.stderr.isTTY) return NO_PROGRESS;
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: ' {bar} {percentage}% | {mb}/{totalMb} MB | files {files}/{totalFiles} | {rate}',
      hideCursor: true,
      clearOnComplete: true,
      fps: 8,
    },
    cliProgress.Presets.shades_classic,
  );
  /** When the first bytes came: the rate is of scanning, not of loading rules before it. */
  let started: number | undefined;
  let bytes = 0;
  let events = 0;
  let files = 0;
  const totalMb = (opts.totalBytes / 1e6).toFixed(0);
  const payload = () => ({
    mb: (bytes / 1e6).toFixed(0),
    totalMb,
    files,
    totalFiles: opts.totalFiles,
    rate:
      started === undefined
        ? (opts.preparing ?? 'starting…')
        : `${Math.round(events / Math.max(0.001, (Date.now() - started) / 1000)).toLocaleString('en-US')} events/s`,
  });
  bar.start(Math.max(1, opts.totalBytes), 0, payload());
  return {
    addBytes(n) {
      started ??= Date.now();
      bytes += n;
      bar.update(Math.min(bytes, opts.totalBytes), payload());
    },
    addEvents(n) {
      events += n;
    },
    fileDone() {
      files++;
      bar.update(Math.min(bytes, opts.totalBytes), payload());
    },
    stop() {
      bar.stop();
    },
    stage: (what, total) => stageBar(cliProgress, what, total),
  };
}

/** A stage's bar on its own, after the work whose Progress is gone (writing a hunt's hits). */
export async function createStage(what: string, total: number, enabled: boolean): Promise<ProgressStage> {
  if (!enabled || !process.stderr.isTTY) return NO_STAGE;
  const { default: cliProgress } = await import('cli-progress');
  return stageBar(cliProgress, what, total);
}

function stageBar(cliProgress: typeof import('cli-progress'), what: string, total: number): ProgressStage {
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: ` {bar} {value}/{total} ${what}`, hideCursor: true, clearOnComplete: true, fps: 8 },
    cliProgress.Presets.shades_classic,
  );
  let done = 0;
  bar.start(total, 0);
  return {
    advance: () => bar.update(++done),
    stop: () => bar.stop(),
  };
}
