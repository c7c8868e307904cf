import { QueryError } from '../query-error.js';
import type { Command, Location } from './ast.js';
import type { Column, CompileCtx, Row } from './expr.js';
import type { XType } from './types.js';
import type { TimeZone } from './time-zone.js';

export interface Sink {
  push(row: Row): void;
  finish(): void;
  /** True when no further row can change the output (a LIMIT is reached). */
  full?(): boolean;
}

export interface ExecState {
  peakGroups: number;
  /** Rows the implicit default LIMIT left out. */
  cut: number;
}

export interface Schema {
  cols: Column[];
  /** Unknown names may still be document fields (discovery pass, before STATS/KEEP). */
  open: boolean;
}

export interface Stage {
  schema: Schema;
  build(next: Sink, st: ExecState): Sink;
}

export interface PlanCtx {
  src: string;
  now: number;
  /** Discovery pass: record a document field referenced by name. */
  discover?: (name: string) => XType;
  /** Document field -> the doc field a time-bucket column truncates (for timeBucketField). */
  bucketOf: Map<string, string>;
  /** True while rows still carry their input document (no STATS before). */
  docRows: boolean;
  /** Documents have no fixed schema: wildcard patterns may match nothing. */
  lenient: boolean;
  /** Warnings about the query itself (e.g. shadowed STATS names), reported once with every result. */
  planWarnings: string[];
  timeZone?: TimeZone;
  /** SET unmapped_fields="nullify": unknown names read as null instead of failing. */
  nullifyUnmapped?: boolean;
}

export function exprCtx(p: PlanCtx, schema: Schema): CompileCtx {
  return {
    src: p.src,
    now: p.now,
    timeZone: p.timeZone,
    docAvailable: p.docRows,
    resolve(name: string, loc: Location) {
      let i = findCol(schema.cols, name);
      if (i < 0 && schema.open && p.discover) {
        const type = p.discover(name);
        schema.cols.push({ name, type });
        i = schema.cols.length - 1;
      }
      if (i < 0 && p.nullifyUnmapped) return { index: -1, type: 'null' as XType, known: { value: null } };
      if (i < 0) throw new QueryError(`Unknown column [${name}]`, p.src, loc.min, 'type');
      return { index: i, type: schema.cols[i].type, known: schema.cols[i].known };
    },
  };
}

export function findCol(cols: Column[], name: string): number {
  for (let i = cols.length - 1; i >= 0; i--) if (cols[i].name === name) return i;
  return -1;
}

export type CommandCompiler<C extends Command = Command> = (cmd: C, input: Schema, p: PlanCtx) => Stage;

export function wildcardToRegex(p: string): RegExp {
  return new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}
