import type { Location } from './ast.js';

/** Warnings of the running executor (set around each push/finish; evaluation is synchronous). */
let sink: Map<string, number> | undefined;

export function setWarningSink(s: Map<string, number> | undefined): void {
  sink = s;
}

/** Run `f` with warnings collected into `s` (restoring the current sink after). */
export function withWarningSink<T>(s: Map<string, number> | undefined, f: () => T): T {
  const prev = sink;
  sink = s;
  try {
    return f();
  } finally {
    sink = prev;
  }
}

export function lineCol(src: string, offset: number): string {
  const before = src.slice(0, offset);
  const line = before.split('\n').length;
  const col = offset - before.lastIndexOf('\n');
  return `Line ${line}:${col}`;
}

export interface WarnSite {
  header: string;
  prefix: string;
}

export function warnSite(src: string, loc: Location): WarnSite {
  const lc = lineCol(src, loc.min);
  const text = src.slice(loc.min, loc.max + 1);
  return {
    header: `${lc}: evaluation of [${text}] failed, treating result as null. Only first 20 failures recorded.`,
    prefix: `${lc}: `,
  };
}

export function warn(site: WarnSite, exception: string): null {
  if (!sink) return null;
  sink.set(site.header, (sink.get(site.header) ?? 0) + 1);
  const m = site.prefix + exception;
  sink.set(m, (sink.get(m) ?? 0) + 1);
  return null;
}

export const MV_WARNING = 'java.lang.IllegalArgumentException: single-value function encountered multi-value';
