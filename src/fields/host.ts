import { compileField, toValues } from './field-path.js';

/** Where an event names its host, in order of preference. */
export const HOST_FIELDS = ['host.name', 'host.hostname', 'host.id'] as const;
const hostGetters = HOST_FIELDS.map((f) => compileField(f));

/** The host an event came from: host.name, else host.hostname, else host.id (first value). */
export function hostOf(doc: unknown): string | undefined {
  if (!doc) return undefined;
  for (const get of hostGetters) {
    const v = toValues(get(doc))[0];
    if (v !== undefined && v !== '' && typeof v !== 'object') return String(v);
  }
  return undefined;
}
