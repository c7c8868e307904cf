/**
 * Sets of code points as sorted, disjoint, non-adjacent inclusive ranges `[lo0, hi0, lo1, hi1, …]`.
 * Every character test in the engines reduces to one of these, so case folding, negation and
 * class arithmetic happen once at compile time instead of per input character.
 */
export type Ranges = number[];

export const MAX_CP = 0x10ffff;

export const ANY: Ranges = [0, MAX_CP];
export const NOTHING: Ranges = [];

export function single(cp: number): Ranges {
  return [cp, cp];
}

export function range(lo: number, hi: number): Ranges {
  return [lo, hi];
}

/** Sort and merge arbitrary (possibly overlapping) pairs. */
export function normalize(pairs: number[]): Ranges {
  const n = pairs.length >> 1;
  if (n <= 1) return pairs.slice();
  const idx: number[] = [];
  for (let i = 0; i < n; i++) idx.push(i);
  idx.sort((x, y) => pairs[2 * x] - pairs[2 * y]);
  const out: number[] = [];
  for (const i of idx) {
    const lo = pairs[2 * i];
    const hi = pairs[2 * i + 1];
    const k = out.length;
    // adjacent ranges merge too, so equal sets always have equal representations
    if (k && lo <= out[k - 1] + 1) {
      if (hi > out[k - 1]) out[k - 1] = hi;
    } else out.push(lo, hi);
  }
  return out;
}

export function union(a: Ranges, b: Ranges): Ranges {
  if (!a.length) return b.slice();
  if (!b.length) return a.slice();
  return normalize([...a, ...b]);
}

export function negate(a: Ranges): Ranges {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < a.length; i += 2) {
    if (a[i] > next) out.push(next, a[i] - 1);
    next = a[i + 1] + 1;
  }
  if (next <= MAX_CP) out.push(next, MAX_CP);
  return out;
}

export function intersect(a: Ranges, b: Ranges): Ranges {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i], b[j]);
    const hi = Math.min(a[i + 1], b[j + 1]);
    if (lo <= hi) out.push(lo, hi);
    if (a[i + 1] < b[j + 1]) i += 2;
    else j += 2;
  }
  return out;
}

export function subtract(a: Ranges, b: Ranges): Ranges {
  return intersect(a, negate(b));
}

export function contains(a: Ranges, cp: number): boolean {
  let lo = 0;
  let hi = (a.length >> 1) - 1;
  while (lo <= hi) {
    const m = (lo + hi) >> 1;
    if (cp < a[2 * m]) hi = m - 1;
    else if (cp > a[2 * m + 1]) lo = m + 1;
    else return true;
  }
  return false;
}

export function isSingle(a: Ranges): boolean {
  return a.length === 2 && a[0] === a[1];
}

export function isAny(a: Ranges): boolean {
  return a.length === 2 && a[0] === 0 && a[1] === MAX_CP;
}

export function equals(a: Ranges, b: Ranges): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Close a set under case: ASCII letters always; with `unicode`, also single-code-point
 * lower/upper mappings of non-ASCII members. Big non-ASCII ranges (> 4096 code points, e.g. a
 * negated class folded before negation) are only folded in their ASCII part: walking them costs
 * milliseconds and they almost always already contain both cases.
 */
export function caseFold(a: Ranges, unicode: boolean): Ranges {
  const extra: number[] = [];
  for (let i = 0; i < a.length; i += 2) {
    const lo = a[i];
    const hi = a[i + 1];
    // A-Z <-> a-z
    const ulo = Math.max(lo, 0x41);
    const uhi = Math.min(hi, 0x5a);
    if (ulo <= uhi) extra.push(ulo + 32, uhi + 32);
    const llo = Math.max(lo, 0x61);
    const lhi = Math.min(hi, 0x7a);
    if (llo <= lhi) extra.push(llo - 32, lhi - 32);
    if (!unicode) continue;
    const nlo = Math.max(lo, 0x80);
    if (nlo > hi || hi - nlo > 4096) continue;
    for (let cp = nlo; cp <= hi; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      for (const v of [ch.toLowerCase(), ch.toUpperCase()]) {
        const c = v.codePointAt(0)!;
        if (v.length === (c > 0xffff ? 2 : 1) && c !== cp) {
          // ASCII targets (e.g. U+212A KELVIN SIGN → k) are left out: Java and Lucene keep
          // ASCII case-insensitivity to ASCII, and "k" matching the Kelvin sign surprises people
          if (c >= 0x80) extra.push(c, c);
        }
      }
    }
  }
  return extra.length ? union(a, normalize(extra)) : a;
}

// ---------------------------------------------------------------------------------------------
// predefined classes

export const DIGIT: Ranges = [0x30, 0x39];
export const WORD: Ranges = [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a];
/** Lucene's `\s`: space, tab, newline, carriage return only. */
export const LUCENE_SPACE: Ranges = normalize([0x20, 0x20, 0x09, 0x0a, 0x0d, 0x0d]);
/** Java / Oniguruma ASCII `\s`: [ \t\n\x0B\f\r]. */
export const SPACE: Ranges = normalize([0x20, 0x20, 0x09, 0x0d]);
export const NEWLINE: Ranges = [0x0a, 0x0a];

const POSIX: Record<string, Ranges> = {
  alnum: normalize([0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a]),
  alpha: normalize([0x41, 0x5a, 0x61, 0x7a]),
  ascii: [0, 0x7f],
  blank: normalize([0x20, 0x20, 0x09, 0x09]),
  cntrl: normalize([0, 0x1f, 0x7f, 0x7f]),
  digit: DIGIT,
  graph: [0x21, 0x7e],
  lower: [0x61, 0x7a],
  print: [0x20, 0x7e],
  punct: normalize([0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e]),
  space: SPACE,
  upper: [0x41, 0x5a],
  word: WORD,
  xdigit: normalize([0x30, 0x39, 0x41, 0x46, 0x61, 0x66]),
};

/** `[:alpha:]` (Oniguruma bracket) and `\p{Alpha}` (Java POSIX property) names, ASCII like Java's defaults. */
export function posixClass(name: string): Ranges | undefined {
  return POSIX[name.toLowerCase()];
}

const unicodeCache = new Map<string, Ranges | null>();

/**
 * `\p{…}` beyond the POSIX names: general categories and scripts as JS knows them. The range
 * set is built by probing every code point once per name (tens of milliseconds), then cached.
 */
export function unicodeProperty(name: string): Ranges | undefined {
  const posix = posixClass(name.replace(/^Is/, ''));
  if (posix) return posix;
  let key = name;
  if (/^Is[A-Z]/.test(key)) key = key.slice(2);
  if (key === 'L&') key = 'LC';
  const hit = unicodeCache.get(key);
  if (hit !== undefined) return hit ?? undefined;
  let re: RegExp;
  try {
    re = new RegExp(`^\\p{${key}}$`, 'u');
  } catch {
    try {
      re = new RegExp(`^\\p{Script=${key}}$`, 'u');
    } catch {
      unicodeCache.set(key, null);
      return undefined;
    }
  }
  const out: number[] = [];
  let start = -1;
  for (let cp = 0; cp <= MAX_CP + 1; cp++) {
    const inside = cp <= MAX_CP && re.test(String.fromCodePoint(cp));
    if (inside && start < 0) start = cp;
    else if (!inside && start >= 0) {
      out.push(start, cp - 1);
      start = -1;
    }
  }
  const r = normalize(out);
  unicodeCache.set(key, r);
  return r;
}
