import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toJson } from '../export/index.js';
import type { TuiState } from './state.js';

/** Where `e` writes: `exportPath` itself when it names a .json file, else a timestamped file in it (or cwd). */
export function exportTarget(exportPath: string | undefined, now: Date): string {
  if (exportPath && /\.json$/i.test(exportPath)) return exportPath;
  const name = `trawl-hits-${now.toISOString().replace(/[:.]/g, '-')}.json`;
  return join(exportPath ?? process.cwd(), name);
}

/** Write the filtered hit list as `{hits, summary}`; returns the path and the hit count. */
export async function exportHits(s: TuiState, exportPath: string | undefined, now = new Date()): Promise<{ path: string; count: number }> {
  const path = exportTarget(exportPath, now);
  const hits = s.visible.map((i) => s.ctx.hits[i]);
  await writeFile(path, toJson(hits, s.ctx.summary));
  return { path, count: hits.length };
}
