/**
 * A fast reader for the TOML rule files are written in, tried before smol-toml.
 *
 * Loading Elastic's corpus cold spent a fifth of its time in smol-toml, most of it walking the
 * investigation guides (`note = """…"""`, ~10 of the corpus's 16.7 MB) a character at a time in
 * code V8 had not optimised yet. Here the characters TOML refuses are looked for once per text,
 * and a string's end and backslashes are found with `indexOf`: native from the first call.
 *
 * It reads a subset: bare and quoted keys, table headers and arrays of tables, the four kinds of
 * strings, decimal integers and plain floats, booleans, arrays, single-line inline tables. On
 * anything else (dotted keys, dates, other number forms, an invalid or doubtful construct)
 * it gives up and returns undefined, and smol-toml parses the text and reports its errors with
 * their positions. Where it answers, it answers what smol-toml would: the same values, tables
 * without a prototype (test/rules/toml-fast.test.ts: every rule file, mutated ones, random ones).
 */

type Table = Record<string, unknown>;

/** Thrown inside the reader to give up (no Error: no stack to capture); never escapes parseTomlFast. */
class OutsideSubset {}
const GIVE_UP = new OutsideSubset();

const BARE_KEY = /[A-Za-z0-9_-]+/y;
/** Integers without sign, underscores or leading zeros; floats with digits on both sides of the point. */
const NUMBER = /(?:0|[1-9][0-9]*)(\.[0-9]+)?(?=[ \t\r\n,\]}#]|$)/y;
/**
 * Characters TOML allows nowhere: control characters but tab, newline and the carriage return
 * of a CRLF newline (checked apart). One `indexOf` each over the whole text costs less than a
 * character class tested on every string (~13 against ~45 ms for the corpus).
 */
const REFUSED: string[] = [];
for (let c = 0; c < 0x20; c++) if (c !== 0x09 && c !== 0x0a && c !== 0x0d) REFUSED.push(String.fromCharCode(c));
REFUSED.push('\x7f');

/** Whether every carriage return starts a CRLF newline (a lone one is refused by TOML). */
function crOnlyInNewlines(text: string): boolean {
  for (let at = text.indexOf('\r'); at >= 0; at = text.indexOf('\r', at + 1)) if (text.charCodeAt(at + 1) !== 0x0a) return false;
  return true;
}

/**
 * Deeper nesting (arrays, inline tables, header keys) is left to smol-toml, which refuses past its
 * own limit (1,000): rule files nest a few levels.
 */
const MAX_DEPTH = 64;

/** The parsed document, or undefined when the text is not in the subset (or not valid TOML). */
export function parseTomlFast(text: string): Table | undefined {
  for (const c of REFUSED) if (text.includes(c)) return undefined;
  if (!crOnlyInNewlines(text)) return undefined;
  try {
    return new Reader(text).document();
  } catch {
    // GIVE_UP, or anything unforeseen: smol-toml reads the text and reports what is wrong with it.
    return undefined;
  }
}

class Reader {
  private i = 0;
  /** Tables a header defined: a second header for one is an error. */
  private readonly defined = new Set<Table>();
  /** Tables a header created as its parents: one later header may define each. */
  private readonly implicit = new Set<Table>();
  /** Arrays of tables made by `[[…]]` headers (static arrays are values: headers cannot extend them). */
  private readonly tableArrays = new Set<unknown[]>();
  /** Arrays and inline tables open around the value being read. */
  private depth = 0;
  /** The first backslash at or after the last place asked about (hasBackslash); the text's length if none. */
  private backslash = -1;

  constructor(private readonly s: string) {}

  document(): Table {
    const s = this.s;
    const root: Table = Object.create(null);
    let table = root;
    for (;;) {
      this.spaces();
      if (this.i >= s.length) return root;
      const nl = this.newlineAt(this.i);
      if (nl) {
        this.i += nl;
        continue;
      }
      const c = s.charCodeAt(this.i);
      if (c === 0x23 /* # */) this.comment();
      else if (c === 0x5b /* [ */) table = this.header(root);
      else this.keyValue(table);
      this.lineEnd();
    }
  }

  /** The length of the newline at `at` (LF or CRLF), else 0. */
  private newlineAt(at: number): number {
    const c = this.s.charCodeAt(at);
    return c === 0x0a ? 1 : c === 0x0d ? 2 : 0;
  }

  private spaces(): void {
    const s = this.s;
    let c = s.charCodeAt(this.i);
    while (c === 0x20 || c === 0x09) c = s.charCodeAt(++this.i);
  }

  /** Spaces, newlines and comments, as between the values of an array. */
  private blanks(): void {
    const s = this.s;
    for (;;) {
      const c = s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.i++;
      else if (c === 0x23) this.comment();
      else return;
    }
  }

  /** From `#` to the end of the line (the text has no control character: see REFUSED). */
  private comment(): void {
    const end = this.s.indexOf('\n', this.i);
    this.i = end < 0 ? this.s.length : this.s.charCodeAt(end - 1) === 0x0d ? end - 1 : end;
  }

  /** Whether a backslash lies in [from, to); asked in increasing `from`, so the text is searched once. */
  private hasBackslash(from: number, to: number): boolean {
    if (this.backslash < from) {
      const at = this.s.indexOf('\\', from);
      this.backslash = at < 0 ? this.s.length : at;
    }
    return this.backslash < to;
  }

  /** After a key/value or a header: spaces, an optional comment, then a newline or the end. */
  private lineEnd(): void {
    this.spaces();
    if (this.s.charCodeAt(this.i) === 0x23) this.comment();
    if (this.i < this.s.length && !this.newlineAt(this.i)) throw GIVE_UP;
  }

  /** A bare key or a quoted one (`"file.path"`, as Kibana filters name fields). */
  private key(): string {
    const c = this.s.charCodeAt(this.i);
    if (c === 0x22 || c === 0x27) {
      // Multi-line strings are not keys.
      if (this.s.charCodeAt(this.i + 1) === c && this.s.charCodeAt(this.i + 2) === c) throw GIVE_UP;
      return c === 0x22 ? this.basic() : this.literal();
    }
    return this.bareKey();
  }

  private bareKey(): string {
    const start = this.i;
    BARE_KEY.lastIndex = start;
    if (!BARE_KEY.test(this.s)) throw GIVE_UP;
    this.i = BARE_KEY.lastIndex;
    return this.s.slice(start, this.i);
  }

  /** `[a.b]` or `[[a.b]]`: the table later key/values go to. */
  private header(root: Table): Table {
    const s = this.s;
    const array = s.charCodeAt(this.i + 1) === 0x5b;
    this.i += array ? 2 : 1;
    const keys: string[] = [];
    for (;;) {
      this.spaces();
      keys.push(this.key());
      this.spaces();
      const c = s.charCodeAt(this.i);
      if (c === 0x2e /* . */) {
        this.i++;
        continue;
      }
      if (c !== 0x5d /* ] */ || keys.length > MAX_DEPTH) throw GIVE_UP;
      if (array && s.charCodeAt(this.i + 1) !== 0x5d) throw GIVE_UP;
      this.i += array ? 2 : 1;
      break;
    }
    let table = root;
    for (let k = 0; k < keys.length - 1; k++) table = this.descend(table, keys[k]!);
    const last = keys[keys.length - 1]!;
    const existing = table[last];
    if (array) {
      const element: Table = Object.create(null);
      if (existing === undefined) {
        const list = [element];
        this.tableArrays.add(list);
        table[last] = list;
      } else if (Array.isArray(existing) && this.tableArrays.has(existing)) existing.push(element);
      else throw GIVE_UP;
      return element;
    }
    if (existing === undefined) {
      const created: Table = Object.create(null);
      this.defined.add(created);
      table[last] = created;
      return created;
    }
    // A table made as the parent of an earlier header may be defined once, later.
    if (this.implicit.has(existing as Table)) {
      this.implicit.delete(existing as Table);
      this.defined.add(existing as Table);
      return existing as Table;
    }
    throw GIVE_UP;
  }

  /** A parent key of a header: a table of headers, or the last table of an array of tables. */
  private descend(table: Table, key: string): Table {
    const v = table[key];
    if (v === undefined) {
      const created: Table = Object.create(null);
      this.implicit.add(created);
      table[key] = created;
      return created;
    }
    if (Array.isArray(v)) {
      if (!this.tableArrays.has(v)) throw GIVE_UP;
      return v[v.length - 1] as Table;
    }
    if (this.defined.has(v as Table) || this.implicit.has(v as Table)) return v as Table;
    // An inline table or another value: closed to headers.
    throw GIVE_UP;
  }

  private keyValue(table: Table): void {
    const key = this.key();
    this.spaces();
    if (this.s.charCodeAt(this.i) !== 0x3d /* = */) throw GIVE_UP;
    this.i++;
    this.spaces();
    if (key in table) throw GIVE_UP;
    table[key] = this.value();
  }

  private value(): unknown {
    const s = this.s;
    const c = s.charCodeAt(this.i);
    if (c === 0x22 /* " */) return s.startsWith('"""', this.i) ? this.multilineBasic() : this.basic();
    if (c === 0x27 /* ' */) return s.startsWith("'''", this.i) ? this.multilineLiteral() : this.literal();
    if (c === 0x5b) return this.nested(() => this.array());
    if (c === 0x7b /* { */) return this.nested(() => this.inlineTable());
    if (c >= 0x30 && c <= 0x39) return this.number();
    if (s.startsWith('true', this.i)) return this.word(4, true);
    if (s.startsWith('false', this.i)) return this.word(5, false);
    throw GIVE_UP;
  }

  /** An array or inline table, one level deeper. */
  private nested<T>(read: () => T): T {
    if (++this.depth > MAX_DEPTH) throw GIVE_UP;
    const v = read();
    this.depth--;
    return v;
  }

  private word(length: number, value: boolean): boolean {
    this.i += length;
    const c = this.s.charCodeAt(this.i);
    if (this.i < this.s.length && c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x2c && c !== 0x5d && c !== 0x7d && c !== 0x23) throw GIVE_UP;
    return value;
  }

  private number(): number {
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s);
    if (!m) throw GIVE_UP;
    this.i = NUMBER.lastIndex;
    const n = Number(m[0]);
    if (m[1] === undefined && !Number.isSafeInteger(n)) throw GIVE_UP;
    return n;
  }

  /** A single-line string ends before the line does. */
  private closeOnLine(quote: string): number {
    const close = this.s.indexOf(quote, this.i + 1);
    if (close < 0) throw GIVE_UP;
    const newline = this.s.indexOf('\n', this.i + 1);
    return newline >= 0 && newline < close ? -1 : close;
  }

  private basic(): string {
    const close = this.closeOnLine('"');
    const start = this.i + 1;
    if (close >= 0 && !this.hasBackslash(start, close)) {
      this.i = close + 1;
      return this.s.slice(start, close);
    }
    this.i = start;
    return this.escaped(false);
  }

  private literal(): string {
    const close = this.closeOnLine("'");
    if (close < 0) throw GIVE_UP;
    const v = this.s.slice(this.i + 1, close);
    this.i = close + 1;
    return v;
  }

  /** Past an opening `"""` or `'''`: a newline right after it is not part of the string. */
  private multilineStart(): number {
    this.i += 3;
    this.i += this.newlineAt(this.i);
    return this.i;
  }

  /**
   * Where a multi-line string closes, given the first run of three quotes at `at`: a string may
   * end in one or two quotes of its own, before the three that close it.
   */
  private closingAt(at: number, quote: number): number {
    if (this.s.charCodeAt(at + 3) === quote) at++;
    if (this.s.charCodeAt(at + 3) === quote) at++;
    return at;
  }

  private multilineLiteral(): string {
    const start = this.multilineStart();
    const found = this.s.indexOf("'''", start);
    if (found < 0) throw GIVE_UP;
    const end = this.closingAt(found, 0x27);
    this.i = end + 3;
    return this.s.slice(start, end);
  }

  private multilineBasic(): string {
    const start = this.multilineStart();
    const found = this.s.indexOf('"""', start);
    if (found >= 0) {
      const end = this.closingAt(found, 0x22);
      // Without a backslash no quote is escaped, so the first three quotes do close the string.
      if (!this.hasBackslash(start, end)) {
        this.i = end + 3;
        return this.s.slice(start, end);
      }
    }
    return this.escaped(true);
  }

  /** A basic string with escapes, from just past its opening quote(s). */
  private escaped(multiline: boolean): string {
    const s = this.s;
    let out = '';
    let from = this.i;
    for (;;) {
      if (this.i >= s.length) throw GIVE_UP;
      const c = s.charCodeAt(this.i);
      if (c === 0x22) {
        if (!multiline) {
          out += s.slice(from, this.i);
          this.i++;
          return out;
        }
        if (s.startsWith('"""', this.i)) {
          const end = this.closingAt(this.i, 0x22);
          out += s.slice(from, end);
          this.i = end + 3;
          return out;
        }
        this.i++;
      } else if (c === 0x5c /* \ */) {
        out += s.slice(from, this.i);
        out += this.escape(multiline);
        from = this.i;
      } else if (c === 0x0a && !multiline) throw GIVE_UP;
      else this.i++;
    }
  }

  /** One escape, from its backslash; `this.i` ends past it. */
  private escape(multiline: boolean): string {
    const s = this.s;
    const c = s.charCodeAt(this.i + 1);
    this.i += 2;
    switch (c) {
      case 0x62 /* b */:
        return '\b';
      case 0x74 /* t */:
        return '\t';
      case 0x6e /* n */:
        return '\n';
      case 0x66 /* f */:
        return '\f';
      case 0x72 /* r */:
        return '\r';
      case 0x22:
        return '"';
      case 0x5c:
        return '\\';
      case 0x75 /* u */:
        return this.unicode(4);
      case 0x55 /* U */:
        return this.unicode(8);
    }
    // A backslash ending a line of a multi-line string trims the whitespace and newlines after it.
    if (multiline && (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d)) {
      this.i--;
      this.spaces();
      if (!this.newlineAt(this.i)) throw GIVE_UP;
      for (let d = s.charCodeAt(this.i); d === 0x20 || d === 0x09 || d === 0x0a || d === 0x0d; d = s.charCodeAt(++this.i));
      return '';
    }
    throw GIVE_UP;
  }

  private unicode(digits: number): string {
    const hex = this.s.slice(this.i, this.i + digits);
    if (hex.length !== digits || !/^[0-9A-Fa-f]+$/.test(hex)) throw GIVE_UP;
    const code = parseInt(hex, 16);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw GIVE_UP;
    this.i += digits;
    return String.fromCodePoint(code);
  }

  /** `[a, b,]`: newlines and comments between the values, a trailing comma allowed. */
  private array(): unknown[] {
    const s = this.s;
    const out: unknown[] = [];
    this.i++;
    for (;;) {
      this.blanks();
      if (s.charCodeAt(this.i) === 0x5d) break;
      out.push(this.value());
      this.blanks();
      const c = s.charCodeAt(this.i);
      if (c === 0x5d) break;
      if (c !== 0x2c) throw GIVE_UP;
      this.i++;
    }
    this.i++;
    return out;
  }

  /** `{ a = 1, b = "x" }` on one line, no trailing comma (TOML 1.0). */
  private inlineTable(): Table {
    const s = this.s;
    const out: Table = Object.create(null);
    const open = this.i++;
    this.spaces();
    if (s.charCodeAt(this.i) !== 0x7d) {
      for (;;) {
        this.spaces();
        this.keyValue(out);
        this.spaces();
        const c = s.charCodeAt(this.i);
        if (c === 0x7d) break;
        if (c !== 0x2c) throw GIVE_UP;
        this.i++;
      }
    }
    this.i++;
    // A newline inside the braces (in a multi-line value) is where TOML versions differ.
    const newline = s.indexOf('\n', open);
    if (newline >= 0 && newline < this.i) throw GIVE_UP;
    return out;
  }
}
