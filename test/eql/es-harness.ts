import { readFileSync } from 'node:fs';
import { parse } from 'smol-toml';
import { sharedPath } from '../helpers/shared.js';
import { compileEql, sortEvents, type EqlMatch, type EqlOptions } from '../../src/lang/eql/index.js';
import { parseMapping, type FieldMapping } from '../../src/fields/mapping.js';

export interface Spec { name?: string; query: string; expected_event_ids: number[] | number[][]; join_keys?: string[]; case_sensitive?: boolean; case_insensitive?: boolean; max_samples_per_key?: number; size?: number }
export type Ev = { doc: Record<string, unknown> };

export const ES = (...p: string[]) => sharedPath('conformance', 'eql-es', ...p);

export function loadToml(file: string): Spec[] {
  return (parse(readFileSync(file, 'utf8')) as unknown as { queries: Spec[] }).queries;
}

/**
 * Each document's index mapping, as Elasticsearch's loader creates one index per data file with
 * that file's mapping. Pass `byDoc` as EqlOptions.mapping.
 */
const MAPPINGS = new WeakMap<object, FieldMapping>();
export const byDoc = (d: Record<string, unknown>): FieldMapping | undefined => MAPPINGS.get(d);

/**
 * A mapping file as the ES loader reads it: `#` comment lines dropped, and the
 * `[runtime_random_keyword_type]` placeholder (randomly keyword or wildcard in ES, both plain
 * strings) made keyword. `rename` renames mapped fields (see the extra suite).
 */
export function loadMapping(file: string, rename: Record<string, string> = {}): FieldMapping {
  let text = readFileSync(file, 'utf8').split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');
  text = text.replaceAll('[runtime_random_keyword_type]', 'keyword');
  for (const [from, to] of Object.entries(rename)) text = text.replaceAll(`"${from}"`, `"${to}"`);
  return parseMapping(text, file);
}

export function loadData(file: string, opts: { transform?: (d: Record<string, unknown>) => void; mapping?: FieldMapping } = {}): Ev[] {
  const text = readFileSync(file, 'utf8').split('\n').filter((l) => !/^\s*\/\//.test(l)).join('\n');
  const arr = JSON.parse(text) as Record<string, unknown>[];
  return arr.map((d) => {
    opts.transform?.(d);
    if (opts.mapping) MAPPINGS.set(d, opts.mapping);
    return { doc: d };
  });
}

/** The endgame-140 index: test_data.json with the FILETIME → @timestamp transform (and, as ES has it, mapping-default.json). */
export function endgameData(file: string, mapping?: FieldMapping): Ev[] {
  return loadData(file, {
    transform: (d) => { d['@timestamp'] = Math.floor(Number(d.timestamp) / 10000) - 11644473600000; },
    mapping,
  });
}

export function idsOf(matches: EqlMatch<Ev>[], idField: string): number[] {
  const out: number[] = [];
  for (const m of matches) {
    const missing = new Set(m.missing ?? []);
    const total = m.events.length + missing.size;
    let k = 0;
    for (let i = 0; i < total; i++) {
      if (missing.has(i)) out.push(-1);
      else out.push(Number(m.events[k++].doc[idField]));
    }
  }
  return out;
}

export function keysOf(matches: EqlMatch<Ev>[]): string[] {
  return matches.flatMap((m) => (m.join_keys ?? []).map((k) => (k === null || k === undefined ? 'null' : String(k))));
}

export interface Outcome { ok: boolean; got?: number[]; gotKeys?: string[]; error?: unknown }

export function runSpec(spec: Spec, events: Ev[], options: EqlOptions, idField: string): Outcome {
  try {
    const q = compileEql(spec.query.trim(), spec.max_samples_per_key ? { ...options, maxSamplesPerKey: spec.max_samples_per_key } : options);
    const sorted = q.kind === "sample" ? events : sortEvents(events, options);
    const matches = q.run(sorted).slice(0, spec.size ?? 50);
    const got = idsOf(matches, idField);
    const exp = spec.expected_event_ids;
    const alts: number[][] = exp.length && Array.isArray(exp[0]) ? (exp as number[][]) : [exp as number[]];
    let ok = alts.some((a) => a.length === got.length && a.every((x, i) => x === got[i]));
    const gotKeys = keysOf(matches);
    if (ok && spec.join_keys && spec.join_keys.length) {
      ok = spec.join_keys.length === gotKeys.length && spec.join_keys.every((x, i) => x === gotKeys[i]);
    }
    return { ok, got, gotKeys };
  } catch (error) {
    return { ok: false, error };
  }
}
