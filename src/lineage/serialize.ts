import type { Provenance } from '../input/event.js';
import type { ProcessRecord } from './record.js';

const STRING_FIELDS = ['entityId', 'name', 'executable', 'commandLine', 'user', 'start', 'end', 'parentKey'] as const;

/** A record as plain JSON (undefined fields dropped by JSON.stringify / structured clone). */
export function recordToJSON(rec: ProcessRecord): unknown {
  return { ...rec, eventRefs: rec.eventRefs.map((r) => [r.file, r.line]) };
}

/** Validate one serialized record; anything malformed is dropped, not trusted. */
export function recordFromJSON(raw: unknown): ProcessRecord | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const o = raw as Record<string, unknown>;
  if (typeof o.key !== 'string' || typeof o.host !== 'string') return undefined;
  const rec: ProcessRecord = { key: o.key, host: o.host, placeholder: o.placeholder === true, eventRefs: refs(o.eventRefs) };
  for (const k of STRING_FIELDS) if (typeof o[k] === 'string') rec[k] = o[k] as string;
  if (typeof o.pid === 'number' && Number.isInteger(o.pid)) rec.pid = o.pid;
  const args = stringList(o.args);
  if (args) rec.args = args;
  const ancestry = stringList(o.ancestry);
  if (ancestry) rec.ancestry = ancestry;
  const src = provenance(o.source);
  if (src) rec.source = src;
  return rec;
}

function stringList(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : undefined;
}

function provenance(v: unknown): Provenance | undefined {
  if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'number') return { file: v[0], line: v[1] };
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const p = v as Record<string, unknown>;
    if (typeof p.file === 'string' && typeof p.line === 'number') return { file: p.file, line: p.line };
  }
  return undefined;
}

function refs(v: unknown): Provenance[] {
  if (!Array.isArray(v)) return [];
  const out: Provenance[] = [];
  for (const r of v) {
    const p = provenance(r);
    if (p) out.push(p);
  }
  return out;
}
