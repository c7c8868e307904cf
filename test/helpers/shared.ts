import { existsSync, readdirSync, type Dirent } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** ../shared beside the project: present in CI and dev sessions, absent on a user's fresh clone. */
export const SHARED = path.resolve(fileURLToPath(new URL('../../../shared', import.meta.url)));
export const HAS_SHARED = existsSync(SHARED);

/**
 * `skip` option for tests that read ../shared: a visible reason in the runner's output when the
 * folder is absent, false (run) otherwise.
 */
export function needsShared(sub = ''): string | false {
  const p = path.join(SHARED, sub);
  return existsSync(p) ? false : `skipped: ${p} is absent (conformance data ships only beside the project)`;
}

export function sharedPath(...parts: string[]): string {
  return path.join(SHARED, ...parts);
}

/** Every .toml file under `dir`, depth first in directory order; [] when `dir` is absent. */
export function tomlFiles(dir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...tomlFiles(p));
    else if (e.name.endsWith('.toml')) out.push(p);
  }
  return out;
}
