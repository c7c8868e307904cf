/**
 * A line gate decides, before a line is decoded and parsed, whether it can matter: with few
 * rules most events meet none of them, and JSON.parse of a whole 2-6 KB document was nearly all
 * of such a hunt's time. The gate's question is answered from a small projection of the line —
 * only the fields the router reads — made by the optional native reader (native/line_gate.cc)
 * straight from the bytes.
 *
 * The native reader is built by `npm install` when a C++ toolchain is present; without it (or
 * with TRAWL_NATIVE=off) there is no gate and every line is parsed, with the same results.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LineGate {
  /**
   * Undefined: parse bytes [start, end) of `buf` as usual (always when in doubt, malformed lines
   * included: the ordinary path reports them). Otherwise the line is certainly a JSON object that
   * no rule can match, and this projection of its document (an Elasticsearch hit's _source)
   * stands for it (see TrawlEvent.screened).
   */
  screen(buf: Buffer, start: number, end: number): Record<string, unknown> | undefined;
}

/** The fields of a line that a gate decides on, read without parsing the rest. */
export interface FieldProjector {
  /**
   * The wanted fields of the JSON object in [start, end) as JSON text, whose JSON.parse is shaped
   * as the line's own (nested objects, dotted keys and arrays as they are, values exactly as
   * JSON.parse gives them), or undefined when only the ordinary path can tell (malformed or
   * non-ASCII lines, escaped keys, long integers, _search responses). Lines with the same
   * wanted values give the same text.
   *
   * A text met before (since the last `forget`) comes back as its number instead: how many texts
   * `see` had returned before it (0, 1, …). Lines of a hunt mostly repeat an earlier projection
   * (the same command on many hosts), and a number spares making the string and hashing it again
   * to look it up. A caller keeps what it makes of the n-th text at n.
   */
  see(buf: Buffer, start: number, end: number): string | number | undefined;
  /** `see` starts afresh: its next text is number 0. */
  forget(): void;
}

interface NativeLineGate {
  compile(paths: string[]): unknown;
  see(fields: unknown, buf: Buffer, start: number, end: number): string | number | undefined;
  forget(fields: unknown): void;
}

/** Where `npm run build` leaves the native reader, under the package root (scripts/build-native.ts). */
export const NATIVE_ADDON = 'native/build/Release/line_gate.node';

let addon: NativeLineGate | null | undefined;

/** The native reader, or null when it is not built or turned off. */
export function nativeLineGate(): NativeLineGate | null {
  if (addon !== undefined) return addon;
  addon = null;
  if (process.env['TRAWL_NATIVE'] === 'off') return addon;
  // This module runs from src/input (tsx), dist/src/input or dist/bundle: the addon is found
  // under the package root above it.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 4; up++, dir = path.dirname(dir)) {
    const file = path.join(dir, NATIVE_ADDON);
    if (!existsSync(file)) continue;
    try {
      addon = createRequire(import.meta.url)(file) as NativeLineGate;
    } catch {
      // Built for another Node or platform: the ordinary path serves.
    }
    break;
  }
  return addon;
}

/**
 * A projector of `fields`, or undefined without the native reader. Elasticsearch hits are
 * projected too: the same fields under `_source`, with `_index` and `_id` (see hitParts).
 */
export function fieldProjector(fields: readonly string[]): FieldProjector | undefined {
  const native = nativeLineGate();
  if (!native) return undefined;
  const compiled = native.compile([...fields, ...fields.map((f) => `_source.${f}`), '_index', '_id']);
  return {
    see: (buf, start, end) => native.see(compiled, buf, start, end),
    forget: () => native.forget(compiled),
  };
}
