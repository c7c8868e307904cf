import { QueryError } from '../query-error.js';
import type { Command, NamePattern } from './ast.js';
import type { Column } from './expr.js';
import { findCol, wildcardToRegex, type PlanCtx, type Schema, type Stage } from './pipeline.js';

function project(input: Schema, idx: number[], open: boolean): Stage {
  const cols = idx.map((i) => input.cols[i]);
  return {
    schema: { cols, open },
    build: (next) => ({
      push(row) {
        const v = new Array(idx.length);
        for (let i = 0; i < idx.length; i++) v[i] = row.v[idx[i]];
        next.push({ v, doc: row.doc, src: row.src });
      },
      finish: () => next.finish(),
    }),
  };
}

function resolvePattern(pat: NamePattern, input: Schema, p: PlanCtx): number[] {
  if (!pat.pattern.includes('*')) {
    let i = findCol(input.cols, pat.pattern);
    if (i < 0 && input.open && p.discover) {
      input.cols.push({ name: pat.pattern, type: p.discover(pat.pattern) });
      i = input.cols.length - 1;
    }
    if (i < 0) throw new QueryError(`Unknown column [${pat.pattern}]`, p.src, pat.location.min, 'type');
    return [i];
  }
  const re = wildcardToRegex(pat.pattern);
  const out: number[] = [];
  input.cols.forEach((c, i) => re.test(c.name) && out.push(i));
  if (out.length === 0 && pat.pattern !== '*' && !input.open && !p.lenient) {
    throw new QueryError(`No matches found for pattern [${pat.pattern}]`, p.src, pat.location.min, 'type');
  }
  return out;
}

/** KEEP: the most specific pattern naming a column (exact beats wildcard beats `*`), the last of equals, decides its place. */
export function compileKeep(cmd: Command & { type: 'keep' }, input: Schema, p: PlanCtx): Stage {
  const assigned = new Map<number, { order: number; prio: number }>();
  const resolved = cmd.patterns.map((pat) => ({ pat, idx: resolvePattern(pat, input, p) }));
  resolved.forEach(({ pat, idx }, order) => {
    const prio = pat.pattern === '*' ? 0 : pat.pattern.includes('*') ? 1 : 2;
    for (const i of idx) {
      const cur = assigned.get(i);
      // of the patterns naming a column, the most specific decides its place; among equals, the last
      if (!cur || prio > cur.prio || (prio === cur.prio && prio > 0)) assigned.set(i, { order, prio });
    }
  });
  // order: by winning pattern position, then by input position
  const idx = [...assigned.entries()].sort((a, b) => a[1].order - b[1].order || a[0] - b[0]).map(([i]) => i);
  return project(input, idx, false);
}

export function compileDrop(cmd: Command & { type: 'drop' }, input: Schema, p: PlanCtx): Stage {
  const drop = new Set<number>();
  for (const pat of cmd.patterns) {
    if (!pat.pattern.includes('*') && findCol(input.cols, pat.pattern) < 0) {
      // any document may hold the field: discovery makes it a column, then it is dropped
      if (input.open && p.discover) input.cols.push({ name: pat.pattern, type: p.discover(pat.pattern) });
      else if (input.open) continue;
      else throw new QueryError(`Unknown column [${pat.pattern}]`, p.src, pat.location.min, 'type');
    }
    for (const i of resolvePattern(pat, input, p)) drop.add(i);
  }
  const idx = input.cols.map((_, i) => i).filter((i) => !drop.has(i));
  return project(input, idx, input.open);
}

export function compileRename(cmd: Command & { type: 'rename' }, input: Schema, p: PlanCtx): Stage {
  let cols: Column[] = [...input.cols];
  // source index of each current column
  let srcIdx = cols.map((_, i) => i);
  for (const { from, to } of cmd.pairs) {
    let i = findCol(cols, from.pattern);
    if (i < 0 && input.open && p.discover) {
      input.cols.push({ name: from.pattern, type: p.discover(from.pattern) });
      cols.push(input.cols[input.cols.length - 1]);
      srcIdx.push(input.cols.length - 1);
      i = cols.length - 1;
    }
    if (i < 0) throw new QueryError(`Unknown column [${from.pattern}]`, p.src, from.location.min, 'type');
    const b = p.bucketOf.get(from.pattern);
    if (b) p.bucketOf.set(to.pattern, b);
    cols = cols.map((c, k) => (k === i ? { name: to.pattern, type: c.type, copyOf: c.copyOf ?? c } : c));
    const dup = cols.findIndex((c, k) => k !== i && c.name === to.pattern);
    if (dup >= 0) {
      cols = cols.filter((_, k) => k !== dup);
      srcIdx = srcIdx.filter((_, k) => k !== dup);
    }
  }
  const finalIdx = srcIdx;
  return {
    schema: { cols, open: input.open },
    build: (next) => ({
      push(row) {
        next.push({ v: finalIdx.map((i) => row.v[i]), doc: row.doc, src: row.src });
      },
      finish: () => next.finish(),
    }),
  };
}
