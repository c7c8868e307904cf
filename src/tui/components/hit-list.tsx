import { Box, Text } from 'ink';
import { SEVERITY_COLOR, type HitFacts } from '../hit-facts.js';
import { fit } from '../layout.js';

export interface HitListProps {
  readonly facts: readonly HitFacts[];
  readonly visible: readonly number[];
  readonly cursor: number;
  readonly top: number;
  readonly rows: number;
  readonly width: number;
}

interface Columns {
  rule: number;
  host: number;
  proc: number;
  summary: number;
}

function columns(width: number): Columns {
  const rest = Math.max(12, width - 2 - 19 - 1 - 8 - 1 - 4);
  const rule = Math.max(8, Math.floor(rest * 0.34));
  const host = Math.max(4, Math.floor(rest * 0.18));
  const proc = Math.max(4, Math.floor(rest * 0.18));
  return { rule, host, proc, summary: Math.max(0, rest - rule - host - proc) };
}

function line(cells: string[]): string {
  return cells.join(' ');
}

/** The hit table; only the rows in the window [top, top + rows) are rendered. */
export function HitList({ facts, visible, cursor, top, rows, width }: HitListProps) {
  const c = columns(width);
  const head = line([' ', fit('time', 19), fit('severity', 8), fit('rule', c.rule), fit('host', c.host), fit('process', c.proc), fit('summary', c.summary)]);
  const body = [];
  for (let i = top; i < Math.min(visible.length, top + rows); i++) {
    const f = facts[visible[i]];
    const selected = i === cursor;
    body.push(
      <Text key={i} inverse={selected} wrap="truncate">
        {selected ? '›' : ' '} {fit(f.timeText, 19)}{' '}
        <Text color={SEVERITY_COLOR[f.severity]}>{fit(f.severity, 8)}</Text>
        {' '}{line([fit(f.rule, c.rule), fit(f.host, c.host), fit(f.process, c.proc), fit(f.summary, c.summary)])}
      </Text>,
    );
  }
  return (
    <Box flexDirection="column" height={rows + 1}>
      <Text bold wrap="truncate">{head}</Text>
      {body.length ? body : <Text dimColor>no hits match</Text>}
    </Box>
  );
}
