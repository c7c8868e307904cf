import type { XType } from './types.js';

/**
 * Types of document fields that JSON cannot express. Everything else is inferred from the JSON
 * values (strings → keyword, integers → long, other numbers → double, booleans → boolean).
 */
const DATE_FIELDS = new Set(['@timestamp', 'event.ingested', 'event.created', 'event.start', 'event.end']);
const IP_FIELDS = new Set(['source.ip', 'destination.ip', 'client.ip', 'server.ip', 'host.ip', 'related.ip']);

export function ecsFieldType(name: string): XType {
  if (DATE_FIELDS.has(name)) return 'date';
  if (IP_FIELDS.has(name)) return 'ip';
  const last = name.slice(name.lastIndexOf('.') + 1);
  if (last === 'start' || last === 'end') return 'date';
  if (last.endsWith('timestamp')) return 'date';
  if (last === 'ip') return 'ip';
  return 'unknown';
}
