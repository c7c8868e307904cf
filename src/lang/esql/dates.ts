/** Date helpers: durations, calendar periods, truncation, Java-style formats. All times UTC. */
const MS: Record<string, number> = {
  millisecond: 1,
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
};

export function durationMs(n: number, unit: string): number {
  return n * (MS[unit] ?? 0);
}

export function addPeriod(ms: number, period: string, n: number): number {
  const d = new Date(ms);
  switch (period) {
    case 'day':
      return ms + n * 86_400_000;
    case 'week':
      return ms + n * 7 * 86_400_000;
    case 'month':
      return addMonths(d, n);
    case 'quarter':
      return addMonths(d, 3 * n);
    case 'year':
      return addMonths(d, 12 * n);
  }
  return ms;
}

function addMonths(d: Date, n: number): number {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + n;
  const ny = y + Math.floor(m / 12);
  const nm = ((m % 12) + 12) % 12;
  const last = new Date(utcDate(ny, nm + 1, 0)).getUTCDate();
  const day = Math.min(d.getUTCDate(), last);
  return utcDate(ny, nm, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}

/** Date.UTC without its mapping of years 0–99 to 1900–1999. */
export function utcDate(y: number, m: number, day: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const d = new Date(Date.UTC(2000, 0, 1));
  d.setUTCFullYear(y, m, day);
  d.setUTCHours(h, mi, s, ms);
  return d.getTime();
}

/**
 * A time span value: a duration in ms, a single-unit period (`1 month`), or a period summed from
 * several units (`4 years + 2 weeks`), kept as Java's Period keeps it: months and days apart.
 */
export interface SpanValue {
  ms?: number;
  period?: string;
  n?: number;
  months?: number;
  days?: number;
}

export function periodParts(s: SpanValue): { months: number; days: number } {
  if (s.months !== undefined || s.days !== undefined) return { months: s.months ?? 0, days: s.days ?? 0 };
  const n = s.n ?? 0;
  switch (s.period) {
    case 'day':
      return { months: 0, days: n };
    case 'week':
      return { months: 0, days: 7 * n };
    case 'month':
      return { months: n, days: 0 };
    case 'quarter':
      return { months: 3 * n, days: 0 };
    case 'year':
      return { months: 12 * n, days: 0 };
  }
  return { months: 0, days: 0 };
}

/** date ± span; a period adds its months first (clamping the day of month), then its days, as Java does. */
export function addSpan(ms: number, s: SpanValue, sign: 1 | -1): number {
  if (s.ms !== undefined) return ms + sign * s.ms;
  const { months, days } = periodParts(s);
  const m = months ? addMonths(new Date(ms), sign * months) : ms;
  return m + sign * days * 86_400_000;
}

/**
 * Why Java rejects `ms + sign * span` (ZonedDateTime.plus(Period|Duration), then toEpochMilli),
 * as the exception text Elasticsearch warns with; undefined when the result is representable.
 * Years beyond ±999,999,999 and epoch days beyond LocalDate's range throw DateTimeException;
 * instants beyond a long of milliseconds overflow.
 */
export function spanError(ms: number, s: SpanValue, sign: 1 | -1, result: number): string | undefined {
  if (s.ms === undefined) {
    const { months, days } = periodParts(s);
    if (months) {
      const d = new Date(ms);
      if (!Number.isNaN(d.getTime())) {
        const year = Math.floor((d.getUTCFullYear() * 12 + d.getUTCMonth() + sign * months) / 12);
        if (year < -999_999_999 || year > 999_999_999) return `java.time.DateTimeException: Invalid value for Year (valid values -999999999 - 999999999): ${year}`;
      }
    }
    if (days) {
      const epochDay = Math.floor(result / 86_400_000);
      if (epochDay < -365_243_219_162 || epochDay > 365_241_780_471) return `java.time.DateTimeException: Invalid value for EpochDay (valid values -365243219162 - 365241780471): ${epochDay}`;
    }
  }
  if (!(result <= 9223372036854775807 && result >= -9223372036854775808)) return 'java.lang.ArithmeticException: long overflow';
  return undefined;
}

const DAYS_0001_TO_1970 = 719_162;

/** Truncate to a duration (epoch-aligned) or a calendar period. */
export function truncDate(ms: number, span: SpanValue): number {
  if (span.months !== undefined || span.days !== undefined) {
    const p = periodParts(span);
    span = p.days === 0 ? { period: 'month', n: p.months } : p.months === 0 ? { period: 'day', n: p.days } : span;
  }
  if (span.ms !== undefined) {
    const s = span.ms;
    if (s <= 0) return ms;
    return Math.floor(ms / s) * s;
  }
  const n = Math.max(1, span.n ?? 1);
  const d = new Date(ms);
  switch (span.period) {
    case 'day':
    case 'week': {
      // intervals of days count from 0001-01-01, a Monday: weeks start on Mondays
      const len = span.period === 'week' ? 7 * n : n;
      const day = Math.floor(ms / 86_400_000) + DAYS_0001_TO_1970;
      return (Math.floor(day / len) * len - DAYS_0001_TO_1970) * 86_400_000;
    }
    case 'month':
    case 'quarter':
    case 'year': {
      // multi-month intervals count from 0001-01-01, as Elasticsearch's rounding does
      const months = span.period === 'month' ? n : span.period === 'quarter' ? 3 * n : 12 * n;
      const idx = (d.getUTCFullYear() - 1) * 12 + d.getUTCMonth();
      const t = Math.floor(idx / months) * months;
      return utcDate(Math.floor(t / 12) + 1, ((t % 12) + 12) % 12, 1);
    }
  }
  return ms;
}

const DIFF_UNITS: Record<string, string> = {
  year: 'year', years: 'year', yy: 'year', yyyy: 'year',
  quarter: 'quarter', quarters: 'quarter', qq: 'quarter', q: 'quarter',
  month: 'month', months: 'month', mm: 'month', m: 'month',
  dayofyear: 'day', dy: 'day', y: 'day',
  day: 'day', days: 'day', dd: 'day', d: 'day',
  week: 'week', weeks: 'week', wk: 'week', ww: 'week',
  weekday: 'day', weekdays: 'day', dw: 'day',
  hour: 'hour', hours: 'hour', hh: 'hour',
  minute: 'minute', minutes: 'minute', mi: 'minute', n: 'minute',
  second: 'second', seconds: 'second', ss: 'second', s: 'second',
  millisecond: 'millisecond', milliseconds: 'millisecond', ms: 'millisecond',
  microsecond: 'microsecond', microseconds: 'microsecond', mcs: 'microsecond',
  nanosecond: 'nanosecond', nanoseconds: 'nanosecond', ns: 'nanosecond',
};

export function diffUnit(u: string): string | undefined {
  return DIFF_UNITS[u.toLowerCase()];
}

export function dateDiff(unit: string, a: number, b: number): number {
  switch (unit) {
    case 'year':
      return monthsBetween(a, b) / 12 | 0;
    case 'quarter':
      return monthsBetween(a, b) / 3 | 0;
    case 'month':
      return monthsBetween(a, b);
    case 'microsecond':
      return (b - a) * 1000;
    case 'nanosecond':
      return (b - a) * 1_000_000;
  }
  return Math.trunc((b - a) / (MS[unit] ?? 1));
}

function monthsBetween(a: number, b: number): number {
  if (b < a) return -monthsBetween(b, a);
  const x = new Date(a);
  const y = new Date(b);
  let m = (y.getUTCFullYear() - x.getUTCFullYear()) * 12 + (y.getUTCMonth() - x.getUTCMonth());
  // incomplete last month
  const restX = a - Date.UTC(x.getUTCFullYear(), x.getUTCMonth(), 1);
  const restY = b - Date.UTC(y.getUTCFullYear(), y.getUTCMonth(), 1);
  if (restY < restX) m--;
  return m;
}

const FIELDS: Record<string, (d: Date) => number> = {
  year: (d) => d.getUTCFullYear(),
  month_of_year: (d) => d.getUTCMonth() + 1,
  day_of_month: (d) => d.getUTCDate(),
  hour_of_day: (d) => d.getUTCHours(),
  minute_of_hour: (d) => d.getUTCMinutes(),
  second_of_minute: (d) => d.getUTCSeconds(),
  milli_of_second: (d) => d.getUTCMilliseconds(),
  day_of_week: (d) => ((d.getUTCDay() + 6) % 7) + 1,
  day_of_year: (d) => Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1,
  minute_of_day: (d) => d.getUTCHours() * 60 + d.getUTCMinutes(),
  second_of_day: (d) => d.getUTCHours() * 3600 + d.getUTCMinutes() * 60 + d.getUTCSeconds(),
  milli_of_day: (d) => d.getTime() - Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()),
  hour_of_ampm: (d) => d.getUTCHours() % 12,
  clock_hour_of_day: (d) => d.getUTCHours() || 24,
  clock_hour_of_ampm: (d) => d.getUTCHours() % 12 || 12,
  ampm_of_day: (d) => (d.getUTCHours() < 12 ? 0 : 1),
  aligned_day_of_week_in_month: (d) => ((d.getUTCDate() - 1) % 7) + 1,
  aligned_day_of_week_in_year: (d) => ((FIELDS.day_of_year(d) - 1) % 7) + 1,
  aligned_week_of_month: (d) => Math.floor((d.getUTCDate() - 1) / 7) + 1,
  aligned_week_of_year: (d) => Math.floor((FIELDS.day_of_year(d) - 1) / 7) + 1,
  epoch_day: (d) => Math.floor(d.getTime() / 86_400_000),
  proleptic_month: (d) => d.getUTCFullYear() * 12 + d.getUTCMonth(),
  year_of_era: (d) => d.getUTCFullYear(),
  era: () => 1,
  instant_seconds: (d) => Math.floor(d.getTime() / 1000),
  micro_of_second: (d) => d.getUTCMilliseconds() * 1000,
  nano_of_second: (d) => d.getUTCMilliseconds() * 1_000_000,
  offset_seconds: () => 0,
};

export function extractField(part: string): ((d: Date) => number) | undefined {
  return FIELDS[part.toLowerCase()];
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export function monthName(ms: number): string {
  return MONTHS[new Date(ms).getUTCMonth()];
}
export function dayName(ms: number): string {
  return DAYS[new Date(ms).getUTCDay()];
}

type Tok = { lit: string } | { f: string; n: number };

function tokenize(fmt: string): Tok[] {
  const out: Tok[] = [];
  for (let i = 0; i < fmt.length; ) {
    const c = fmt[i];
    if (c === "'") {
      const end = fmt.indexOf("'", i + 1);
      if (end === i + 1) {
        out.push({ lit: "'" });
        i += 2;
        continue;
      }
      const e = end < 0 ? fmt.length : end;
      out.push({ lit: fmt.slice(i + 1, e) });
      i = e + 1;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (fmt[j] === c) j++;
      out.push({ f: c, n: j - i });
      i = j;
      continue;
    }
    out.push({ lit: c });
    i++;
  }
  return out;
}

const pad = (v: number, n: number) => String(v).padStart(n, '0');

export function formatJavaDate(ms: number, fmt: string): string {
  const d = new Date(ms);
  let s = '';
  for (const t of tokenize(fmt)) {
    if ('lit' in t) {
      s += t.lit;
      continue;
    }
    const n = t.n;
    switch (t.f) {
      case 'y':
      case 'u':
      case 'Y':
        s += n === 2 ? pad(d.getUTCFullYear() % 100, 2) : pad(d.getUTCFullYear(), n);
        break;
      case 'M':
      case 'L':
        s += n >= 4 ? MONTHS[d.getUTCMonth()] : n === 3 ? MONTHS[d.getUTCMonth()].slice(0, 3) : pad(d.getUTCMonth() + 1, n);
        break;
      case 'd':
        s += pad(d.getUTCDate(), n);
        break;
      case 'D':
        s += pad(FIELDS.day_of_year(d), n);
        break;
      case 'H':
        s += pad(d.getUTCHours(), n);
        break;
      case 'h':
        s += pad(d.getUTCHours() % 12 || 12, n);
        break;
      case 'k':
        s += pad(d.getUTCHours() || 24, n);
        break;
      case 'K':
        s += pad(d.getUTCHours() % 12, n);
        break;
      case 'm':
        s += pad(d.getUTCMinutes(), n);
        break;
      case 's':
        s += pad(d.getUTCSeconds(), n);
        break;
      case 'S':
        s += pad(d.getUTCMilliseconds(), 3).padEnd(n, '0').slice(0, n);
        break;
      case 'a':
        s += d.getUTCHours() < 12 ? 'AM' : 'PM';
        break;
      case 'E':
      case 'e':
        s += n >= 4 ? DAYS[d.getUTCDay()] : DAYS[d.getUTCDay()].slice(0, 3);
        break;
      case 'Z':
        s += n >= 4 ? 'GMT' : '+0000';
        break;
      case 'X':
        s += 'Z';
        break;
      case 'x':
        s += n === 1 ? '+00' : n === 3 || n === 5 ? '+00:00' : '+0000';
        break;
      case 'z':
      case 'V':
      case 'O':
        s += n >= 4 ? 'Coordinated Universal Time' : 'Z';
        break;
      default:
        throw new Error(`Unknown pattern letter: ${t.f}`);
    }
  }
  return s;
}

/** Parse with a Java-style pattern; undefined when the text does not match. */
export function parseJavaDate(text: string, fmt: string): number | undefined {
  let re = '';
  const parts: { f: string; n: number }[] = [];
  for (const t of tokenize(fmt)) {
    if ('lit' in t) {
      re += t.lit.replace(/[.*+?^${}()|[\]\\\/-]/g, '\\$&');
      continue;
    }
    parts.push(t);
    switch (t.f) {
      case 'M':
        re += t.n >= 3 ? '([A-Za-z]+)' : t.n === 2 ? '(\\d{2})' : '(\\d{1,2})';
        break;
      case 'E':
      case 'a':
        re += '([A-Za-z]+)';
        break;
      case 'S':
        re += '(\\d{1,9})';
        break;
      case 'X':
      case 'x':
      case 'Z':
        re += '(Z|[+-]\\d{2}:?\\d{2}|[+-]\\d{2})';
        break;
      case 'y':
      case 'u':
      case 'Y':
        re += t.n === 2 ? '(\\d{2})' : '(\\d{4,9})';
        break;
      default:
        re += t.n === 1 ? '(\\d{1,2})' : `(\\d{${t.n}})`;
    }
  }
  const m = new RegExp(`^${re}$`).exec(text);
  if (!m) return undefined;
  let Y = 1970, Mo = 0, D = 1, H = 0, Mi = 0, S = 0, ms = 0, off = 0, pm: boolean | undefined;
  parts.forEach((p, i) => {
    const v = m[i + 1];
    switch (p.f) {
      case 'y':
      case 'u':
      case 'Y':
        Y = p.n === 2 ? 2000 + Number(v) : Number(v);
        break;
      case 'M': {
        if (/^\d+$/.test(v)) Mo = Number(v) - 1;
        else {
          const idx = MONTHS.findIndex((x) => x.toLowerCase().startsWith(v.toLowerCase().slice(0, 3)));
          Mo = idx;
        }
        break;
      }
      case 'd':
        D = Number(v);
        break;
      case 'H':
      case 'k':
        H = Number(v);
        break;
      case 'h':
      case 'K':
        H = Number(v) % 12;
        break;
      case 'a':
        pm = v.toUpperCase() === 'PM';
        break;
      case 'm':
        Mi = Number(v);
        break;
      case 's':
        S = Number(v);
        break;
      case 'S':
        ms = Number(v.padEnd(3, '0').slice(0, 3));
        break;
      case 'X':
      case 'x':
      case 'Z':
        if (v !== 'Z') {
          const mm = /^([+-])(\d{2}):?(\d{2})?$/.exec(v);
          if (mm) off = (mm[1] === '-' ? -1 : 1) * (Number(mm[2]) * 60 + Number(mm[3] ?? 0));
        }
        break;
    }
  });
  if (pm !== undefined && pm) H += 12;
  if (Mo < 0 || Mo > 11 || D < 1 || D > 31 || H > 23 || Mi > 59 || S > 59) return undefined;
  const t = Date.UTC(Y, Mo, D, H, Mi, S, ms) - off * 60_000;
  const chk = new Date(t + off * 60_000);
  if (chk.getUTCDate() !== D) return undefined;
  return t;
}

/** ES|QL's default datetime parsing (strict ISO 8601 with optional parts) for TO_DATETIME. */
export function parseIsoDate(s: string): number | undefined {
  const m = /^([+-]?\d{4,9})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(s.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac, z] = m;
  if (!mo && z) return undefined;
  const t = utcDate(Number(y), Number(mo ?? 1) - 1, Number(d ?? 1), Number(h ?? 0), Number(mi ?? 0), Number(sec ?? 0), Number((frac ?? '0').padEnd(3, '0').slice(0, 3)));
  if (Number(mo ?? 1) > 12 || Number(d ?? 1) > 31 || Number(h ?? 0) > 23 || Number(mi ?? 0) > 59 || Number(sec ?? 0) > 59) return undefined;
  let off = 0;
  if (z && z !== 'Z') {
    const mm = /^([+-])(\d{2}):?(\d{2})?$/.exec(z);
    if (mm) off = (mm[1] === '-' ? -1 : 1) * (Number(mm[2]) * 60 + Number(mm[3] ?? 0));
  }
  const out = t - off * 60_000;
  if (new Date(t).getUTCDate() !== Number(d ?? 1)) return undefined;
  return out;
}
