import type { EvidenceFile } from '../input/index.js';

/** One unit of scanning work: a whole file, or a byte range of a plain NDJSON file. */
export interface ScanTask {
  file: EvidenceFile;
  range?: { start: number; end: number };
}

/** Plain NDJSON files bigger than this are split into ranges so workers share one big file. */
const SPLIT_BYTES = 64 * 1024 * 1024;

/**
 * Split the work so `workers` threads stay busy: big plain NDJSON files become byte ranges
 * (the reader realigns them to line boundaries and keeps exact line numbers); gzip and JSON
 * files stay whole (gzip can't be entered mid-stream). Largest tasks first, for balance.
 */
export function planTasks(files: { file: EvidenceFile; splittable: boolean }[], workers: number): ScanTask[] {
  const tasks: ScanTask[] = [];
  for (const { file, splittable } of files) {
    if (!splittable || workers <= 1 || file.size < SPLIT_BYTES) {
      tasks.push({ file });
      continue;
    }
    const parts = Math.max(workers, Math.ceil(file.size / SPLIT_BYTES));
    const step = Math.ceil(file.size / parts);
    for (let start = 0; start < file.size; start += step) {
      tasks.push({ file, range: { start, end: Math.min(file.size, start + step) } });
    }
  }
  return tasks.sort((a, b) => taskBytes(b) - taskBytes(a));
}

export function taskBytes(t: ScanTask): number {
  return t.range ? t.range.end - t.range.start : t.file.size;
}
