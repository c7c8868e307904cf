import os from 'node:os';
import v8 from 'node:v8';

const KIB = 1024;
const MIB = KIB * KIB;
const GIB = MIB * KIB;
const UNITS: Record<string, number> = { '': 1, b: 1, k: KIB, kb: KIB, kib: KIB, m: MIB, mb: MIB, mib: MIB, g: GIB, gb: GIB, gib: GIB, t: GIB * KIB, tb: GIB * KIB, tib: GIB * KIB };

/** `512MB`, `2GB`, `1.5g`, `800M`, `1048576`: binary units (1 GB = 1024 MB), as -Xmx and friends. */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = UNITS[m[2].toLowerCase()];
  if (unit === undefined) return undefined;
  const bytes = Math.round(Number(m[1]) * unit);
  return Number.isFinite(bytes) && bytes > 0 ? bytes : undefined;
}

export function formatSize(bytes: number): string {
  if (bytes >= GIB && bytes % (GIB / 10) === 0) return `${bytes / GIB} GB`;
  if (bytes >= MIB) return `${Math.round(bytes / MIB)} MB`;
  return `${Math.max(1, Math.round(bytes / KIB))} KB`;
}

/** Half the machine, at most 2 GB: a hunt should not crowd out the analyst's other tools. */
export function defaultMaxMemory(): number {
  return Math.min(2 * GIB, Math.floor(os.totalmem() / 2));
}

/** How one --max-memory figure is shared among the parts of a hunt that grow with the evidence. */
export interface MemoryPlan {
  maxMemory: number;
  /** Candidates all scanners together keep in memory before spilling: a scanner alone has it all. */
  scanBytes: number;
  /** Candidates each scanner (worker) keeps in memory before spilling. */
  scanBytesPerScanner: number;
  /** One rule's candidates loaded whole for evaluation before a warning. */
  loadBytes: number;
  /** One rule's candidates that would not fit the JavaScript heap at all. */
  refuseBytes: number;
  /** A streaming rule's own state (new_terms values) before eviction. */
  stateBytes: number;
  /** The process lineage index (interactive hunts), all scanners together, and each scanner's share. */
  lineageBytes: number;
  lineageBytesPerScanner: number;
  /**
   * Documents of single-event hits a hunt written as it goes (not browsed) holds, all scanners
   * together and each one's share, before new hits keep only their place; the same bytes, as
   * text, hold documents read back for writing before a temporary file takes them
   * (readBackInOrder).
   */
  hitBytes: number;
  hitBytesPerScanner: number;
  label: string;
}

/**
 * Candidates get 20% of the limit while scanning, split among scanners (their remainders all end
 * up in the main thread); the rest covers parsing, hits, the router and V8's own overhead. Every
 * share is also capped by the JavaScript heap limit, which is what actually crashes a process.
 */
export function planMemory(maxMemory: number, scanners: number): MemoryPlan {
  const heapLimit = v8.getHeapStatistics().heap_size_limit;
  const candidates = Math.min(maxMemory * 0.2, heapLimit * 0.4);
  const lineage = Math.min(maxMemory * 0.15, heapLimit * 0.15);
  // Hits written rather than browsed (a hunt has them or the lineage index, never both) keep their
  // documents within the lineage's share, but no more than 32 MB: held documents slow every
  // collection, and past that, reading them back as they are written is faster as well as leaner
  // (a hunt with 127,000 hits over 400 MB: wall 0.80x, peak RSS 1,051 -> 489 MB at the default
  // --max-memory). The read-back's text in memory likewise (the same wall, 657 -> 484 MB).
  const hits = Math.min(lineage, 32 * MIB);
  return {
    maxMemory,
    scanBytes: Math.max(1, Math.floor(candidates)),
    scanBytesPerScanner: Math.max(1, Math.floor(candidates / Math.max(1, scanners))),
    loadBytes: candidates,
    refuseBytes: heapLimit * 0.6,
    stateBytes: Math.min(maxMemory * 0.25, heapLimit * 0.25),
    lineageBytes: lineage,
    lineageBytesPerScanner: lineage / Math.max(1, scanners),
    hitBytes: hits,
    hitBytesPerScanner: hits / Math.max(1, scanners),
    label: `--max-memory ${formatSize(maxMemory)}`,
  };
}
