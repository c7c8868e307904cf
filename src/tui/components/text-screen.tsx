import { Box, Text } from 'ink';
import { fit } from '../layout.js';
import type { StyledLine } from '../styled-line.js';

export interface TextScreenProps {
  readonly title: string;
  readonly lines: readonly StyledLine[];
  readonly scroll: number;
  readonly rows: number;
  readonly width: number;
}

/** A titled, scrolled window over pre-laid-out lines. */
export function TextScreen({ title, lines, scroll, rows, width }: TextScreenProps) {
  const end = Math.min(lines.length, scroll + rows);
  const pos = lines.length > rows ? `  ${scroll + 1}-${end}/${lines.length}` : '';
  return (
    <Box flexDirection="column" height={rows + 1}>
      <Text bold inverse wrap="truncate">{fit(`${title}${pos}`, width)}</Text>
      {lines.slice(scroll, end).map((l, i) => (
        <Text key={scroll + i} bold={l.bold} dimColor={l.dim} color={l.color} wrap="truncate">
          {l.text === '' ? ' ' : l.text}
        </Text>
      ))}
    </Box>
  );
}
