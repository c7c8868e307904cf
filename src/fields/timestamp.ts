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
  return parseIsoUtc(value) ?? parseTextGeneral(value);
}

/**
 * `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, the form Defend and Elasticsearch write, read by position:
 * the general path's regexes and Date.parse cost ~2 µs, ~2 % of a corpus hunt. Only values the
 * general path reads the same way are taken (years from 1000, fields in range, up to nine
 * fraction digits cut to milliseconds as Date.parse cuts them); anything else is left to it.
 */
export function parseIsoUtc(v: string): number | undefined {
  const n = v.length;
  if (n < 20 || v.charCodeAt(n - 1) !== 0x5a || v.charCodeAt(4) !== 0x2d || v.charCodeAt(7) !== 0x2d || v.charCodeAt(10) !== 0x54) return undefined;
  if (v.charCodeAt(13) !== 0x3a || v.charCodeAt(16) !== 0x3a) return undefined;
  const year = digits(v, 0, 4);
  const month = digits(v, 5, 2);
  const day = digits(v, 8, 2);
  const hour = digits(v, 11, 2);
  const minute = digits(v, 14, 2);
  const second = digits(v, 17, 2);
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
    return undefined;
  }
  let ms = 0;
  if (n > 20) {
    // Up to nanoseconds: Date.parse reads longer fractions oddly ('.0005000000' is 5 ms).
    if (n === 21 || n > 30 || v.charCodeAt(19) !== 0x2e) return undefined;
    for (let i = 20, scale = 100; i < n - 1; i++, scale /= 10) {
      const d = v.charCodeAt(i) - 0x30;
      if (d < 0 || d > 9) return undefined;
      if (scale >= 1) ms += d * scale;
    }
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/** The decimal number in v[at, at + len), or -1 when a character is not a digit. */
function digits(v: string, at: number, len: number): number {
  let x = 0;
  for (let i = at; i < at + len; i++) {
    const d = v.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    x = x * 10 + d;
  }
  return x;
}

/** Every other form: epoch millis as text, ISO 8601 with or without a zone, what Date.parse reads. */
export function parseTextGeneral(value: string): number | undefined {
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
