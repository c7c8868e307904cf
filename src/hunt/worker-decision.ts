/**
 * Whether the other scanners should start, when `--workers` was not given: decided once, from the
 * main thread's first moments of scanning. Extra scanners are not free. Each worker loads its
 * modules, compiles the rules it meets and warms up its own JIT. Once it runs, it shares the cores
 * with the first scanner, and that scanner keeps ~1.25 cores busy on its own (the collector, the
 * optimising compiler, reads, gunzip). So on a 2-core machine a second scanner slowed every short
 * hunt down. Paired runs, 2 workers against 1:
 *  - bundled rules: 128 MB 1.12x slower, 256 MB 1.12x slower, 384 MB 1.04x slower, 512 MB even,
 *    1 GB 1.18x faster;
 *  - Elastic's corpus: 32 MB 1.31x slower, 64 MB 1.08x slower, 128 MB 1.03x faster, 192 MB 1.09x
 *    faster, 256 MB 1.08x faster.
 * The model below fits those crossovers (a bundled-rules scan of ~0.9 s, a corpus scan of
 * ~2.8 s): extra scanners pay when the time they save on the work still unclaimed is more than
 * they cost to start.
 */

/** Cores one scanner keeps busy (CPU time over wall time of a 1-worker hunt, 2-core machine). */
const CORES_PER_SCANNER = 1.25;
/**
 * What starting the other scanners costs the hunt, in seconds: a fixed part and a part per compiled
 * rule (a worker compiles the rules it meets and warms up its JIT on them, as the main thread did).
 * Fitted to the crossovers above as the decision sees them: the rate it measures is still below
 * the main thread's final pace (corpus: 15-25 MB/s in the window, ~50 MB/s over a whole hunt).
 */
const START_SECONDS = 0.15;
const START_SECONDS_PER_RULE = 0.0005;
/**
 * The main thread's first moments are not its pace: rules compile as events first reach them and
 * the JIT warms up (corpus: 5-12 MB/s in the first 250 ms, ~50 MB/s after). The rate is taken
 * over the OBSERVE_MS after the first WARM_MS.
 */
export const WARM_MS = 250;
export const OBSERVE_MS = 250;

export interface ScalingFacts {
  /** Bytes of tasks no scanner has claimed yet: all the others could share. */
  unclaimedBytes: number;
  /** Bytes per second the main thread scanned alone so far. */
  bytesPerSecond: number;
  /** Scanners the plan was made for (the main thread included). */
  scanners: number;
  cores: number;
  /** Rules compiled for the hunt. */
  rules: number;
}

/**
 * Seconds saved by the extra scanners on the unclaimed work, less what they cost to start:
 * positive when they pay. The speed-up is capped by the cores each scanner needs, so on 2 cores
 * two scanners are at best 1.6x one.
 */
export function extraScannersGain(f: ScalingFacts): number {
  if (f.scanners < 2 || f.bytesPerSecond <= 0) return -Infinity;
  const speedup = Math.min(f.scanners, f.cores / CORES_PER_SCANNER);
  if (speedup <= 1) return -Infinity;
  const alone = f.unclaimedBytes / f.bytesPerSecond;
  return alone * (1 - 1 / speedup) - (START_SECONDS + START_SECONDS_PER_RULE * f.rules);
}

/**
 * Watches the main thread's scan (`observe` on every byte count) and calls `start` once, at the
 * first count past WARM_MS + OBSERVE_MS, when extra scanners pay; never, when they don't or the
 * work runs out first.
 */
export class LateStart {
  private began = -1;
  private bytes = 0;
  /** Bytes and time when the rate window opened (WARM_MS into the scan). */
  private from: { bytes: number; at: number } | undefined;
  private decided = false;

  constructor(
    private readonly facts: () => Omit<ScalingFacts, 'bytesPerSecond'>,
    private readonly start: () => void,
    private readonly clock: () => number = () => performance.now(),
    /** Called instead of `start` when the main thread goes on alone. */
    private readonly stay: () => void = () => {},
  ) {}

  /** The main thread starts scanning now. */
  begin(): void {
    this.began = this.clock();
  }

  observe(n: number): void {
    if (this.decided || this.began < 0) return;
    this.bytes += n;
    const now = this.clock();
    if (!this.from) {
      if (now - this.began >= WARM_MS) this.from = { bytes: this.bytes, at: now };
      return;
    }
    if (now - this.from.at < OBSERVE_MS) return;
    this.decided = true;
    const facts = { ...this.facts(), bytesPerSecond: ((this.bytes - this.from.bytes) * 1000) / (now - this.from.at) };
    if (facts.unclaimedBytes > 0 && extraScannersGain(facts) > 0) this.start();
    else this.stay();
  }
}
