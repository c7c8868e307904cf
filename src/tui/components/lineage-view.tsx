import { Box, Text } from 'ink';
import { describeProcess } from '../../lineage/index.js';
import { fit } from '../layout.js';
import type { LineageRow } from '../lineage-rows.js';

export interface LineageViewProps {
  readonly rows: readonly LineageRow[];
  readonly cursor: number;
  readonly top: number;
  readonly height: number;
  readonly width: number;
}

function marker(r: LineageRow): string {
  if (!r.inTree) return '';
  if (r.childCount === 0) return '  ';
  return r.expanded ? '▾ ' : '▸ ';
}

/** Ancestry chain then the collapsible descendant tree; ● marks processes with hits of their own. */
export function LineageView({ rows, cursor, top, height, width }: LineageViewProps) {
  return (
    <Box flexDirection="column" height={height + 1}>
      <Text bold inverse wrap="truncate">{fit('Process lineage  (←→ fold, Enter jump to hit, t timeline, Esc back)', width)}</Text>
      {rows.slice(top, top + height).map((r, i) => {
        const at = top + i;
        const hits = r.hits.length ? `● ${r.hits.length} hit${r.hits.length > 1 ? 's' : ''} ` : '';
        const folded = r.inTree && !r.expanded && r.childCount ? `(+${r.childCount}) ` : '';
        return (
          <Text key={r.key} inverse={at === cursor} bold={r.isTarget} wrap="truncate">
            {at === cursor ? '›' : ' '}
            {r.prefix}
            {marker(r)}
            {folded}
            {hits ? <Text color="red">{hits}</Text> : null}
            {describeProcess(r.record)}
          </Text>
        );
      })}
    </Box>
  );
}
