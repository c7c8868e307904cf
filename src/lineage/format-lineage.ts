import type { LineageIndex } from './lineage-index.js';
import type { ProcessRecord } from './record.js';

/** One line describing a process: pid, name, user, start, command line. */
export function describeProcess(rec: ProcessRecord): string {
  const parts = [`[${rec.pid ?? '?'}]`, rec.name ?? (rec.executable ? baseName(rec.executable) : '<unknown>')];
  if (rec.user) parts.push(`user=${rec.user}`);
  if (rec.start) parts.push(`start=${rec.start}`);
  if (rec.placeholder) {
    const anonymous = rec.pid === undefined && rec.name === undefined && rec.executable === undefined;
    parts.push(`(not in evidence${anonymous && rec.entityId ? `: ${rec.entityId}` : ''})`);
  }
  const cmd = rec.commandLine ?? rec.args?.join(' ');
  if (cmd) parts.push(`$ ${cmd}`);
  return parts.join('  ');
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

/**
 * `trawl lineage` output: the ancestry chain root → process, then the process's descendant
 * tree, as text or JSON.
 */
export function formatLineage(index: LineageIndex, key: string, format: 'tree' | 'json'): string {
  const rec = index.get(key);
  if (!rec) return format === 'json' ? JSON.stringify({ error: `unknown process ${key}` }) : `unknown process ${key}`;
  const chain = index.ancestors(key).reverse();
  if (format === 'json') return JSON.stringify(lineageJson(index, rec, chain), null, 2);
  const lines = [`host: ${rec.host || '<unknown>'}`];
  chain.forEach((a, depth) => lines.push(`${indent(depth)}${describeProcess(a)}`));
  const depth = chain.length;
  lines.push(`${indent(depth)}* ${describeProcess(rec)}`);
  drawChildren(index, key, ' '.repeat(3 * depth), lines, new Set([key]));
  return lines.join('\n');
}

function indent(depth: number): string {
  return depth === 0 ? '' : `${' '.repeat(3 * (depth - 1))}└─ `;
}

function drawChildren(index: LineageIndex, key: string, prefix: string, lines: string[], seen: Set<string>): void {
  const kids = index.children(key).filter((k) => !seen.has(k.key));
  kids.forEach((child, i) => {
    const last = i === kids.length - 1;
    seen.add(child.key);
    lines.push(`${prefix}${last ? '└─ ' : '├─ '}${describeProcess(child)}`);
    drawChildren(index, child.key, `${prefix}${last ? '   ' : '│  '}`, lines, seen);
  });
}

interface ProcessJson {
  entity_id?: string;
  pid?: number;
  name?: string;
  executable?: string;
  command_line?: string;
  args?: string[];
  user?: string;
  start?: string;
  end?: string;
  placeholder: boolean;
  events: number;
  source?: { file: string; line: number };
}

interface TreeJson extends ProcessJson {
  children: TreeJson[];
}

function processJson(r: ProcessRecord): ProcessJson {
  return {
    entity_id: r.entityId,
    pid: r.pid,
    name: r.name,
    executable: r.executable,
    command_line: r.commandLine,
    args: r.args,
    user: r.user,
    start: r.start,
    end: r.end,
    placeholder: r.placeholder,
    events: r.eventRefs.length,
    source: r.source ? { file: r.source.file, line: r.source.line } : undefined,
  };
}

function lineageJson(index: LineageIndex, rec: ProcessRecord, chain: ProcessRecord[]) {
  const tree = (r: ProcessRecord, seen: Set<string>): TreeJson => ({
    ...processJson(r),
    children: index
      .children(r.key)
      .filter((c) => !seen.has(c.key) && seen.add(c.key))
      .map((c) => tree(c, seen)),
  });
  return { host: rec.host, ancestors: chain.map(processJson), process: tree(rec, new Set([rec.key])) };
}
