import { QueryError } from '../query-error.js';
import type { Command } from './ast.js';
import { compileExpr, type Column } from './expr.js';
import { exprCtx, findCol, type PlanCtx, type Schema, type Stage } from './pipeline.js';
import { warnSite } from './warnings.js';

interface Part {
  key: string;
  skip: boolean;
  append: boolean;
  order: number;
  pad: boolean;
  delim: string;
}

export interface DissectPattern {
  prefix: string;
  parts: Part[];
  keys: string[];
}

export function parseDissect(pattern: string, fail: (m: string) => never): DissectPattern {
  const re = /%\{([^}]*)\}/g;
  let m: RegExpExecArray | null;
  let last = 0;
  let prefix = '';
  const parts: Part[] = [];
  while ((m = re.exec(pattern))) {
    const lit = pattern.slice(last, m.index);
    if (parts.length === 0) prefix = lit;
    else parts[parts.length - 1].delim = lit;
    let k = m[1];
    let pad = false;
    if (k.endsWith('->')) {
      pad = true;
      k = k.slice(0, -2);
    }
    let skip = false;
    let append = false;
    let order = parts.length;
    if (k.startsWith('?')) {
      skip = true;
      k = k.slice(1);
    } else if (k.startsWith('+')) {
      append = true;
      k = k.slice(1);
      const o = /^(.*)\/(\d+)$/.exec(k);
      if (o) {
        k = o[1];
        order = Number(o[2]);
      }
    } else if (k.startsWith('*') || k.startsWith('&')) {
      fail('reference keys (%{*key} / %{&key}) are not supported in DISSECT');
    }
    if (k === '') skip = true;
    parts.push({ key: k, skip, append, order, pad, delim: '' });
    last = re.lastIndex;
  }
  if (parts.length === 0) fail(`Invalid pattern for dissect: [${pattern}]`);
  parts[parts.length - 1].delim = pattern.slice(last);
  for (let i = 0; i + 1 < parts.length; i++) if (parts[i].delim === '') fail(`Invalid pattern for dissect: [${pattern}]`);
  const keys: string[] = [];
  for (const p of parts) if (!p.skip && !keys.includes(p.key)) keys.push(p.key);
  return { prefix, parts, keys };
}

export function runDissect(d: DissectPattern, s: string, sep: string): Map<string, string> | undefined {
  if (!s.startsWith(d.prefix)) return undefined;
  let pos = d.prefix.length;
  const vals: { key: string; v: string; order: number; append: boolean; skip: boolean }[] = [];
  for (let i = 0; i < d.parts.length; i++) {
    const p = d.parts[i];
    let end: number;
    if (i === d.parts.length - 1 && p.delim === '') end = s.length;
    else {
      end = s.indexOf(p.delim, pos);
      if (end < 0) return undefined;
      if (i === d.parts.length - 1 && end + p.delim.length !== s.length) {
        end = s.lastIndexOf(p.delim);
        if (end < pos || end + p.delim.length !== s.length) return undefined;
      }
    }
    vals.push({ key: p.key, v: s.slice(pos, end), order: p.order, append: p.append, skip: p.skip });
    pos = end + p.delim.length;
    if (p.pad && p.delim) while (s.startsWith(p.delim, pos)) pos += p.delim.length;
  }
  const out = new Map<string, string>();
  const app = new Map<string, { v: string; order: number }[]>();
  for (const x of vals) {
    if (x.skip) continue;
    if (x.append || app.has(x.key)) {
      if (!app.has(x.key)) app.set(x.key, []);
      app.get(x.key)!.push({ v: x.v, order: x.order });
    } else out.set(x.key, x.v);
  }
  for (const [k, l] of app) {
    const first = out.get(k);
    const items = first !== undefined ? [{ v: first, order: -1 }, ...l] : l;
    out.set(k, items.sort((a, b) => a.order - b.order).map((x) => x.v).join(sep));
  }
  return out;
}

export function compileDissect(cmd: Command & { type: 'dissect' }, input: Schema, p: PlanCtx): Stage {
  const ctx = exprCtx(p, input);
  const inp = compileExpr(cmd.input, ctx);
  const d = parseDissect(cmd.pattern, (m) => {
    throw new QueryError(m, p.src, cmd.patternLocation.min, 'syntax');
  });
  return extractStage(input, d.keys.map((k) => ({ name: k, type: 'keyword' as const })), inp.ev, (s) => {
    const m = runDissect(d, s, cmd.appendSeparator);
    return m ? d.keys.map((k) => m.get(k) ?? null) : undefined;
  }, warnSite(p.src, cmd.location));
}

/** Shared by DISSECT and GROK: append extracted columns (replacing same-named ones). */
export function extractStage(
  input: Schema,
  newCols: Column[],
  inputEv: (r: import('./expr.js').Row) => unknown,
  extract: (s: string) => unknown[] | undefined,
  site: ReturnType<typeof warnSite>,
): Stage {
  const names = new Set(newCols.map((c) => c.name));
  const keep = input.cols.map((_, i) => i).filter((i) => !names.has(input.cols[i].name));
  const cols = [...keep.map((i) => input.cols[i]), ...newCols];
  const nulls = newCols.map(() => null);
  void findCol;
  return {
    schema: { cols, open: input.open },
    build: (next) => ({
      push(row) {
        const s = inputEv(row);
        let vals: unknown[] = nulls;
        if (Array.isArray(s)) {
          // each value is extracted; results collect into multi-values
          const acc: unknown[][] = newCols.map(() => []);
          for (const x of s) {
            const r = extract(String(x));
            if (!r) continue;
            r.forEach((v, i) => {
              if (v === null) return;
              if (Array.isArray(v)) acc[i].push(...v);
              else acc[i].push(v);
            });
          }
          vals = acc.map((l) => (l.length === 0 ? null : l.length === 1 ? l[0] : l));
        } else if (s !== null && s !== undefined) {
          vals = extract(String(s)) ?? nulls;
        }
        next.push({ v: [...keep.map((i) => row.v[i]), ...vals], doc: row.doc, src: row.src });
      },
      finish: () => next.finish(),
    }),
  };
}
