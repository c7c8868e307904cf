import { text } from './hit-facts.js';

/** `field: value` lines of a document, keys sorted; arrays of scalars on one line. */
export function flattenDoc(doc: unknown, limit = 5000): string[] {
  const out: string[] = [];
  const walk = (v: unknown, path: string) => {
    if (out.length >= limit) return;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v).sort();
      if (keys.length === 0 && path) out.push(`${path}: {}`);
      for (const k of keys) walk((v as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      return;
    }
    if (Array.isArray(v) && v.some((e) => e && typeof e === 'object')) {
      v.forEach((e, i) => walk(e, `${path}[${i}]`));
      return;
    }
    out.push(`${path}: ${Array.isArray(v) ? `[${v.map(text).join(', ')}]` : v === null ? 'null' : text(v)}`);
  };
  walk(doc, '');
  return out;
}
