import { existsSync, readFileSync } from 'node:fs';
import { QueryError } from '../query-error.js';
import type { Command } from './ast.js';
import { extractStage } from './dissect.js';
import { compileSearch, isRegexError, type SearchRegex } from '../regex/index.js';
import { compileExpr, literalOffsets, type Column } from './expr.js';
import { exprCtx, type PlanCtx, type Schema, type Stage } from './pipeline.js';
import type { XType } from './types.js';
import { warnSite } from './warnings.js';

let library: Map<string, string> | undefined;

/** The grok pattern library (src/lang/esql/grok-patterns.txt), loaded once. */
export function grokLibrary(): Map<string, string> {
  if (library) return library;
  library = new Map();
  const text = readFileSync(libraryFile(), 'utf8');
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const sp = line.indexOf(' ');
    library.set(line.slice(0, sp), line.slice(sp + 1));
  }
  return library;
}

/**
 * Beside this module when run from source; the build (tsc) emits no .txt, so from
 * dist/src/lang/esql/ the file is found in the package's src/lang/esql/.
 */
function libraryFile(): URL {
  const here = new URL('./grok-patterns.txt', import.meta.url);
  return existsSync(here) ? here : new URL('../../../../src/lang/esql/grok-patterns.txt', import.meta.url);
}

const TYPES: Record<string, XType> = { int: 'integer', integer: 'integer', long: 'long', float: 'double', double: 'double', boolean: 'boolean' };

export interface GrokCompiled {
  re: SearchRegex;
  fields: { name: string; type: XType; groups: string[] }[];
}

export function compileGrok(patterns: string[], fail: (m: string) => never): GrokCompiled {
  const lib = grokLibrary();
  const fields: { name: string; type: XType; groups: string[] }[] = [];
  let gid = 0;
  const expand = (p: string, depth: number): string => {
    if (depth > 30) fail('grok pattern recursion too deep');
    return p.replace(/%\{(\w+)(?::([\w.@\-\[\]]+))?(?::(\w+))?\}/g, (_m, name: string, field?: string, type?: string) => {
      const def = lib.get(name);
      if (def === undefined) fail(`Unable to find pattern [${name}] in Grok's pattern dictionary`);
      const inner = expand(def, depth + 1);
      if (!field) return `(?:${inner})`;
      const g = `g${gid++}`;
      let f = fields.find((x) => x.name === field);
      if (!f) {
        f = { name: field, type: type ? TYPES[type] ?? 'keyword' : 'keyword', groups: [] };
        fields.push(f);
      }
      f.groups.push(g);
      return `(?<${g}>${inner})`;
    });
  };
  const alts = patterns.map((p) => {
    const src = expand(p, 0);
    // Oniguruma named groups in raw patterns become fields too
    return src.replace(/\(\?<([A-Za-z_][\w.@]*)>/g, (m, n: string) => {
      if (/^g\d+$/.test(n)) return m;
      const g = `g${gid++}`;
      let f = fields.find((x) => x.name === n);
      if (!f) {
        f = { name: n, type: 'keyword', groups: [] };
        fields.push(f);
      }
      f.groups.push(g);
      return `(?<${g}>`;
    });
  });
  let re: SearchRegex;
  try {
    re = compileSearch(alts.length === 1 ? alts[0] : alts.map((a) => `(?:${a})`).join('|'), { dotAll: true });
  } catch (e) {
    if (isRegexError(e)) throw e; // the caller positions it in the query
    fail(`invalid grok pattern: ${(e as Error).message}`);
  }
  return { re, fields };
}

export function compileGrokCommand(cmd: Command & { type: 'grok' }, input: Schema, p: PlanCtx): Stage {
  const ctx = exprCtx(p, input);
  const inp = compileExpr(cmd.input, ctx);
  let g: GrokCompiled;
  try {
    g = compileGrok(cmd.patterns, (m) => {
      throw new QueryError(m, p.src, cmd.patternLocation.min, 'syntax');
    });
  } catch (e) {
    if (!isRegexError(e)) throw e;
    // offsets point into the pattern only when it reached the engine verbatim
    const verbatim = cmd.patterns.length === 1 && e.pattern === cmd.patterns[0];
    throw e.toQueryError(p.src, verbatim ? literalOffsets(p.src, cmd.patternLocation, cmd.patterns[0]) : () => cmd.patternLocation.min);
  }
  const cols: Column[] = g.fields.map((f) => ({ name: f.name, type: f.type }));
  const conv = (v: string, t: XType): unknown => {
    if (t === 'integer' || t === 'long') {
      const n = Number(v);
      return Number.isFinite(n) ? Math.trunc(n) : null;
    }
    if (t === 'double') {
      const n = Number(v);
      return Number.isFinite(n) ? n : null;
    }
    if (t === 'boolean') return v.toLowerCase() === 'true';
    return v;
  };
  return extractStage(input, cols, inp.ev, (s) => {
    if (s.length > 100_000) return undefined; // guard pathological inputs
    const m = g.re.exec(s);
    if (!m) return undefined;
    return g.fields.map((f) => {
      const vals = f.groups.map((gr) => m.groups[gr]).filter((x): x is string => x !== undefined).map((x) => conv(x, f.type));
      return vals.length === 0 ? null : vals.length === 1 ? vals[0] : vals;
    });
  }, warnSite(p.src, cmd.location));
}
