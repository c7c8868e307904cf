/**
 * Integers beyond 2^53 lose precision in JSON.parse (9007199254740993 becomes
 * 9007199254740992), and a rule would then compare ids wrongly. Lines holding such a number
 * are rewritten before parsing so it arrives as its exact decimal string — every language
 * compares a string against a numeric query value by its text. Only well-formed integer
 * values are touched: fractions, exponents, keys and malformed numbers are left for
 * JSON.parse to judge.
 */
// 16 digits ending a number token: spelled out digit by digit, which irregexp scans several
// times faster than \d{16} (that check was a third of JSON.parse's own cost per line), and
// anchored on what may follow a number so digit runs inside strings (hashes, ids) rarely match.
const LONG_DIGITS = /\d\d\d\d\d\d\d\d\d\d\d\d\d\d\d\d(?=[\s,\]}]|$)/;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const NUMBER_CHAR = /[0-9.eE+-]/;

export function mayHoldBigInteger(text: string): boolean {
  return LONG_DIGITS.test(text);
}

export function quoteBigIntegers(text: string): string {
  let out = '';
  let last = 0;
  let inString = false;
  let prev = ''; // last significant character outside strings
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') {
        inString = false;
        prev = '"';
      }
      continue;
    }
    if (ch === '"') {
      inString = true;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') continue;
    if ((ch >= '0' && ch <= '9') || ch === '-') {
      let j = i + 1;
      while (j < text.length && NUMBER_CHAR.test(text[j])) j++;
      const token = text.slice(i, j);
      // A value (after : [ or ,), a plain integer without leading zeros, beyond 2^53.
      if ((prev === ':' || prev === '[' || prev === ',') && /^-?[1-9]\d{15,}$/.test(token)) {
        const v = BigInt(token);
        if (v > MAX_SAFE || v < -MAX_SAFE) {
          out += `${text.slice(last, i)}"${token}"`;
          last = j;
        }
      }
      prev = '0';
      i = j - 1;
      continue;
    }
    prev = ch;
  }
  return last === 0 ? text : out + text.slice(last);
}
