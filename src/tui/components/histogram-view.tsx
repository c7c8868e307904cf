import { Box, Text } from 'ink';
import { SEVERITIES, SEVERITY_COLOR } from '../hit-facts.js';
import { bar, bucketRange, type Histogram } from '../histogram.js';
import { fit } from '../layout.js';

export interface HistogramProps {
  readonly histogram?: Histogram;
  readonly selected?: number;
  readonly width: number;
  /** One row per severity (critical on top) instead of one row coloured by the worst. */
  readonly perSeverity?: boolean;
}

function stamp(ms: number, seconds = false): string {
  return new Date(ms).toISOString().slice(0, seconds ? 19 : 16).replace('T', ' ');
}

/** Hits per time bucket over the evidence span, each bar coloured by its worst severity. */
export function HistogramView({ histogram: h, selected, width, perSeverity }: HistogramProps) {
  if (!h) return (<Box flexDirection="column"><Text dimColor>no hit times</Text><Text> </Text></Box>);
  const max = Math.max(...h.counts);
  let axis: string;
  if (selected !== undefined && selected < h.counts.length) {
    const r = bucketRange(h, selected);
    axis = `bucket ${selected + 1}/${h.counts.length}: ${stamp(r.from, true)} – ${stamp(r.to - 1, true)}  ${h.counts[selected]} hit(s)  Enter/b filter`;
  } else {
    const left = stamp(h.from);
    const right = stamp(h.to);
    axis = `${left}${' '.repeat(Math.max(1, width - left.length - right.length - 1))}${right}`;
  }
  const rows = perSeverity
    ? [3, 2, 1, 0].map((rank) => <Bars key={rank} counts={h.bySeverity[rank]} max={Math.max(...h.bySeverity.flat())} color={() => SEVERITY_COLOR[SEVERITIES[rank]]} selected={selected} />)
    : [<Bars key="all" counts={h.counts} max={max} color={(i) => (h.maxRank[i] >= 0 ? SEVERITY_COLOR[SEVERITIES[h.maxRank[i]]] : undefined)} selected={selected} />];
  return (
    <Box flexDirection="column">
      {rows}
      <Text dimColor wrap="truncate">{fit(axis, width)}</Text>
    </Box>
  );
}

interface BarsProps {
  readonly counts: readonly number[];
  readonly max: number;
  readonly color: (bucket: number) => string | undefined;
  readonly selected?: number;
}

function Bars({ counts, max, color, selected }: BarsProps) {
  return (
    <Text wrap="truncate">
      {' '}
      {counts.map((c, i) => (
        <Text key={i} color={color(i)} inverse={i === selected}>
          {bar(c, max)}
        </Text>
      ))}
    </Text>
  );
}
