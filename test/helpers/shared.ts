import { existsSync } from 'node:fs';
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
