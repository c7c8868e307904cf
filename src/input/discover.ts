import { readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type FastGlob from 'fast-glob';
import type { EvidenceFile } from './read-file.js';
import type { SkipLedger } from './skips.js';

/**
 * Every pattern fast-glob calls dynamic holds one of these; plain paths (the usual case) never
 * load it, which saves a hunt's start-up the time to load fast-glob and its dependencies.
 */
const MAYBE_GLOB = /[\\*?![({]/;
let fastGlob: Promise<typeof FastGlob> | undefined;
const loadFastGlob = () => (fastGlob ??= import('fast-glob').then((m) => m.default));

/** Files a directory walk passes over: they are never evidence (rule packs, docs, dotfiles). */
const NOT_EVIDENCE = /(^\.)|\.(md|toml|ya?ml|ts|js|sh|py)$/i;

/**
 * Resolve paths to evidence files: files as given, directories recursively (symlinks followed,
 * loops detected), globs via fast-glob, and '-' for stdin. Sorted and de-duplicated by file
 * identity. Missing or unreadable paths and directories without evidence go to the ledger.
 *
 * The file system is asked synchronously: each asynchronous call waits a turn of libuv's thread
 * pool, and a dump of 4,350 small files took 570 ms to list that way (a realpath and a stat per
 * file, one after the other), longer than scanning them; the page cache answers in microseconds.
 */
export async function discoverEvidence(paths: string[], ledger: SkipLedger): Promise<EvidenceFile[]> {
  const found = new Map<string, EvidenceFile>();
  let stdin = false;
  const add = (p: string) => {
    try {
      // The same file reached twice (a symlink, a hard link, a path given twice) has one identity:
      // its device and inode, from the stat we need anyway (a realpath per file was 7 % of
      // hunting 4,350 small files). A file system without inode numbers falls back to real paths.
      const st = statSync(p);
      const id = st.ino ? `${st.dev}:${st.ino}` : realPath(p);
      if (found.has(id)) return;
      found.set(id, { path: p, size: st.size });
    } catch (err) {
      ledger.add('unreadable-file', { file: p, message: describe(err) });
    }
  };
  for (const p of paths) {
    if (p === '-') {
      stdin = true;
      continue;
    }
    const fg = MAYBE_GLOB.test(p) ? await loadFastGlob() : undefined;
    if (fg?.isDynamicPattern(p)) {
      const matches = await fg(p, { onlyFiles: true, dot: false, suppressErrors: true, followSymbolicLinks: false });
      if (matches.length === 0) ledger.add('no-evidence', { file: p, message: 'the pattern matches no file' });
      for (const m of matches.sort()) add(m);
      continue;
    }
    let st;
    try {
      st = statSync(p);
    } catch (err) {
      ledger.add('unreadable-file', { file: p, message: describe(err) });
      continue;
    }
    if (st.isDirectory()) {
      const before = found.size;
      walk(p, new Set(), ledger, add);
      if (found.size === before) ledger.add('no-evidence', { file: p, message: 'the directory holds no evidence files' });
    } else {
      add(p);
    }
  }
  const files = [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (stdin) files.push({ path: '-', size: 0 });
  return files;
}

function walk(dir: string, seen: Set<string>, ledger: SkipLedger, add: (p: string) => void): void {
  let id: string;
  try {
    const st = statSync(dir);
    id = `${st.dev}:${st.ino}`;
  } catch (err) {
    ledger.add('unreadable-file', { file: dir, message: describe(err) });
    return;
  }
  if (seen.has(id)) return; // a symlink loop, or a directory reached twice
  seen.add(id);
  let listed;
  try {
    listed = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    ledger.add('unreadable-file', { file: dir, message: describe(err) });
    return;
  }
  const entries: { name: string; full: string; dir: boolean; link: boolean }[] = [];
  for (const e of listed) {
    if (e.name.startsWith('.')) continue;
    entries.push({ name: e.name, full: path.join(dir, e.name), dir: e.isDirectory(), link: e.isSymbolicLink() });
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    let isDir = e.dir;
    if (e.link) {
      try {
        isDir = statSync(e.full).isDirectory();
      } catch (err) {
        ledger.add('unreadable-file', { file: e.full, message: describe(err) });
        continue;
      }
    }
    if (isDir) walk(e.full, seen, ledger, add);
    else if (!NOT_EVIDENCE.test(e.name)) add(e.full);
  }
}

/**
 * The real path of `p`; a name that has none but can be read stands for itself: /dev/fd/N of a
 * pipe (`trawl hunt <(zcat dump.gz)`) links to "pipe:[…]", which realpath cannot resolve.
 */
function realPath(p: string): string {
  try {
    return realpathSync.native(p);
  } catch (err) {
    try {
      statSync(p);
    } catch {
      throw err;
    }
    return path.resolve(p);
  }
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    default:
      return e.message ?? String(err);
  }
}
