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
/** Keys that plain objects inherit: looking them up must not return Object.prototype members. */
const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));

const cache = new Map<string, FieldGetter>();

export function compileField(path: string): FieldGetter {
  let getter = cache.get(path);
  if (!getter) {
    getter = build(path);
    cache.set(path, getter);
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

function build(path: string): FieldGetter {
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

  if (n === 1) {
    const k = segs[0];
    const g = INHERITED.has(k);
    return (doc) => {
      if (doc === null || typeof doc !== 'object') return undefined;
      if (Array.isArray(doc)) return collectAll(doc, 0);
      return normalizeLeaf(readKey(doc as Record<string, unknown>, k, g));
    };
  }

  function collectAll(items: unknown[], from: number): unknown {
    const out: unknown[] = [];
    for (const item of items) pushResult(out, walk(item, from));
    return finish(out);
  }

  // Resolve segments [from..n) against `node`. Nested lookup first (the common shape), then
  // progressively longer dotted keys.
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

  return (doc) => walk(doc, 0);
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

function flatten(v: unknown[], out: unknown[]): void {
  for (const e of v) {
    if (e === null || e === undefined) continue;
    if (Array.isArray(e)) flatten(e, out);
    else out.push(e);
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
