import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (where package.json is), whether running from dist/ or from src/ via tsx. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot locate the trawl package root');
    dir = up;
  }
  return dir;
}

/** The rules shipped with trawl: the default for `--rules`. */
export function bundledRulesDir(): string {
  return path.join(packageRoot(), 'rules');
}

export function packageVersion(): string {
  try {
    return JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * Where parsed and compiled rules are kept between runs (see hunt/rule-cache.ts): TRAWL_CACHE_DIR,
 * else the XDG cache directory. undefined when TRAWL_CACHE_DIR is `off`.
 */
export function ruleCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const own = env['TRAWL_CACHE_DIR'];
  if (own === 'off') return undefined;
  if (own) return own;
  return path.join(env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache'), 'trawl');
}
