/** Tall terminals get one histogram row per severity; others one row coloured by the worst. */
export function histogramRows(height: number): number {
  return height >= 34 ? 4 : 1;
}

/** List rows left by the chrome: header (2), histogram bars and axis, column header (1), status (1). */
export function listRows(height: number): number {
  return Math.max(1, height - 5 - histogramRows(height));
}

/** Rows for scrolled screens (detail, lineage, timeline): title (1), status (1). */
export function pageRows(height: number): number {
  return Math.max(1, height - 2);
}

/** Truncate to `width` columns (with …) and pad to exactly `width`. */
export function fit(s: string, width: number): string {
  if (width <= 0) return '';
  const flat = s.replace(/[\r\n\t]+/g, ' ');
  if (flat.length > width) return width === 1 ? '…' : `${flat.slice(0, width - 1)}…`;
  return flat.padEnd(width);
}

/** Word-wrap one paragraph to `width`; over-long words are split. */
export function wrap(s: string, width: number, indent = ''): string[] {
  const w = Math.max(4, width - indent.length);
  const out: string[] = [];
  let line = '';
  for (const word of s.split(/\s+/).filter(Boolean)) {
    let rest = word;
    while (rest.length > w) {
      if (line) out.push(line), (line = '');
      out.push(rest.slice(0, w));
      rest = rest.slice(w);
    }
    if (!line) line = rest;
    else if (line.length + 1 + rest.length <= w) line += ` ${rest}`;
    else out.push(line), (line = rest);
  }
  if (line) out.push(line);
  return out.length ? out.map((l) => indent + l) : [indent];
}
