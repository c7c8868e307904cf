/**
 * Event time in epoch milliseconds, or undefined when absent or unparsable. Accepts ISO 8601
 * strings with any number of fractional digits (Defend writes 7), epoch millis as numbers or
 * numeric strings, and a one-element array of either.
 */
export function parseTimestamp(value: unknown): number | undefined {
  if (Array.isArray(value)) return value.length === 1 ? parseTimestamp(value[0]) : undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.length === 0) return undefined;
  // Every rule that keeps or hits an event asks for its time: with the corpus that is ~5 parses
  // of the same string per event, so the last answer is kept.
  if (value === lastText) return lastMs;
  const ms = parseText(value);
  lastText = value;
  lastMs = ms;
  return ms;
}

let lastText: string | undefined;
let lastMs: number | undefined;

function parseText(value: string): number | undefined {
  if (/^-?\d+$/.test(value)) {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  // Elasticsearch reads a date without a zone as UTC; Date.parse would use local time.
  const zoned = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value) ? `${value}Z` : value;
  const ms = Date.parse(zoned);
  if (!Number.isNaN(ms)) return ms;
  // Date.parse rejects more than 3 fractional digits on some inputs: trim to millis and retry.
  const m = /^(.*T\d{2}:\d{2}:\d{2})\.(\d+)(.*)$/.exec(zoned);
  if (m) {
    const retry = Date.parse(`${m[1]}.${m[2].slice(0, 3).padEnd(3, '0')}${m[3]}`);
    if (!Number.isNaN(retry)) return retry;
  }
  return undefined;
}
