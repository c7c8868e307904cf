/**
 * Integers beyond 2^53 lose precision in JSON.parse (9007199254740993 becomes
 * 9007199254740992), and a rule would then compare ids wrongly. Lines holding such a number
 * are rewritten before parsing so it arrives as its exact decimal string — every language
 * compares a string against a numeric query value by its text.
 */
const LONG_DIGITS = /\d{16}/;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export function mayHoldBigInteger(text: string): boolean {
  return LONG_DIGITS.test(text);
}

/** Quote unsafe integer literals outside strings; returns the text unchanged when there are none. */
export function quoteBigIntegers(text: string): string {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    const isStart = (c >= 0x30 && c <= 0x39) || c === 0x2d;
    if (!isStart) continue;
    let j = c === 0x2d ? i + 1 : i;
    while (j < text.length && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x39) j++;
    const next = text.charCodeAt(j);
    const isInteger = next !== 0x2e && next !== 0x65 && next !== 0x45; // not . e E
    if (isInteger && j - i >= 16) {
      const literal = text.slice(i, j);
      const v = BigInt(literal);
      if (v > MAX_SAFE || v < -MAX_SAFE) {
        out += `${text.slice(last, i)}"${literal}"`;
        last = j;
      }
    }
    i = j - 1;
  }
  return last === 0 ? text : out + text.slice(last);
}
