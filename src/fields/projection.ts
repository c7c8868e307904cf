import { canGenerateCode, INHERITED } from './codegen.js';

/**
 * Projections: a copy of a document holding only the fields some code reads, in the document's
 * own shape. Stateful rules keep thousands of candidates until the scan ends; a Defend document
 * has ~150 leaves while a rule's evaluation reads a handful, so candidates kept as projections
 * take a fraction of the memory (and of the disk when they spill).
 *
 * Equivalence with the whole document is what matters: every getter of `field-path` reads the
 * same value from the projection as from the original. So spellings are kept as they are — a
 * dotted key (`"process.name"`) stays dotted, nested objects stay nested, arrays keep their
 * elements (objects in them projected alike) — and a wanted path keeps its whole value.
 */

type Doc = Record<string, unknown>;

interface Node {
  /** A wanted path ends here: keep the whole value. */
  keep: boolean;
  children: Map<string, Node>;
}

export type Projection = (doc: Doc) => Doc;

export function compileProjection(paths: Iterable<string>): Projection {
  const list = [...paths];
  // Generated on first use: every stateful rule of a big rule set has a projection, and most
  // never keep a candidate (generating them all was ~70 ms of loading the Elastic corpus).
  let project: Projection | undefined;
  return (doc) => {
    if (project === undefined) {
      const root = trieOf(list);
      project = generatedProjection(root, trieOf(list, false)) ?? ((d) => projectObject(d, root));
    }
    return project(doc);
  };
}

/** For tests: the general projection, without the generated fast path. */
export function compileProjectionWithoutCodegen(paths: Iterable<string>): Projection {
  const root = trieOf(paths);
  return (doc) => projectObject(doc, root);
}

/** The paths as a trie; `prune`: a kept node stands for everything below it. */
function trieOf(paths: Iterable<string>, prune = true): Node {
  const root: Node = { keep: false, children: new Map() };
  for (const path of paths) {
    let node = root;
    for (const seg of path.split('.')) {
      if (node.keep && prune) break;
      let next = node.children.get(seg);
      if (!next) node.children.set(seg, (next = { keep: false, children: new Map() }));
      node = next;
    }
    node.keep = true;
    // Anything below a kept path is kept with it.
    if (prune) node.children.clear();
  }
  return root;
}

/*
 * Fast path. The general projection visits every key of every object on the way (a Defend
 * document has ~20 at the root and dozens under `process`), looking each up in the trie; most
 * documents are plain nested JSON, where reading just the wanted keys gives the same result.
 * The generated function does that, one property read site per key (as field-path's getters
 * do), and hands the whole document to the general projection as soon as it meets what only
 * that handles: a dotted spelling of a wanted path at some level (probed like the getters probe
 * them) or an array on the way to a wanted leaf. So each wanted path reads the same from either;
 * a path below a wanted one but not wanted itself may differ when the document spells it with
 * dots (`{"a": {"b.c": 1}}` for a wanted `a.b`) — the general projection keeps such keys.
 * `full` is the trie of the wanted paths unpruned: the probes cover paths under kept ones.
 */
function generatedProjection(root: Node, full: Node): Projection | undefined {
  if (!canGenerateCode() || root.keep) return undefined;
  let unsafe = false;
  let vars = 0;
  const lit = (s: string) => JSON.stringify(s);
  const lines: string[] = [];
  /** Hand the document to the general projection when `src` spells a path below `at` with dots. */
  const probe = (at: Node, src: string) => {
    const probes = dotted(at);
    if (probes.length) lines.push(`if (${probes.map((k) => `${src}[${lit(k)}] !== undefined`).join(' || ')}) return slow(doc);`);
  };
  /** Code filling `dst` (created on first use) from object `src` by `node`'s children. */
  const emit = (node: Node, at: Node, src: string, dst: string, lazy: boolean) => {
    probe(at, src);
    const put = (key: string, val: string) => lines.push(lazy ? `(${dst} ??= {})[${lit(key)}] = ${val};` : `${dst}[${lit(key)}] = ${val};`);
    for (const [key, child] of node.children) {
      if (INHERITED.has(key)) unsafe = true;
      const v = `v${vars++}`;
      lines.push(`const ${v} = ${src}[${lit(key)}];`);
      if (child.keep) {
        lines.push(`if (${v} !== undefined) {`);
        put(key, v);
        lines.push('}');
        continue;
      }
      const o = `o${vars++}`;
      lines.push(`if (typeof ${v} === "object" && ${v} !== null) {`);
      lines.push(`if (isArray(${v})) return slow(doc);`);
      lines.push(`let ${o};`);
      const childAt = at.children.get(key) as Node;
      if ([...child.children.values()].every((c) => c.keep)) leaves(child, childAt, v, o);
      else emit(child, childAt, v, o, true);
      lines.push(`if (${o} !== undefined) {`);
      put(key, o);
      lines.push('}', '}');
    }
  };
  /**
   * An object of wanted leaves (`host` for host.id, host.name): the object built last time is
   * reused when every leaf is the same value. Candidates of one host then share one `host`, and
   * the strings of each new document's copy die young instead of being kept (and copied by
   * every young-generation GC) once per candidate. Projections are only read, never written.
   */
  const leaves = (node: Node, at: Node, src: string, dst: string) => {
    probe(at, src);
    const names = [...node.children.keys()];
    if (names.some((k) => INHERITED.has(k))) unsafe = true;
    const vals = names.map((k) => {
      const a = `a${vars++}`;
      lines.push(`const ${a} = ${src}[${lit(k)}];`);
      return a;
    });
    const last = `last[${memos++}]`;
    lines.push(`if (${vals.map((a) => `${a} !== undefined`).join(' || ')}) {`);
    lines.push(`${dst} = ${last};`);
    lines.push(`if (${dst} === undefined || ${vals.map((a, i) => `${dst}[${lit(names[i])}] !== ${a}`).join(' || ')}) {`);
    lines.push(`${dst} = {};`);
    vals.forEach((a, i) => lines.push(`if (${a} !== undefined) ${dst}[${lit(names[i])}] = ${a};`));
    lines.push(`${last} = ${dst};`, '}', '}');
  };
  let memos = 0;
  lines.push('const out = {};');
  emit(root, full, 'doc', 'out', false);
  lines.push('return out;');
  if (unsafe) return undefined; // a segment such as `constructor` would read the prototype
  const factory = new Function('isArray', 'slow', 'last', `"use strict"; return function project(doc) {\n${lines.join('\n')}\n};`);
  return factory(Array.isArray, (doc: Doc) => projectObject(doc, root), []) as Projection;
}

/** Every dotted spelling, at `node`, of a path below it: `a.b` and `a.b.c` for a wanted `a.b.c`. */
function dotted(node: Node): string[] {
  const out: string[] = [];
  const visit = (n: Node, prefix: string) => {
    for (const [key, child] of n.children) {
      const spelled = `${prefix}.${key}`;
      out.push(spelled);
      visit(child, spelled);
    }
  };
  for (const [key, child] of node.children) visit(child, key);
  return out;
}

function projectObject(obj: Doc, node: Node): Doc {
  const out: Doc = {};
  for (const key in obj) {
    const at = walk(node, key);
    if (!at) continue;
    const value = obj[key];
    if (at.keep) out[key] = value;
    else if (value !== null && typeof value === 'object') {
      const p = projectValue(value, at);
      if (p !== undefined) out[key] = p;
    }
  }
  return out;
}

function projectValue(value: object, node: Node): unknown {
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      out[i] = v !== null && typeof v === 'object' ? projectValue(v, node) ?? {} : v;
    }
    return out;
  }
  const p = projectObject(value as Doc, node);
  for (const _ in p) return p;
  return undefined;
}

/** The trie node a key leads to; a dotted key walks one segment per part. */
function walk(node: Node, key: string): Node | undefined {
  if (key.indexOf('.') === -1) return node.children.get(key);
  let at: Node | undefined = node;
  for (const seg of key.split('.')) {
    at = at.children.get(seg);
    if (!at || at.keep) return at;
  }
  return at;
}
