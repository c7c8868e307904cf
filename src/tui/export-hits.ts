import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { writeHits } from '../export/index.js';
import { missingDocumentsWarning, readBackInOrder } from '../hunt/read-back.js';
import type { TuiState } from './state.js';

/** Where `e` writes: `exportPath` itself when it names a .json file, else a timestamped file in it (or cwd). */
export function exportTarget(exportPath: string | undefined, now: Date): string {
  if (exportPath && /\.json$/i.test(exportPath)) return exportPath;
  const name = `trawl-hits-${now.toISOString().replace(/[:.]/g, '-')}.json`;
  return join(exportPath ?? process.cwd(), name);
}

export interface ExportOptions {
  now?: Date;
  /** The hunt's --max-memory: documents read back hold a share of it, as for `hunt -f json`. */
  maxMemory?: number;
}

/**
 * Write the filtered hit list as `{hits, summary}`, as `trawl hunt -f json` writes it: hits that
 * hold only a summary get their documents read back as they are written, a piece at a time.
 * Returns the path and the hit count.
 */
export async function exportHits(s: TuiState, exportPath: string | undefined, o: ExportOptions = {}): Promise<{ path: string; count: number }> {
  const path = exportTarget(exportPath, o.now ?? new Date());
  const hits = s.visible.map((i) => s.ctx.hits[i]!);
  // A copy: a warning of this export is not the hunt's, nor the next export's.
  const summary = { ...s.ctx.summary, warnings: [...(s.ctx.summary.warnings ?? [])] };
  // JSON ends with the summary: a warning goes in before it is written.
  const whole = readBackInOrder(hits, s.ctx.placed, { maxMemory: o.maxMemory, onMissing: (n) => summary.warnings.push(missingDocumentsWarning(n)) });
  const file = await open(path, 'w');
  try {
    await writeHits({ write: async (text) => void (await file.write(text)) }, 'json', whole, summary);
  } finally {
    await file.close();
  }
  return { path, count: hits.length };
}
