import { Box, Text } from 'ink';
import type { HuntSummary } from '../../hunt/summary.js';
import { SEVERITIES, SEVERITY_COLOR } from '../hit-facts.js';
import type { Filters, SortKey } from '../hit-view.js';
import { fit } from '../layout.js';

export interface HeaderProps {
  readonly summary: HuntSummary;
  readonly bySeverity: Readonly<Record<string, number>>;
  readonly total: number;
  readonly shown: number;
  readonly filters: Filters;
  readonly sort: SortKey;
  readonly width: number;
}

const SHORT: Record<string, string> = { critical: 'crit', high: 'high', medium: 'med', low: 'low' };

function num(v: unknown): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toLocaleString('en-US') : '?';
}

function skipped(summary: HuntSummary): number {
  let n = 0;
  const s = summary && typeof summary.skipped === 'object' && summary.skipped ? summary.skipped : {};
  for (const c of Object.values(s)) n += typeof c?.count === 'number' ? c.count : 0;
  return n;
}

function describeFilters(f: Filters): string {
  const parts: string[] = [];
  if (f.minRank > 0) parts.push(`≥${SEVERITIES[f.minRank]}`);
  if (f.rule !== undefined) parts.push(`rule=${f.rule}`);
  if (f.host !== undefined) parts.push(`host=${f.host || '∅'}`);
  if (f.query) parts.push(`/${f.query}`);
  if (f.range) parts.push(`time ${iso(f.range.from)}–${iso(f.range.to)}`);
  return parts.length ? parts.join(' ') : 'none';
}

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(5, 19).replace('T', ' ');
}

/** Title, live counts, active sort and filters. */
export function Header({ summary, bySeverity, total, shown, filters, sort, width }: HeaderProps) {
  const skip = skipped(summary);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold>trawl</Text>
        {`  files ${num(summary?.files)}  events ${num(summary?.events)}  `}
        <Text color={skip ? 'yellow' : undefined}>{`skipped ${num(skip)}`}</Text>
        {`  hits ${num(total)}`}
        {summary?.incomplete ? <Text color="yellow"> (incomplete)</Text> : null}
        {':'}
        {[...SEVERITIES].reverse().map((sev) => (
          <Text key={sev} color={SEVERITY_COLOR[sev]}>{` ${SHORT[sev]} ${num(bySeverity[sev] ?? 0)}`}</Text>
        ))}
      </Text>
      <Text dimColor wrap="truncate">{fit(`showing ${num(shown)}  sort ${sort}  filter ${describeFilters(filters)}   ? help`, width)}</Text>
    </Box>
  );
}
