/**
 * The session time zone (`SET time_zone = "+10:00";`): calendar functions such as DATE_TRUNC
 * work on local wall-clock time. Fixed offsets and IANA zone names are accepted.
 */
export interface TimeZone {
  id: string;
  /** Milliseconds to add to a UTC instant to get the local wall-clock time at that instant. */
  offsetAt(utcMs: number): number;
}

export const UTC: TimeZone = { id: 'Z', offsetAt: () => 0 };

export function parseTimeZone(s: string): TimeZone | undefined {
  const t = s.trim();
  if (/^(Z|UTC|GMT)$/i.test(t)) return UTC;
  const m = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/i.exec(t);
  if (m) {
    const off = (m[1] === '-' ? -1 : 1) * ((Number(m[2]) * 60 + Number(m[3] ?? 0)) * 60 + Number(m[4] ?? 0)) * 1000;
    if (Math.abs(off) > 18 * 3_600_000) return undefined;
    return off === 0 ? UTC : { id: t, offsetAt: () => off };
  }
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone: t, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  } catch {
    return undefined;
  }
  return {
    id: t,
    offsetAt(ms) {
      const d = new Date(ms);
      if (Number.isNaN(d.getTime())) return 0;
      const p: Record<string, number> = {};
      for (const x of fmt.formatToParts(d)) if (x.type !== 'literal') p[x.type] = Number(x.value);
      const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
      return wall - (ms - d.getUTCMilliseconds());
    },
  };
}

/** Apply `f` to the local wall-clock time of `ms` and return the UTC instant of the result. */
export function inLocalTime(ms: number, tz: TimeZone | undefined, f: (local: number) => number): number {
  if (!tz || tz === UTC) return f(ms);
  const local = f(ms + tz.offsetAt(ms));
  // the offset of the result may differ from that of the input (daylight saving)
  const guess = local - tz.offsetAt(local);
  return local - tz.offsetAt(guess);
}
