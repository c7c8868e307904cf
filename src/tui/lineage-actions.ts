import type { Hit } from '../engine/hit.js';
import type { LineageIndex } from '../lineage/index.js';
import { hostOf } from '../fields/index.js';
import { hitDoc } from './hit-facts.js';
import { pageRows } from './layout.js';
import { lineageRows } from './lineage-rows.js';
import { push, replaceTop, screen } from './stack.js';
import type { Screen, TuiState } from './state-types.js';

/**
 * The lineage key of a hit's process: by host + entity id (or pid) as the index keys it, else
 * by entity id on the hit's host when the document itself names no host (ES|QL rows).
 */
export function processKeyOf(lineage: LineageIndex, h: Hit | undefined): string | undefined {
  const doc = h ? hitDoc(h) : undefined;
  if (!doc) return undefined;
  const key = lineage.keyFor(doc);
  if (key && lineage.get(key)) return key;
  if (hostOf(doc)) return undefined;
  const id = doc['process.entity_id'] ?? (doc.process as Record<string, unknown> | undefined)?.entity_id;
  if (typeof id !== 'string') return undefined;
  const host = typeof h?.host === 'string' ? h.host : undefined;
  return lineage.findByEntityId(id).find((r) => host === undefined || r.host === host)?.key;
}

/** Rows on a lineage screen, for cursor clamping. */
export function lineageRowCount(s: TuiState, sc: Extract<Screen, { kind: 'lineage' }>): number {
  return s.ctx.lineage ? lineageRows(s.ctx.lineage, sc.key, sc.collapsed, s.ctx.hitsByProcess).length : 0;
}

/** `l`: open the lineage screen of a hit's process, cursor on that process. */
export function openLineage(s: TuiState, hit: number | undefined): TuiState {
  if (!s.ctx.lineage) return { ...s, status: 'no lineage: process lineage is built only by an interactive `trawl hunt`' };
  if (hit === undefined) return s;
  const key = processKeyOf(s.ctx.lineage, s.ctx.hits[hit]);
  if (!key) {
    const unindexed = s.ctx.lineage.unindexed;
    const status = unindexed > 0
      ? `no process lineage for this hit: the lineage index reached its memory share and left ${unindexed.toLocaleString('en-US')} events out (rerun with a larger --max-memory)`
      : 'no process lineage for this hit';
    return { ...s, status };
  }
  const chain = s.ctx.lineage.ancestors(key).length;
  return push(s, { kind: 'lineage', key, cursor: chain, top: Math.max(0, chain - pageRows(s.height) + 1), collapsed: new Set() });
}

/** ← / →: collapse or expand the selected node of the descendant tree. */
export function fold(s: TuiState, open: boolean): TuiState {
  const sc = screen(s);
  if (sc.kind !== 'lineage' || !s.ctx.lineage) return s;
  const row = lineageRows(s.ctx.lineage, sc.key, sc.collapsed, s.ctx.hitsByProcess)[sc.cursor];
  if (!row || !row.inTree || row.childCount === 0) return s;
  const collapsed = new Set(sc.collapsed);
  if (open) collapsed.delete(row.key);
  else collapsed.add(row.key);
  return replaceTop(s, { ...sc, collapsed });
}

/** The key of the process selected on the lineage screen. */
export function selectedProcess(s: TuiState): string | undefined {
  const sc = screen(s);
  if (sc.kind !== 'lineage' || !s.ctx.lineage) return undefined;
  return lineageRows(s.ctx.lineage, sc.key, sc.collapsed, s.ctx.hitsByProcess)[sc.cursor]?.key;
}
