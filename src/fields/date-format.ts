/**
 * Elasticsearch `date` field formats (the mapping's `"format"`), compiled once: `parse` reads a
 * value as Elasticsearch indexes it (epoch milliseconds, UTC unless the text carries an offset),
 * `format` prints epoch milliseconds back as the field's first format does.
 *
 * A format is `||`-separated alternatives, each tried in turn: a named format
 * (`strict_date_optional_time`, `epoch_millis`, …) or a Java DateTimeFormatter pattern. The
 * pattern letters read here are the common ones: y u (year; `yy` is 2000-2099), M L (month,
 * `MMM`/`MMMM` as English names), d, D (day of year), H k h K a (hours, AM/PM), m, s, S
 * (fraction), E (day name, read and ignored), X x Z (offsets), `'quoted text'`, `''`, `[optional
 * sections]`; any other non-letter, and a bare T, is literal. An unsupported letter is an error
 * when the format is compiled, never a silent misreading.
 */

export interface DateFormat {
  /** The format as written in the mapping. */
  readonly spec: string;
  /** Epoch milliseconds, or undefined when no alternative reads `text` (Elasticsearch would refuse the value). */
  parse(text: string): number | undefined;
  /** `ms` printed with the first alternative. */
  format(ms: number): string;
}

export const DEFAULT_DATE_FORMAT = 'strict_date_optional_time||epoch_millis';

export class DateFormatError extends Error {
  override readonly name = 'DateFormatError';
}

type Field = 'year' | 'year2' | 'month' | 'day' | 'doy' | 'hour' | 'hour24' | 'hour12' | 'hour11' | 'minute' | 'second';
type Tok =
  | { k: 'lit'; s: string }
  | { k: 'num'; f: Field; min: number; max: number; pad: number }
  | { k: 'frac'; min: number; max: number }
  | { k: 'name'; f: 'month' | 'dow' | 'ampm'; full: boolean }
  | { k: 'offset'; colon: boolean; minutes: 'no' | 'opt' | 'yes'; zulu: boolean }
  | { k: 'opt'; toks: Tok[] };

interface Alternative {
  parse(text: string): number | undefined;
  format(ms: number): string;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

const cache = new Map<string, DateFormat>();

/** Compile a mapping's `format` (cached). Throws DateFormatError for an unknown name or letter. */
export function compileDateFormat(spec: string = DEFAULT_DATE_FORMAT): DateFormat {
  let f = cache.get(spec);
  if (!f) {
    const alts = spec.split('||').map((a) => compileAlternative(a.trim(), spec));
    if (alts.length === 0 || spec.trim() === '') throw new DateFormatError('empty date format');
    f = {
      spec,
      parse(text) {
        for (let i = 0; i < alts.length; i++) {
          const ms = alts[i].parse(text);
          if (ms !== undefined) return ms;
        }
        return undefined;
      },
      format: (ms) => alts[0].format(ms),
    };
    cache.set(spec, f);
  }
  return f;
}

// Named formats as patterns of this module: F is a 1-9 digit fraction, O any offset (Z, ±HH,
// ±HHmm, ±HH:mm). Each has the pattern it parses and the pattern Elasticsearch prints it with.
const OPTIONAL_TIME = "yyyy[-MM[-dd]][['T'HH[:mm[:ss[.F][,F]]]][O]]";
const LENIENT_OPTIONAL_TIME = "y[-M[-d]][['T'H[:m[:s[.F][,F]]]][O]]";
const PRINT_DATE_TIME = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";
const NAMED: Record<string, [parse: string, print: string]> = {
  strict_date_optional_time: [OPTIONAL_TIME, PRINT_DATE_TIME],
  strict_date_optional_time_nanos: [OPTIONAL_TIME, "yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX"],
  date_optional_time: [LENIENT_OPTIONAL_TIME, PRINT_DATE_TIME],
  iso8601: [LENIENT_OPTIONAL_TIME, PRINT_DATE_TIME],
  strict_date_time: ["yyyy-MM-dd'T'HH:mm:ss.FO", PRINT_DATE_TIME],
  date_time: ["y-M-d'T'H:m:s.FO", PRINT_DATE_TIME],
  strict_date_time_no_millis: ["yyyy-MM-dd'T'HH:mm:ssO", "yyyy-MM-dd'T'HH:mm:ssXXX"],
  date_time_no_millis: ["y-M-d'T'H:m:sO", "yyyy-MM-dd'T'HH:mm:ssXXX"],
  strict_date_hour_minute_second_millis: ["yyyy-MM-dd'T'HH:mm:ss.F", "yyyy-MM-dd'T'HH:mm:ss.SSS"],
  date_hour_minute_second_millis: ["y-M-d'T'H:m:s.F", "yyyy-MM-dd'T'HH:mm:ss.SSS"],
  strict_date_hour_minute_second_fraction: ["yyyy-MM-dd'T'HH:mm:ss.F", "yyyy-MM-dd'T'HH:mm:ss.SSS"],
  date_hour_minute_second_fraction: ["y-M-d'T'H:m:s.F", "yyyy-MM-dd'T'HH:mm:ss.SSS"],
  strict_date_hour_minute_second: ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss"],
  date_hour_minute_second: ["y-M-d'T'H:m:s", "yyyy-MM-dd'T'HH:mm:ss"],
  strict_date_hour_minute: ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm"],
  date_hour_minute: ["y-M-d'T'H:m", "yyyy-MM-dd'T'HH:mm"],
  strict_date_hour: ["yyyy-MM-dd'T'HH", "yyyy-MM-dd'T'HH"],
  date_hour: ["y-M-d'T'H", "yyyy-MM-dd'T'HH"],
  strict_date: ['yyyy-MM-dd', 'yyyy-MM-dd'],
  date: ['y-M-d', 'yyyy-MM-dd'],
  strict_year_month_day: ['yyyy-MM-dd', 'yyyy-MM-dd'],
  year_month_day: ['y-M-d', 'yyyy-MM-dd'],
  strict_year_month: ['yyyy-MM', 'yyyy-MM'],
  year_month: ['y-M', 'yyyy-MM'],
  strict_year: ['yyyy', 'yyyy'],
  year: ['y', 'yyyy'],
  basic_date: ['yyyyMMdd', 'yyyyMMdd'],
  basic_date_time: ["yyyyMMdd'T'HHmmss.FO", "yyyyMMdd'T'HHmmss.SSSXX"],
  basic_date_time_no_millis: ["yyyyMMdd'T'HHmmssO", "yyyyMMdd'T'HHmmssXX"],
  strict_hour_minute_second: ['HH:mm:ss', 'HH:mm:ss'],
  hour_minute_second: ['H:m:s', 'HH:mm:ss'],
  strict_hour_minute: ['HH:mm', 'HH:mm'],
  hour_minute: ['H:m', 'HH:mm'],
};

const EPOCH = /^-?\d+(\.\d+)?$/;

function compileAlternative(alt: string, spec: string): Alternative {
  if (alt === 'epoch_millis') {
    return { parse: (t) => (EPOCH.test(t) ? Math.trunc(Number(t)) : undefined), format: (ms) => String(ms) };
  }
  if (alt === 'epoch_second') {
    return { parse: (t) => (EPOCH.test(t) ? Math.trunc(Number(t) * 1000) : undefined), format: (ms) => String(ms / 1000) };
  }
  const named = NAMED[alt];
  if (named) return patternAlternative(compilePattern(named[0], spec, true), compilePattern(named[1], spec, true));
  if (/^[a-z]+(_[a-z0-9]+)+$/.test(alt)) throw new DateFormatError(`unknown named date format "${alt}" in "${spec}"`);
  if (alt === '') throw new DateFormatError(`empty alternative in date format "${spec}"`);
  const toks = compilePattern(alt, spec, false);
  return patternAlternative(toks, toks);
}

/** Java DateTimeFormatter pattern → tokens. `internal` admits this module's F and O. */
function compilePattern(p: string, spec: string, internal: boolean): Tok[] {
  const stack: Tok[][] = [[]];
  const bad = (msg: string): never => {
    throw new DateFormatError(`${msg} in date format "${spec}"`);
  };
  let i = 0;
  while (i < p.length) {
    const out = stack[stack.length - 1];
    const c = p[i];
    if (c === "'") {
      const end = p.indexOf("'", i + 1);
      if (end === i + 1) { out.push({ k: 'lit', s: "'" }); i += 2; continue; }
      if (end < 0) bad('unterminated quote');
      let s = p.slice(i + 1, end);
      i = end + 1;
      while (p[i] === "'" && p[i + 1] !== undefined) { // 'it''s' → it's
        const next = p.indexOf("'", i + 1);
        if (next < 0) bad('unterminated quote');
        s += `'${p.slice(i + 1, next)}`;
        i = next + 1;
      }
      out.push({ k: 'lit', s });
      continue;
    }
    if (c === '[') { const opt: Tok = { k: 'opt', toks: [] }; out.push(opt); stack.push(opt.toks); i++; continue; }
    if (c === ']') { if (stack.length === 1) bad('unbalanced ]'); stack.pop(); i++; continue; }
    if (!/[A-Za-z]/.test(c) || c === 'T') { out.push({ k: 'lit', s: c }); i++; continue; }
    let n = 1;
    while (p[i + n] === c) n++;
    i += n;
    out.push(letter(c, n, internal, bad));
  }
  if (stack.length !== 1) bad('unclosed [');
  fixAdjacent(stack[0]);
  return stack[0];
}

function letter(c: string, n: number, internal: boolean, bad: (m: string) => never): Tok {
  const num = (f: Field, min: number, max: number, pad = min): Tok => ({ k: 'num', f, min, max, pad });
  switch (c) {
    case 'y': case 'u':
      if (n === 2) return num('year2', 2, 2);
      return num('year', n === 1 ? 1 : n, Math.max(n, 9), n === 1 ? 1 : n);
    case 'M': case 'L':
      if (n >= 4) return { k: 'name', f: 'month', full: true };
      if (n === 3) return { k: 'name', f: 'month', full: false };
      return num('month', n, 2);
    case 'd': return n > 2 ? bad(`too many d`) : num('day', n, 2);
    case 'D': return n > 3 ? bad(`too many D`) : num('doy', n, 3);
    case 'H': return n > 2 ? bad(`too many H`) : num('hour', n, 2);
    case 'k': return n > 2 ? bad(`too many k`) : num('hour24', n, 2);
    case 'h': return n > 2 ? bad(`too many h`) : num('hour12', n, 2);
    case 'K': return n > 2 ? bad(`too many K`) : num('hour11', n, 2);
    case 'm': return n > 2 ? bad(`too many m`) : num('minute', n, 2);
    case 's': return n > 2 ? bad(`too many s`) : num('second', n, 2);
    case 'S': return n > 9 ? bad('more than 9 S') : { k: 'frac', min: n, max: n };
    case 'a': return { k: 'name', f: 'ampm', full: false };
    case 'E': return { k: 'name', f: 'dow', full: n >= 4 };
    case 'X': return { k: 'offset', colon: n === 3 || n === 5, minutes: n === 1 ? 'opt' : 'yes', zulu: true };
    case 'x': return { k: 'offset', colon: n === 3 || n === 5, minutes: n === 1 ? 'opt' : 'yes', zulu: false };
    case 'Z':
      if (n === 4) bad('localized offsets (ZZZZ) are not supported');
      return { k: 'offset', colon: n === 5, minutes: 'yes', zulu: n === 5 };
    case 'F': if (internal) return { k: 'frac', min: 1, max: 9 }; break;
    case 'O': if (internal) return { k: 'offset', colon: true, minutes: 'opt', zulu: true }; break;
  }
  return bad(`unsupported pattern letter "${c}"`);
}

/** A variable-width number directly followed by a number takes its minimum width (yyyyMMdd). */
function fixAdjacent(toks: Tok[]): void {
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.k === 'opt') fixAdjacent(t.toks);
    const next = toks[i + 1];
    if (t.k === 'num' && next && (next.k === 'num' || next.k === 'frac')) t.max = t.min;
  }
}

interface Parts {
  year?: number; month?: number; day?: number; doy?: number; hour?: number; hour12?: number; pm?: boolean;
  minute?: number; second?: number; nanos?: number; offset?: number;
}

function patternAlternative(parseToks: Tok[], printToks: Tok[]): Alternative {
  return {
    parse(text) {
      const parts: Parts = {};
      const end = matchToks(parseToks, text, 0, parts);
      return end === text.length ? resolve(parts) : undefined;
    },
    format: (ms) => printToks.map((t) => print(t, ms)).join(''),
  };
}

/** Position after `toks` matched at `pos`, or -1. Optional sections that fail are skipped. */
function matchToks(toks: Tok[], s: string, pos: number, parts: Parts): number {
  for (const t of toks) {
    if (t.k === 'opt') {
      const saved = { ...parts };
      const end = matchToks(t.toks, s, pos, parts);
      if (end < 0) Object.assign(clear(parts), saved);
      else pos = end;
      continue;
    }
    pos = matchTok(t, s, pos, parts);
    if (pos < 0) return -1;
  }
  return pos;
}

function clear(parts: Parts): Parts {
  for (const k of Object.keys(parts)) delete parts[k as keyof Parts];
  return parts;
}

function digits(s: string, pos: number, min: number, max: number): [value: number, end: number] | undefined {
  let end = pos;
  while (end < s.length && end - pos < max && s.charCodeAt(end) >= 48 && s.charCodeAt(end) <= 57) end++;
  if (end - pos < min) return undefined;
  return [Number(s.slice(pos, end)), end];
}

function matchTok(t: Exclude<Tok, { k: 'opt' }>, s: string, pos: number, parts: Parts): number {
  switch (t.k) {
    case 'lit':
      return s.startsWith(t.s, pos) ? pos + t.s.length : -1;
    case 'num': {
      let sign = 1;
      if (t.f === 'year' && (s[pos] === '-' || s[pos] === '+') && t.max > 4) { sign = s[pos] === '-' ? -1 : 1; pos++; }
      const d = digits(s, pos, t.min, t.max);
      if (!d) return -1;
      const v = d[0] * sign;
      switch (t.f) {
        case 'year': parts.year = v; break;
        case 'year2': parts.year = 2000 + v; break;
        case 'hour24': parts.hour = v === 24 ? 0 : v; if (v < 1 || v > 24) return -1; break;
        case 'hour11': parts.hour12 = v; if (v > 11) return -1; break;
        case 'hour12': parts.hour12 = v === 12 ? 0 : v; if (v < 1 || v > 12) return -1; break;
        default: parts[t.f as 'month' | 'day' | 'doy' | 'hour' | 'minute' | 'second'] = v;
      }
      return d[1];
    }
    case 'frac': {
      const d = digits(s, pos, t.min, t.max);
      if (!d) return -1;
      parts.nanos = Number(s.slice(pos, d[1]).padEnd(9, '0'));
      return d[1];
    }
    case 'name': {
      const names = t.f === 'month' ? MONTHS : t.f === 'dow' ? DAYS : ['AM', 'PM'];
      for (let i = 0; i < names.length; i++) {
        const name = t.full || t.f === 'ampm' ? names[i] : names[i].slice(0, 3);
        if (s.slice(pos, pos + name.length).toLowerCase() !== name.toLowerCase()) continue;
        if (t.f === 'month') parts.month = i + 1;
        else if (t.f === 'ampm') parts.pm = i === 1;
        return pos + name.length;
      }
      return -1;
    }
    case 'offset': {
      // Lenient on input: Z (where allowed), ±HH, ±HHmm, ±HH:mm whatever the pattern's width.
      if (s[pos] === 'Z') { if (!t.zulu) return -1; parts.offset = 0; return pos + 1; }
      const m = /^([+-])(\d\d)(?::?(\d\d))?/.exec(s.slice(pos, pos + 6));
      if (!m) return -1;
      const h = Number(m[2]), min = m[3] ? Number(m[3]) : 0;
      if (h > 18 || min > 59) return -1;
      parts.offset = (m[1] === '-' ? -1 : 1) * (h * 60 + min);
      return pos + m[0].length;
    }
  }
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Fields → epoch ms (missing ones default as Elasticsearch does: 1970, January, 1st, midnight, UTC). */
function resolve(p: Parts): number | undefined {
  const year = p.year ?? 1970;
  let month = p.month ?? 1, day = p.day ?? 1;
  if (p.doy !== undefined) {
    if (p.month !== undefined || p.day !== undefined) return undefined;
    if (p.doy < 1 || p.doy > (leap(year) ? 366 : 365)) return undefined;
    month = 1;
    day = p.doy;
    while (day > (month === 2 && leap(year) ? 29 : DAYS_IN_MONTH[month - 1])) { day -= month === 2 && leap(year) ? 29 : DAYS_IN_MONTH[month - 1]; month++; }
  }
  if (month < 1 || month > 12 || day < 1 || day > (month === 2 && leap(year) ? 29 : DAYS_IN_MONTH[month - 1])) return undefined;
  let hour = p.hour ?? 0;
  if (p.hour12 !== undefined) {
    if (p.hour !== undefined) return undefined;
    hour = p.hour12 + (p.pm ? 12 : 0);
  } else if (p.pm !== undefined && p.hour !== undefined && p.hour > 12) return undefined;
  const minute = p.minute ?? 0, second = p.second ?? 0;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, Math.floor((p.nanos ?? 0) / 1e6));
  const ms = d.getTime() - (p.offset ?? 0) * 60_000;
  return Number.isFinite(ms) ? ms : undefined;
}

function print(t: Tok, ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  const pad = (v: number, w: number) => String(v).padStart(w, '0');
  switch (t.k) {
    case 'lit': return t.s;
    case 'opt': return t.toks.map((x) => print(x, ms)).join('');
    case 'num': {
      const h = d.getUTCHours();
      switch (t.f) {
        case 'year': { const y = d.getUTCFullYear(); return y < 0 ? `-${pad(-y, t.pad)}` : pad(y, t.pad); }
        case 'year2': return pad(((d.getUTCFullYear() % 100) + 100) % 100, 2);
        case 'month': return pad(d.getUTCMonth() + 1, t.pad);
        case 'day': return pad(d.getUTCDate(), t.pad);
        case 'doy': return pad(Math.floor((ms - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1, t.pad);
        case 'hour': return pad(h, t.pad);
        case 'hour24': return pad(h === 0 ? 24 : h, t.pad);
        case 'hour12': return pad(h % 12 === 0 ? 12 : h % 12, t.pad);
        case 'hour11': return pad(h % 12, t.pad);
        case 'minute': return pad(d.getUTCMinutes(), t.pad);
        case 'second': return pad(d.getUTCSeconds(), t.pad);
      }
      return '';
    }
    case 'frac': return pad(d.getUTCMilliseconds(), 3).padEnd(t.min, '0').slice(0, Math.max(t.min, 1));
    case 'name':
      if (t.f === 'ampm') return d.getUTCHours() < 12 ? 'AM' : 'PM';
      if (t.f === 'month') { const m = MONTHS[d.getUTCMonth()]; return t.full ? m : m.slice(0, 3); }
      { const w = DAYS[(d.getUTCDay() + 6) % 7]; return t.full ? w : w.slice(0, 3); }
    case 'offset': return t.zulu ? 'Z' : t.colon ? '+00:00' : t.minutes === 'opt' ? '+00' : '+0000';
  }
}
