import type { LineageIndex, ProcessRecord } from '../lineage/index.js';

/** One line of the lineage screen. */
export interface LineageRow {
  key: string;
  record: ProcessRecord;
  /** Tree drawing before the process description. */
  prefix: string;
  isTarget: boolean;
  /** In the descendant tree (collapsible) rather than the ancestry chain. */
  inTree: boolean;
  childCount: number;
  expanded: boolean;
  hits: readonly number[];
}

/** Ancestry chain root → target, then the target's descendants with collapsed nodes folded. */
export function lineageRows(
  index: LineageIndex,
  target: string,
  collapsed: ReadonlySet<string>,
  hitsByProcess: ReadonlyMap<string, readonly number[]>,
): LineageRow[] {
  const rec = index.get(target);
  if (!rec) return [];
  const rows: LineageRow[] = [];
  const row = (r: ProcessRecord, prefix: string, inTree: boolean, isTarget = false): LineageRow => {
    const childCount = inTree ? index.children(r.key).length : 0;
    return { key: r.key, record: r, prefix, isTarget, inTree, childCount, expanded: !collapsed.has(r.key), hits: hitsByProcess.get(r.key) ?? [] };
  };
  const chain = index.ancestors(target).reverse();
  chain.forEach((a, depth) => rows.push(row(a, depth === 0 ? '' : `${' '.repeat(3 * (depth - 1))}└─ `, false)));
  const depth = chain.length;
  rows.push(row(rec, depth === 0 ? '' : `${' '.repeat(3 * (depth - 1))}└─ `, true, true));
  const seen = new Set([target]);
  const walk = (key: string, prefix: string) => {
    if (collapsed.has(key)) return;
    const kids = index.children(key).filter((k) => !seen.has(k.key));
    kids.forEach((k, i) => {
      const last = i === kids.length - 1;
      seen.add(k.key);
      rows.push(row(k, `${prefix}${last ? '└─ ' : '├─ '}`, true));
      walk(k.key, `${prefix}${last ? '   ' : '│  '}`);
    });
  };
  walk(target, ' '.repeat(3 * depth));
  return rows;
}
