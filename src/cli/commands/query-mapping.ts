import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { MappingError, readMappingFile, type FieldMapping } from '../../fields/mapping.js';
import { UsageError } from '../output.js';

/** One `--mapping [GLOB=]FILE`. */
export interface MappingArg {
  arg: string;
  mapping: FieldMapping;
  /** Whether it applies to an evidence file (its path as read, and real path). */
  applies: (file: string, real: string | undefined) => boolean;
  used: boolean;
}

/**
 * `--mapping [GLOB=]FILE` values, loaded. The value splits at its last `=` (a GLOB may name
 * `host=web-01/` directories; a mapping file name may not hold `=`). GLOB is read as EVIDENCE
 * is: a file, a directory (every file under it), a glob (expanded by fast-glob, as evidence
 * globs are), or `-` for stdin. Without GLOB the mapping applies to every file.
 */
export async function loadMappingArgs(values: string[]): Promise<MappingArg[]> {
  const out: MappingArg[] = [];
  for (const arg of values) {
    const eq = arg.lastIndexOf('=');
    const glob = eq > 0 ? arg.slice(0, eq) : undefined;
    const file = eq >= 0 ? arg.slice(eq + 1) : arg;
    if (file === '') throw new UsageError(`--mapping ${arg}: no mapping file (use [GLOB=]FILE)`);
    let mapping: FieldMapping;
    try {
      mapping = readMappingFile(file);
    } catch (err) {
      if (err instanceof MappingError) throw new UsageError(`--mapping: ${err.message}`);
      throw err;
    }
    out.push({ arg, mapping, applies: glob === undefined ? () => true : await matcher(glob), used: false });
  }
  return out;
}

async function matcher(glob: string): Promise<MappingArg['applies']> {
  if (glob === '-') return (file) => file === '<stdin>';
  const fg = (await import('fast-glob')).default;
  if (fg.isDynamicPattern(glob)) {
    const files = await fg(glob, { onlyFiles: true, dot: false, suppressErrors: true, followSymbolicLinks: false });
    const reals = new Set(files.map(real).filter((p): p is string => p !== undefined));
    return (_, r) => r !== undefined && reals.has(r);
  }
  const target = real(glob);
  if (target === undefined) return () => false;
  if (statSync(target).isDirectory()) {
    const prefix = target.endsWith(path.sep) ? target : target + path.sep;
    return (_, r) => r !== undefined && r.startsWith(prefix);
  }
  return (_, r) => r === target;
}

function real(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

/**
 * The mapping an evidence file is read through: the last `--mapping` that applies to it wins;
 * none, and the file is read as it is.
 */
export function mappingFor(file: string, mappings: MappingArg[]): FieldMapping | undefined {
  const r = file === '<stdin>' ? undefined : real(file);
  for (let i = mappings.length - 1; i >= 0; i--) {
    const m = mappings[i];
    if (m.applies(file, r)) {
      m.used = true;
      return m.mapping;
    }
  }
  return undefined;
}
