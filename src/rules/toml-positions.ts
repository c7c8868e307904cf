/**
 * Where keys and their values sit in a TOML text. smol-toml gives values without positions; rule
 * errors (a wrong field type, a query syntax error) need the TOML line and column. This scanner
 * walks the text once, skipping strings, comments and bracketed values, and records the first
 * occurrence of every key by its dotted path (`rule.query`, `rule.threshold.value`).
 * It assumes the text already parsed as TOML; on anything odd it simply records less.
 */

export interface KeyPosition {
  /** 1-based line and column of the key. */
  line: number;
  column: number;
  /** 1-based line and column where the value's content starts (inside the quotes for strings). */
  valueLine: number;
  valueColumn: number;
}

export interface TomlPositions {
  keys: Map<string, KeyPosition>;
  /** Table headers (`rule`, `rule.threat`…) → 1-based line of their first header. */
  tables: Map<string, number>;
}

export function scanTomlPositions(text: string): TomlPositions {
  const keys = new Map<string, KeyPosition>();
  const tables = new Map<string, number>();
  const n = text.length;
  let i = 0;
  let line = 1;
  let lineStart = 0;
  let table: string[] = [];

  const col = (at: number): number => at - lineStart + 1;
  const newline = (at: number): void => {
    line++;
    lineStart = at + 1;
  };
  const skipSpaces = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  const skipToLineEnd = (): void => {
    while (i < n && text[i] !== '\n') i++;
  };

  /** Counts the newlines in text[from, to) into line/lineStart (indexOf: rule notes are long). */
  const newlinesIn = (from: number, to: number): void => {
    for (let at = text.indexOf('\n', from); at >= 0 && at < to; at = text.indexOf('\n', at + 1)) newline(at);
  };

  /** Skips a string starting at i (any of the four kinds); i ends just past it. */
  const skipString = (): void => {
    const q = text[i]!;
    const q3 = q.repeat(3);
    if (text.startsWith(q3, i)) {
      const start = i + 3;
      let end = text.indexOf(q3, start);
      // In basic strings a quote after an odd run of backslashes is escaped: look further.
      while (end >= 0 && q === '"' && backslashesBefore(end) % 2 === 1) end = text.indexOf(q3, end + 1);
      if (end < 0) {
        newlinesIn(start, n);
        i = n;
        return;
      }
      newlinesIn(start, end);
      let run = 3;
      while (run < 5 && text[end + run] === q) run++;
      i = end + run;
      return;
    }
    i++;
    while (i < n && text[i] !== q && text[i] !== '\n') {
      if (q === '"' && text[i] === '\\') i++;
      i++;
    }
    if (text[i] === q) i++;
  };

  const backslashesBefore = (at: number): number => {
    let k = 0;
    while (at - 1 - k >= 0 && text[at - 1 - k] === '\\') k++;
    return k;
  };

  /** Reads a dotted key (bare or quoted parts) at i, up to `stop` characters; returns its parts. */
  const readKey = (stop: string): string[] => {
    const parts: string[] = [];
    let cur = '';
    while (i < n && !stop.includes(text[i]!) && text[i] !== '\n') {
      const c = text[i]!;
      if (c === '"' || c === "'") {
        const start = i;
        skipString();
        const raw = text.slice(start + 1, i - 1);
        cur += c === '"' ? raw.replace(/\\(.)/g, '$1') : raw;
        continue;
      }
      if (c === '.') {
        parts.push(cur.trim());
        cur = '';
      } else {
        cur += c;
      }
      i++;
    }
    parts.push(cur.trim());
    return parts;
  };

  /** Skips a value starting at i: strings, arrays/inline tables (nested, multi-line), scalars. */
  const skipValue = (): void => {
    let depth = 0;
    while (i < n) {
      const c = text[i]!;
      if (c === '"' || c === "'") {
        skipString();
        continue;
      }
      if (c === '[' || c === '{') depth++;
      else if (c === ']' || c === '}') depth--;
      else if (c === '#') {
        skipToLineEnd();
        continue;
      } else if (c === '\n') {
        if (depth <= 0) return;
        newline(i);
      }
      i++;
      if (depth <= 0 && (c === ']' || c === '}')) return;
    }
  };

  while (i < n) {
    skipSpaces();
    if (i >= n) break;
    const c = text[i]!;
    if (c === '\n') {
      newline(i);
      i++;
      continue;
    }
    if (c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      skipToLineEnd();
      continue;
    }
    if (c === '[') {
      const headerLine = line;
      i += text[i + 1] === '[' ? 2 : 1;
      skipSpaces();
      table = readKey(']');
      const name = table.join('.');
      if (!tables.has(name)) tables.set(name, headerLine);
      skipToLineEnd();
      continue;
    }
    // key = value
    const keyLine = line;
    const keyCol = col(i);
    const parts = readKey('=');
    if (text[i] !== '=') {
      skipToLineEnd();
      continue;
    }
    i++;
    skipSpaces();
    let valueLine = line;
    let valueColumn = col(i);
    const q = text[i];
    if ((q === '"' || q === "'") && text.startsWith(q.repeat(3), i)) {
      // Multi-line string: a newline right after the opener is trimmed, so content starts below.
      const after = i + 3;
      if (text[after] === '\n' || (text[after] === '\r' && text[after + 1] === '\n')) {
        valueLine = line + 1;
        valueColumn = 1;
      } else {
        valueColumn = col(after);
      }
    } else if (q === '"' || q === "'") {
      valueColumn = col(i + 1);
    }
    const path = [...table, ...parts].join('.');
    if (!keys.has(path)) keys.set(path, { line: keyLine, column: keyCol, valueLine, valueColumn });
    skipValue();
    skipToLineEnd();
  }
  return { keys, tables };
}
