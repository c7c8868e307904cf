import type { HuntSummary } from '../hunt/summary.js';

/** Columns aligned to their widest cell; long cells are cut to `max` with an ellipsis. */
export function alignTable(header: string[], rows: string[][], max = 60): string {
  return tableText(tableLayout(header, rows, max), header, rows);
}

/** The header, its rule and `rows`, laid out in `t`'s columns. */
export function tableText(t: TableLayout, header: string[], rows: string[][]): string {
  return [t.line(header), t.rule, ...rows.map(t.line)].join('\n');
}

export interface TableLayout {
  /** A row laid out in the columns (a cell wider than its column pushes the rest right). */
  line(row: string[]): string;
  /** The dashes under the header. */
  rule: string;
}

/** The columns `rows` need (see alignTable): rows printed later are laid out in the same ones. */
export function tableLayout(header: string[], rows: string[][], max = 60): TableLayout {
  const cut = (s: string) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
  const widths = header.map((h) => cut(h).length);
  for (const r of rows) for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i], cut(r[i] ?? '').length);
  return {
    line: (r) => r.map((c, i) => cut(c).padEnd(widths[i] ?? 0)).join('  ').trimEnd(),
    rule: widths.map((w) => '-'.repeat(w)).join('  '),
  };
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** What a hunt prints when there is no TUI: hits per rule, then the scan accounting. */
export function formatSummary(s: HuntSummary): string {
  const out: string[] = [];
  if (s.hits.by_rule.length) {
    out.push(
      alignTable(
        ['RULE', 'SEVERITY', 'HITS', 'HOSTS'],
        s.hits.by_rule.map((r) => [`${r.name}${r.capped ? ' (over max_signals)' : ''}`, r.severity, String(r.hits), String(r.hosts)]),
      ),
      '',
    );
  } else {
    out.push('No hits.', '');
  }
  const sev = Object.entries(s.hits.by_severity)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  out.push(`hits:    ${s.hits.total}${sev ? ` (${sev})` : ''}${s.span ? `  ${s.span.from} → ${s.span.to}` : ''}`);
  out.push(`scanned: ${s.files} file(s), ${mb(s.bytes)}, ${s.events} events in ${(s.elapsed_ms / 1000).toFixed(2)} s (${s.events_per_sec} events/s)`);
  out.push(
    `rules:   ${s.rules.loaded} loaded, ${s.rules.compiled} compiled, ${s.rules.failed.length} failed, ${s.rules.unsupported.length} unsupported`,
  );
  for (const f of s.rules.failed.slice(0, 10)) {
    out.push(`  error  ${f.file}${f.line ? `:${f.line}:${f.column ?? 1}` : ''}: ${f.name ? `${f.name}: ` : ''}${f.message}`);
  }
  if (s.rules.failed.length > 10) out.push(`  … and ${s.rules.failed.length - 10} more (trawl rules check)`);
  const skipped = Object.entries(s.skipped);
  if (skipped.length) {
    out.push(`skipped: ${skipped.map(([k, c]) => `${c?.count ?? 0} ${k}`).join(', ')}`);
    for (const [kind, c] of skipped) {
      for (const ex of c?.examples ?? []) out.push(`  ${kind}  ${ex.file}${ex.line !== undefined ? `:${ex.line}` : ''}: ${ex.message}`);
    }
  } else {
    out.push('skipped: nothing');
  }
  for (const w of s.warnings.slice(0, 20)) out.push(`warning: ${w}`);
  if (s.warnings.length > 20) out.push(`warning: … and ${s.warnings.length - 20} more (see --format json)`);
  if (s.incomplete) out.push('INCOMPLETE: the hunt was interrupted; hits are partial.');
  return `${out.join('\n')}\n`;
}
