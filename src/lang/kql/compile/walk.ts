/** Every leaf value of a document, with its dotted path (arrays add no path segment). */
export type LeafVisitor = (path: string, value: unknown) => boolean | void;

/** Calls `visit` for each non-null leaf; stops early when it returns true. Returns whether it stopped. */
export function walkLeaves(node: unknown, visit: LeafVisitor, prefix = ''): boolean {
  if (node === null || node === undefined) return false;
  if (Array.isArray(node)) {
    for (const e of node) if (walkLeaves(e, visit, prefix)) return true;
    return false;
  }
  if (typeof node === 'object') {
    for (const key of Object.keys(node)) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      if (walkLeaves((node as Record<string, unknown>)[key], visit, path)) return true;
    }
    return false;
  }
  return visit(prefix, node) === true;
}

/** True when any leaf anywhere in the document passes `test` (free text). */
export function anyLeaf(node: unknown, test: (v: unknown) => boolean): boolean {
  if (node === null || node === undefined) return false;
  if (Array.isArray(node)) {
    for (const e of node) if (anyLeaf(e, test)) return true;
    return false;
  }
  if (typeof node === 'object') {
    for (const key of Object.keys(node)) if (anyLeaf((node as Record<string, unknown>)[key], test)) return true;
    return false;
  }
  return test(node);
}
