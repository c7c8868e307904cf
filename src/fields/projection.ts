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
  const root: Node = { keep: false, children: new Map() };
  for (const path of paths) {
    let node = root;
    for (const seg of path.split('.')) {
      if (node.keep) break;
      let next = node.children.get(seg);
      if (!next) node.children.set(seg, (next = { keep: false, children: new Map() }));
      node = next;
    }
    node.keep = true;
    // Anything below a kept path is kept with it.
    node.children.clear();
  }
  return (doc) => projectObject(doc, root);
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
