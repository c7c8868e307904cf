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
  readonly header: string;
  readonly prefix: string;
}

/**
 * Where an evaluation warning points. The texts are built on the first warning: most sites never
 * warn, and working out line:column for each of them while compiling was a tenth of the time it
 * takes to compile Elastic's ES|QL rules.
 */
export function warnSite(src: string, loc: Location, result: 'null' | 'false' = 'null'): WarnSite {
  return new LazySite(src, loc, result);
}

class LazySite implements WarnSite {
  private h: string | undefined;
  private p: string | undefined;

  constructor(
    private readonly src: string,
    private readonly loc: Location,
    private readonly result: string,
  ) {}

  get header(): string {
    const { src, loc } = this;
    return (this.h ??= `${lineCol(src, loc.min)}: evaluation of [${src.slice(loc.min, loc.max + 1)}] failed, treating result as ${this.result}. Only first 20 failures recorded.`);
  }

  get prefix(): string {
    return (this.p ??= `${lineCol(this.src, this.loc.min)}: `);
  }
}

export function warn(site: WarnSite, exception: string): null {
  if (!sink) return null;
  sink.set(site.header, (sink.get(site.header) ?? 0) + 1);
  const m = site.prefix + exception;
  sink.set(m, (sink.get(m) ?? 0) + 1);
  return null;
}

export const MV_WARNING = 'java.lang.IllegalArgumentException: single-value function encountered multi-value';
