import { canGenerateCode, INHERITED } from './codegen.js';

/**
 * Compiled ECS field access. A path like `process.parent.name` must resolve against nested
 * objects, dotted keys (`{"process.parent.name": x}`) and any mix of the two, because exports
 * from Beats, Defend and elasticdump differ in how they flatten. Arrays anywhere along the path
 * yield every element: callers get a multi-value.
 *
 * The getter returns:
 *  - `undefined` when nothing is at the path (a JSON `null` leaf counts as missing, like an
 *    unindexed null in Elasticsearch);
 *  - the single value when exactly one value was found;
 *  - an array (flattened, nulls removed) when the path crossed an array or found several values.
 *    A one-element array at the leaf is returned as that array: callers that need a scalar
 *    should use `toValues`.
 */
export type FieldGetter = (doc: unknown) => unknown;

const hasOwn = Object.prototype.hasOwnProperty;

const cache = new Map<string, FieldGetter>();
const rawCache = new Map<string, FieldGetter>();

export function compileField(path: string): FieldGetter {
  let getter = cache.get(path);
  if (!getter) {
    getter = build(path, false);
    cache.set(path, getter);
  }
  return getter;
}

/**
 * Like compileField, for callers that scan every value themselves (query predicates): when
 * the path ends in an array, that array may be returned as found, nulls and nested arrays
 * included, instead of being checked and flattened first. Such a caller must skip nulls and
 * descend into nested arrays; `[]` and `[null]` mean "no value", so existence checks need
 * compileField. Saves a pass over array leaves (event.category, process.args) per read.
 */
export function compileFieldRaw(path: string): FieldGetter {
  let getter = rawCache.get(path);
  if (!getter) {
    getter = build(path, true);
    rawCache.set(path, getter);
  }
  return getter;
}

/** All values at `path` as a flat list (empty when missing). */
export function toValues(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function readKey(obj: Record<string, unknown>, key: string, guarded: boolean): unknown {
  if (guarded && !hasOwn.call(obj, key)) return undefined;
  return obj[key];
}

function build(path: string, raw: boolean): FieldGetter {
  const segs = path.split('.');
  const n = segs.length;
  // keys[i][j]: segments i..j joined with dots, so per-event work never concatenates strings.
  const keys: string[][] = [];
  const guard: boolean[][] = [];
  for (let i = 0; i < n; i++) {
    keys.push([]);
    guard.push([]);
    for (let j = i; j < n; j++) {
      const k = segs.slice(i, j + 1).join('.');
      keys[i][j] = k;
      guard[i][j] = INHERITED.has(k);
    }
  }

  function collectAll(items: unknown[], from: number): unknown {
    const out: unknown[] = [];
    for (const item of items) {
      if (!Array.isArray(item)) {
        pushResult(out, walk(item, from));
        continue;
      }
      // Arrays in arrays (rare) are walked as one list of their values: walking recurses once
      // per path segment, never once per level of array nesting.
      const values: unknown[] = [];
      flatten(item, values);
      for (const v of values) pushResult(out, walk(v, from));
    }
    return finish(out);
  }

  // The general resolution of segments [from..n) against `node`: the nested key and every
  // longer dotted key at each level, all merged. The fast getters below defer to it as soon
  // as a document leaves the plain nested shape.
  function walk(node: unknown, from: number): unknown {
    if (node === null || typeof node !== 'object') return undefined;
    if (Array.isArray(node)) return collectAll(node, from);
    const obj = node as Record<string, unknown>;
    const row = keys[from];
    const grow = guard[from];
    let found: unknown = undefined;
    let many: unknown[] | undefined;
    for (let j = from; j < n; j++) {
      const v = readKey(obj, row[j], grow[j]);
      if (v === undefined) continue;
      const r = j === n - 1 ? normalizeLeaf(v) : walk(v, j + 1);
      if (r === undefined) continue;
      if (found === undefined) {
        found = r;
      } else {
        many ??= [];
        if (many.length === 0) pushResult(many, found);
        pushResult(many, r);
      }
    }
    return many ? finish(many) : found;
  }

  return generatedGetter(keys, guard, walk, raw) ?? loopGetter(keys, guard, walk, raw);
}

/*
 * Fast path. Almost every event is plain nested JSON, so the getter reads one key per level
 * and, at each level, checks that none of the longer dotted spellings of the rest of the path
 * is present (`process.name` while standing at the root). Those checks are what keep results
 * identical to `walk`: only when one of them hits, or an array is crossed, does the getter
 * hand the current object to `walk`, which then sees exactly the keys it would have seen from
 * the root (every earlier level had a single way forward). A miss needs no fallback: with no
 * dotted spelling at any level crossed so far, nothing else can lead to a value.
 *
 * The dotted spellings contain a dot, so they can never name an Object.prototype member and
 * are read without an own-property guard; single segments such as `constructor` are guarded.
 */
type Walk = (node: unknown, from: number) => unknown;

/** Set by compileFieldWithoutCodegen while it builds a getter on the loop path. */
let loopOnly = false;

/**
 * One function per path, generated from its segments: every property read is its own site
 * with its own inline cache, which is what makes hand-written `doc.process?.name` fast. A
 * closure interpreting a segment list shares one megamorphic site across all paths and levels.
 * Keys are embedded through JSON.stringify, so a field name can never become code.
 */
function generatedGetter(keys: string[][], guard: boolean[][], walk: Walk, raw: boolean): FieldGetter | undefined {
  if (loopOnly || !canGenerateCode()) return undefined;
  const n = keys.length;
  const lit = (s: string) => JSON.stringify(s);
  const lines: string[] = ['let o = doc;'];
  for (let i = 0; i < n; i++) {
    lines.push('if (typeof o !== "object" || o === null) return undefined;');
    lines.push(`if (isArray(o)) return walk(o, ${i});`);
    const probes = [];
    for (let j = i + 1; j < n; j++) probes.push(`o[${lit(keys[i][j])}] !== undefined`);
    if (probes.length > 0) lines.push(`if (${probes.join(' || ')}) return walk(o, ${i});`);
    const k = lit(keys[i][i]);
    const read = guard[i][i] ? `(hasOwn.call(o, ${k}) ? o[${k}] : undefined)` : `o[${k}]`;
    lines.push(`o = ${read};`);
  }
  lines.push('if (o === null) return undefined;');
  lines.push(raw ? 'return o;' : 'return typeof o === "object" ? leaf(o) : o;');
  const factory = new Function('isArray', 'hasOwn', 'walk', 'leaf', `"use strict"; return function get(doc) {\n${lines.join('\n')}\n};`);
  return factory(Array.isArray, hasOwn, walk, normalizeLeaf) as FieldGetter;
}

/** The same fast path without code generation (for runtimes that forbid it). */
function loopGetter(keys: string[][], guard: boolean[][], walk: Walk, raw: boolean): FieldGetter {
  const n = keys.length;
  const seg = keys.map((row, i) => row[i]);
  const segGuard = guard.map((row, i) => row[i]);
  const probes = keys.map((row, i) => row.slice(i + 1));
  return (doc) => {
    let o = doc;
    for (let i = 0; i < n; i++) {
      if (typeof o !== 'object' || o === null) return undefined;
      if (Array.isArray(o)) return walk(o, i);
      const obj = o as Record<string, unknown>;
      const alts = probes[i];
      for (let a = 0; a < alts.length; a++) if (obj[alts[a]] !== undefined) return walk(o, i);
      o = readKey(obj, seg[i], segGuard[i]);
    }
    if (o === null) return undefined;
    return raw || typeof o !== 'object' ? o : normalizeLeaf(o);
  };
}

/** For tests: build a getter on the non-generated path. */
export function compileFieldWithoutCodegen(path: string, raw = false): FieldGetter {
  loopOnly = true;
  try {
    return build(path, raw);
  } finally {
    loopOnly = false;
  }
}

function normalizeLeaf(v: unknown): unknown {
  if (v === null) return undefined;
  if (Array.isArray(v)) {
    let flat = true;
    for (const e of v) {
      if (e === null || Array.isArray(e)) {
        flat = false;
        break;
      }
    }
    if (flat) return v.length === 0 ? undefined : v;
    const out: unknown[] = [];
    flatten(v, out);
    return out.length === 0 ? undefined : out;
  }
  return v;
}

/** Nested arrays' values, in order, nulls left out. */
function flatten(v: unknown[], out: unknown[], depth = 0): void {
  for (const e of v) {
    if (e === null || e === undefined) continue;
    if (!Array.isArray(e)) out.push(e);
    // Evidence may nest arrays thousands deep (a hostile or broken export): recursing per level
    // overflowed the stack mid-scan. Past a depth no real document reaches, a loop takes over.
    else if (depth < MAX_RECURSION) flatten(e, out, depth + 1);
    else flattenDeep(e, out);
  }
}

const MAX_RECURSION = 32;

function flattenDeep(v: unknown[], out: unknown[]): void {
  const arrays: unknown[][] = [v];
  const next: number[] = [0];
  while (arrays.length > 0) {
    const top = arrays.length - 1;
    const a = arrays[top];
    const i = next[top];
    if (i === a.length) {
      arrays.pop();
      next.pop();
      continue;
    }
    next[top] = i + 1;
    const e = a[i];
    if (e === null || e === undefined) continue;
    if (Array.isArray(e)) {
      arrays.push(e);
      next.push(0);
    } else out.push(e);
  }
}

function pushResult(out: unknown[], r: unknown): void {
  if (r === undefined) return;
  if (Array.isArray(r)) for (const e of r) out.push(e);
  else out.push(r);
}

function finish(out: unknown[]): unknown {
  if (out.length === 0) return undefined;
  return out;
}

/** One-off lookup (compiles and caches the path). */
export function getField(doc: unknown, path: string): unknown {
  return compileField(path)(doc);
}
