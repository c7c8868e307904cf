import { compileField, toValues } from './field-path.js';

const HOST_FIELDS = ['host.name', 'host.hostname', 'host.id'].map((f) => compileField(f));

/** The host an event came from: host.name, else host.hostname, else host.id (first value). */
export function hostOf(doc: unknown): string | undefined {
  if (!doc) return undefined;
  for (const get of HOST_FIELDS) {
    const v = toValues(get(doc))[0];
    if (v !== undefined && v !== '' && typeof v !== 'object') return String(v);
  }
  return undefined;
}
