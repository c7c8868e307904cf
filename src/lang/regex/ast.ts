import { QueryError } from '../query-error.js';
import type { Ranges } from './charset.js';

/**
 * The syntax tree both dialects parse into. `pos`/`end` are UTF-16 offsets into the pattern
 * text, so errors found after parsing (size limits, unsupported constructs) still point at the
 * right place.
 */
export type Node =
  | { type: 'empty'; pos: number; end: number }
  /** Lucene `#`: matches nothing at all. */
  | { type: 'never'; pos: number; end: number }
  /** One literal code point; `ci` keeps it recognisable as a literal for the fast paths. */
  | { type: 'char'; cp: number; ci: boolean; pos: number; end: number }
  /** One code point from a set (classes, `.`, `\d`, case-folded letters). */
  | { type: 'set'; set: Ranges; pos: number; end: number }
  | { type: 'concat'; items: Node[]; pos: number; end: number }
  | { type: 'alt'; items: Node[]; pos: number; end: number }
  /** `max` -1: unbounded. */
  | { type: 'repeat'; child: Node; min: number; max: number; greedy: boolean; pos: number; end: number }
  /** `index` 0: a non-capturing group kept only for positions. */
  | { type: 'group'; child: Node; index: number; name: string | undefined; pos: number; end: number }
  | { type: 'assert'; kind: AssertKind; pos: number; end: number }
  /** Lookaround restricted to a fixed sequence of single code points, so it costs O(k) per check. */
  | { type: 'look'; behind: boolean; negate: boolean; seq: Ranges[]; pos: number; end: number }
  /** Lucene `~x`: every string x does not match. */
  | { type: 'complement'; child: Node; pos: number; end: number }
  /** Lucene `x&y`: strings both match. */
  | { type: 'intersect'; left: Node; right: Node; pos: number; end: number };

/** Zero-width assertions; plain numbers because they are compared in the engines' hot loops. */
export type AssertKind = number;
/** start of input (`^` without multiline, `\A`) */
export const BOT = 0;
/** end of input (`$` without multiline, `\z`) */
export const EOT = 1;
/** start of a line (multiline `^`) */
export const BOL = 2;
/** end of a line (multiline `$`) */
export const EOL = 3;
export const WORD_BOUNDARY = 4;
export const NOT_WORD_BOUNDARY = 5;
/** end of input or before a final newline (`\Z`) */
export const EOT_NL = 6;

export type RegexErrorKind = 'syntax' | 'unsupported' | 'too-large';

/**
 * A positioned error in a pattern. `offset`/`end` are UTF-16 offsets into the pattern text;
 * callers that embed the pattern in a query convert them with {@link RegexError.toQueryError}.
 */
export class RegexError extends Error {
  override readonly name = 'RegexError';
  constructor(
    message: string,
    readonly pattern: string,
    readonly offset: number,
    readonly kind: RegexErrorKind = 'syntax',
    readonly end: number = offset + 1,
  ) {
    super(message);
  }

  /**
   * The same error as a {@link QueryError} inside `source`. `at` is where the pattern's first
   * character sits in `source`, or a function mapping pattern offsets to source offsets (for
   * patterns taken from string literals with escapes).
   */
  toQueryError(source: string, at: number | ((patternOffset: number) => number)): QueryError {
    const off = typeof at === 'number' ? at + this.offset : at(this.offset);
    return new QueryError(this.message, source, off, this.kind === 'syntax' ? 'syntax' : 'unsupported');
  }
}

export function isRegexError(e: unknown): e is RegexError {
  return e instanceof RegexError;
}
