import type { Provenance } from '../input/event.js';
import { compileField, hostOf, HOST_FIELDS, type FieldGetter } from '../fields/index.js';

/** One process as the lineage index knows it: strings only, never the source document. */
export interface ProcessRecord {
  key: string;
  host: string;
  entityId?: string;
  pid?: number;
  name?: string;
  executable?: string;
  commandLine?: string;
  /** process.args, kept only when there is no command line. */
  args?: string[];
  user?: string;
  start?: string;
  end?: string;
  parentKey?: string;
  ancestry?: string[];
  source?: Provenance;
  /** True while the process is known only by reference (a parent, an ancestor, another event's actor). */
  placeholder: boolean;
  /** Evidence lines of events (process/file/network/…) that belong to this process. */
  eventRefs: Provenance[];
}

export const MAX_COMMAND_LINE = 1024;
export const MAX_ARGS = 64;
export const MAX_ANCESTRY = 64;

/** The fields a process record is made of (with the host's, see LINEAGE_FIELDS). */
const FIELDS = {
  entityId: 'process.entity_id',
  pid: 'process.pid',
  start: 'process.start',
  end: 'process.end',
  name: 'process.name',
  executable: 'process.executable',
  commandLine: 'process.command_line',
  args: 'process.args',
  user: 'user.name',
  ancestry: 'process.Ext.ancestry',
  parentEntityId: 'process.parent.entity_id',
  parentPid: 'process.parent.pid',
  parentStart: 'process.parent.start',
  parentName: 'process.parent.name',
  parentExecutable: 'process.parent.executable',
  parentCommandLine: 'process.parent.command_line',
  parentArgs: 'process.parent.args',
  category: 'event.category',
  type: 'event.type',
  action: 'event.action',
  timestamp: '@timestamp',
} as const;

const get = Object.fromEntries(Object.entries(FIELDS).map(([k, path]) => [k, compileField(path)])) as Record<keyof typeof FIELDS, FieldGetter>;

/** The fields an event's process key is made of (LineageIndex.keyFor reads no others). */
export const LINEAGE_KEY_FIELDS: readonly string[] = [FIELDS.entityId, FIELDS.pid, FIELDS.start, FIELDS.category, FIELDS.type, FIELDS.action, FIELDS.timestamp, ...HOST_FIELDS];

/** Every field the lineage index reads of an event: a line's projection to these serves it. */
export const LINEAGE_FIELDS: readonly string[] = [...Object.values(FIELDS), ...HOST_FIELDS];

/** A single string at a field (first of a multi-value), bounded in length. */
export function str(value: unknown, max = MAX_COMMAND_LINE): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (typeof v === 'string') return v.length > max ? `${v.slice(0, max)}…` : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function int(value: unknown): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

function strings(value: unknown, maxItems: number, maxLen = 256): string[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const v of list) {
    const s = str(v, maxLen);
    if (s !== undefined) out.push(s);
    if (out.length >= maxItems) break;
  }
  return out.length ? out : undefined;
}


/** Key of a process by entity id (preferred) or by pid and start time. */
export function makeKey(host: string, entityId: string | undefined, pid: number | undefined, start: string | undefined): string | undefined {
  if (entityId) return `${host}\u0000e\u0000${entityId}`;
  if (pid !== undefined) return start ? `${host}\u0000p\u0000${pid}\u0000${start}` : `${host}\u0000p\u0000${pid}`;
  return undefined;
}

/** The facts of the acting process found in a document, before they become a record. */
export interface ProcessFacts {
  host: string;
  key: string;
  entityId?: string;
  pid?: number;
  start?: string;
  isProcessEvent: boolean;
  isStart: boolean;
  isEnd: boolean;
}

export function factsOf(doc: Record<string, unknown>): ProcessFacts | undefined {
  const host = hostOf(doc) ?? ''; // '' when the event names no host
  const entityId = str(get.entityId(doc));
  const pid = int(get.pid(doc));
  const start = str(get.start(doc));
  const key = makeKey(host, entityId, pid, start);
  if (!key) return undefined;
  const categories = get.category(doc);
  const isProcessEvent = categories === 'process' || (Array.isArray(categories) && categories.includes('process'));
  let isStart = false;
  let isEnd = false;
  if (isProcessEvent) {
    const types = [get.type(doc), get.action(doc)].flat();
    isStart = types.some((t) => t === 'start' || t === 'exec' || t === 'fork');
    isEnd = types.some((t) => t === 'end');
  }
  return { host, key, entityId, pid, start, isProcessEvent, isStart, isEnd };
}

export function emptyRecord(key: string, host: string): ProcessRecord {
  return { key, host, placeholder: true, eventRefs: [] };
}

/** Fill `rec` from a process event. A start event's facts win over what was already known. */
export function fillFromDoc(rec: ProcessRecord, doc: Record<string, unknown>, facts: ProcessFacts, source: Provenance | undefined): void {
  const authoritative = facts.isStart || rec.placeholder;
  const set = <K extends keyof ProcessRecord>(k: K, v: ProcessRecord[K] | undefined) => {
    if (v !== undefined && (authoritative || rec[k] === undefined)) rec[k] = v;
  };
  set('entityId', facts.entityId);
  set('pid', facts.pid);
  set('start', facts.start ?? (facts.isStart ? str(get.timestamp(doc)) : undefined));
  set('name', str(get.name(doc), 256));
  set('executable', str(get.executable(doc)));
  set('commandLine', str(get.commandLine(doc)));
  // args only stand in for a missing command line: storing both would double the biggest field.
  if (rec.commandLine === undefined) set('args', strings(get.args(doc), MAX_ARGS));
  else rec.args = undefined;
  set('user', str(get.user(doc), 256));
  set('ancestry', strings(get.ancestry(doc), MAX_ANCESTRY));
  if (facts.isEnd) rec.end = str(get.end(doc)) ?? str(get.timestamp(doc)) ?? rec.end;
  else set('end', str(get.end(doc)));
  if (authoritative) rec.source = source;
  rec.placeholder = false;
}

/** Fill the name-level facts of an acting process seen only in a non-process event. */
export function fillActor(rec: ProcessRecord, doc: Record<string, unknown>, facts: ProcessFacts): void {
  rec.entityId ??= facts.entityId;
  rec.pid ??= facts.pid;
  rec.start ??= facts.start;
  rec.name ??= str(get.name(doc), 256);
  rec.executable ??= str(get.executable(doc));
}

/**
 * Whether the document names the process `entityId` (the id as the index keeps it): as its
 * acting process, its parent or one of the first MAX_ANCESTRY ancestors — any of which makes a
 * record of it.
 */
export function namesEntityId(doc: Record<string, unknown>, entityId: string): boolean {
  if (str(get.entityId(doc)) === entityId || str(get.parentEntityId(doc)) === entityId) return true;
  const ancestry = get.ancestry(doc);
  if (!Array.isArray(ancestry)) return false;
  const at = ancestry.indexOf(entityId);
  return at >= 0 && at < MAX_ANCESTRY;
}

/** The parent of the acting process as referenced by the document. */
export interface ParentFacts {
  key: string;
  entityId?: string;
  pid?: number;
  start?: string;
  name?: string;
  executable?: string;
  commandLine?: string;
  args?: string[];
}

export function parentOf(doc: Record<string, unknown>, host: string): ParentFacts | undefined {
  const entityId = str(get.parentEntityId(doc));
  const pid = int(get.parentPid(doc));
  const start = str(get.parentStart(doc));
  const key = makeKey(host, entityId, pid, start);
  if (!key) return undefined;
  return {
    key,
    entityId,
    pid,
    start,
    name: str(get.parentName(doc), 256),
    executable: str(get.parentExecutable(doc)),
    commandLine: str(get.parentCommandLine(doc)) || undefined,
    args: strings(get.parentArgs(doc), MAX_ARGS),
  };
}
