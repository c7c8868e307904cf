/**
 * A positioned error in a query (KQL, EQL, ES|QL): syntax, unknown function, type error, or a
 * construct that cannot run offline. Line and column are 1-based, offset is 0-based into the
 * query text. `format()` renders the message with the offending source line and a caret.
 */
export class QueryError extends Error {
  override readonly name = 'QueryError';
  readonly line: number;
  readonly column: number;

  constructor(
    message: string,
    readonly source: string,
    readonly offset: number,
    readonly kind: 'syntax' | 'type' | 'unsupported' = 'syntax',
  ) {
    super(message);
    ({ line: this.line, column: this.column } = positionOf(source, offset));
  }

  format(label = 'query'): string {
    const lines = this.source.split('\n');
    const text = lines[this.line - 1] ?? '';
    const caret = `${' '.repeat(Math.max(0, this.column - 1))}^`;
    return `${label}:${this.line}:${this.column}: ${this.message}\n  ${text}\n  ${caret}`;
  }
}

export function isQueryError(e: unknown): e is QueryError {
  return e instanceof QueryError;
}

/**
 * 1-based line and column of an offset. An offset past the query's last non-blank character
 * ("… but end of query found") points just after that character: a query stored with a
 * trailing newline should not send the reader to the empty line below it.
 */
export function positionOf(source: string, offset: number): { line: number; column: number } {
  const end = source.trimEnd().length;
  const clamped = Math.max(0, Math.min(offset, end));
  const before = source.slice(0, clamped);
  const nl = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: clamped - nl };
}
