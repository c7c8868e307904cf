import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import type { CompileOutcome } from '../engine/compiled-rule.js';
import type { RuleOutline } from '../engine/lazy-rule.js';
import { parseRuleToml, type Rule, type RuleLoadError } from '../rules/index.js';

/**
 * What compiling a rule came to, as plain data: a compiled rule as its outline (a thread with it
 * compiles the rule when an event first reaches it), a failure as it was.
 */
export type CachedOutcome = { ok: true; outline: RuleOutline } | Exclude<CompileOutcome, { ok: true }>;

interface Entry {
  parsed: { rule?: Rule; error?: RuleLoadError };
  outcome?: CachedOutcome;
}

export interface RuleCacheStats {
  /** Rule files whose parse came from the cache. */
  reused: number;
  /** Rule files parsed, and rules compiled, because the cache did not hold them. */
  parsed: number;
  compiled: number;
}

const FORMAT = 2;
/** At most this many entries are kept (this run's first, then earlier runs'): other rule packs stay cached. */
const MAX_ENTRIES = 20_000;

/**
 * The file: a 4-byte index length, the index (v8-serialised [key, offset, length] triples), then
 * each entry serialised on its own. A run reads the index and then only the entries of the rule
 * files it reads, each where it lies: a hunt with the 4 bundled rules must not pay for the 2,000
 * of a corpus hunted before (reading the whole 20 MB file was ~12-23 ms of a ~0.85 s hunt and
 * 20 MB of its peak RSS; deserialising it all, ~60 ms and ~45 MB of heap). The file stays open
 * until `close`: a concurrent hunt renaming its new cache into place leaves this run reading
 * the one it opened.
 */
interface Stored {
  fd: number;
  size: number;
  index: Map<string, { offset: number; length: number }>;
}

/**
 * Parsed rule files and what compiling them came to, kept between runs: reading and compiling
 * Elastic's ~2,000 rules is ~1.5-2 s of every hunt, and a responder reruns hunts with the same
 * rules many times. Only the outline of a compiled rule is kept (routing data); a thread compiles
 * the rule itself when the router first hands it an event, as worker threads always did.
 *
 * An entry is found by the file's path and exact text; the whole cache belongs to one build of
 * trawl (a fingerprint of its code) and one Node version, and to the compile options that shape
 * outlines. Anything unreadable is a miss: the cache can make a hunt start faster, never change
 * what it finds or make it fail.
 */
export class RuleCache {
  readonly stats: RuleCacheStats = { reused: 0, parsed: 0, compiled: 0 };
  private readonly keys = new WeakMap<Rule, string>();
  /** Entries this run read or made, by key; `fresh` holds those to serialise anew when saving. */
  private readonly used = new Map<string, Entry>();
  private readonly fresh = new Set<string>();
  /** Every entry is read into this one buffer: a buffer kept for each raised a corpus hunt's peak RSS ~14 MB. */
  private scratch = Buffer.alloc(0);

  private constructor(
    private readonly file: string,
    private stored: Stored | undefined,
  ) {}

  /** The cache for this build under `dir` (none without one); a cache that cannot be read starts empty. */
  static open(dir: string | undefined, options: { strictIndex: boolean }): RuleCache | undefined {
    if (dir === undefined) return undefined;
    const file = path.join(dir, `rules-${fingerprint(options)}.bin`);
    return new RuleCache(file, readStored(file));
  }

  /** loadRules' parser: the cached parse of this exact text at this path, else a fresh one. */
  readonly parse = (text: string, file: string): { rule?: Rule; error?: RuleLoadError } => {
    const key = createHash('sha1').update(file).update('\0').update(text).digest('base64');
    let entry = this.used.get(key) ?? this.storedEntry(key);
    if (entry) this.stats.reused++;
    else {
      this.stats.parsed++;
      entry = { parsed: parseRuleToml(text, file) };
      this.fresh.add(key);
    }
    this.used.set(key, entry);
    if (entry.parsed.rule) this.keys.set(entry.parsed.rule, key);
    return entry.parsed;
  };

  /** What compiling `rule` came to before, if this cache parsed it and it was compiled then. */
  outcome(rule: Rule): CachedOutcome | undefined {
    const key = this.keys.get(rule);
    return key === undefined ? undefined : this.used.get(key)?.outcome;
  }

  /**
   * The length of `rule`'s entry as this cache holds it, unless this run parsed or compiled it
   * anew: a worker decodes the entry itself (see rulesForWorkers), sparing the main thread a copy.
   */
  storedLength(rule: Rule): number | undefined {
    return this.storedAt(rule)?.length;
  }

  /** Copy `rule`'s entry (storedLength bytes) into `target` at `at`; false when it can no longer be read. */
  copyStored(rule: Rule, target: Uint8Array, at: number): boolean {
    const where = this.storedAt(rule);
    if (!where || !this.stored) return false;
    try {
      readInto(this.stored.fd, target.subarray(at, at + where.length), where.offset);
      return true;
    } catch {
      return false;
    }
  }

  private storedAt(rule: Rule): { offset: number; length: number } | undefined {
    const key = this.keys.get(rule);
    if (key === undefined || this.fresh.has(key)) return undefined;
    return this.stored?.index.get(key);
  }

  remember(rule: Rule, outcome: CachedOutcome): void {
    this.stats.compiled++;
    const key = this.keys.get(rule);
    const entry = key === undefined ? undefined : this.used.get(key);
    if (!entry || key === undefined) return;
    entry.outcome = outcome;
    this.fresh.add(key);
  }

  /**
   * Write what changed and close the file read. Written to a temporary file renamed into
   * place, so a concurrent hunt reads the old cache or the new one, never half of one. Caches of
   * other builds are removed (this build's other strict-index setting stays). A cache that cannot
   * be written costs the next run time, never this one its results: the failure is dropped.
   */
  close(): void {
    const stored = this.stored;
    this.stored = undefined;
    this.scratch = Buffer.alloc(0);
    try {
      if (this.fresh.size > 0) this.write(stored);
    } finally {
      if (stored) closeSync(stored.fd);
    }
  }

  private write(stored: Stored | undefined): void {
    const blobs: Buffer[] = [];
    const index: [string, number, number][] = [];
    let offset = 0;
    const add = (key: string, blob: Buffer) => {
      index.push([key, offset, blob.length]);
      blobs.push(blob);
      offset += blob.length;
    };
    // The old file is read whole only here, when something changed (a cold run, an edited
    // rule), never on a warm run: entries this run did not change go as they were, and other
    // rule packs' entries are kept.
    const old = stored && readOrUndefined(stored.fd, 0, stored.size);
    const oldAt = (key: string) => (old ? stored.index.get(key) : undefined);
    for (const [key, entry] of this.used) {
      const at = this.fresh.has(key) ? undefined : oldAt(key);
      add(key, at ? old!.subarray(at.offset, at.offset + at.length) : v8.serialize(entry));
    }
    for (const [key, at] of old ? stored.index : []) {
      if (index.length >= MAX_ENTRIES) break;
      if (!this.used.has(key)) add(key, old!.subarray(at.offset, at.offset + at.length));
    }
    const head = v8.serialize(index);
    const length = Buffer.alloc(4);
    length.writeUInt32LE(head.length);
    const dir = path.dirname(this.file);
    const temp = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(temp, Buffer.concat([length, head, ...blobs]), { mode: 0o600 });
      renameSync(temp, this.file);
      for (const f of readdirSync(dir)) {
        if (/^rules-.*\.bin$/.test(f) && !f.startsWith(`rules-${codeFingerprint()}-`)) rmSync(path.join(dir, f), { force: true });
      }
      this.fresh.clear();
    } catch {
      rmSync(temp, { force: true });
    }
  }

  private storedEntry(key: string): Entry | undefined {
    const at = this.stored?.index.get(key);
    if (!at || !this.stored) return undefined;
    try {
      if (this.scratch.length < at.length) this.scratch = Buffer.allocUnsafe(Math.max(at.length, 2 * this.scratch.length));
      const bytes = this.scratch.subarray(0, at.length);
      readInto(this.stored.fd, bytes, at.offset);
      // Deserialising copies what it reads (entries hold no buffers): the scratch is free again.
      const entry = v8.deserialize(bytes) as Entry;
      return entry && typeof entry === 'object' && entry.parsed && typeof entry.parsed === 'object' ? entry : undefined;
    } catch {
      return undefined;
    }
  }
}

/** A compiled rule as the bytes of a cache entry, for a worker to decode (see `storedLength`). */
export function encodeCompiled(rule: Rule, outline: RuleOutline): Buffer {
  const entry: Entry = { parsed: { rule }, outcome: { ok: true, outline } };
  return v8.serialize(entry);
}

/** The rule and outline of an entry that holds a compiled rule (what `copyStored` or `encodeCompiled` gave). */
export function decodeCompiled(bytes: Uint8Array): { rule: Rule; outline: RuleOutline } {
  const entry = v8.deserialize(bytes) as Entry;
  if (!entry?.parsed?.rule || entry.outcome?.ok !== true) throw new Error('rule cache entry without a compiled rule');
  return { rule: entry.parsed.rule, outline: entry.outcome.outline };
}

function readStored(file: string): Stored | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const headLength = readAt(fd, 0, 4).readUInt32LE(0);
    const raw: unknown = v8.deserialize(readAt(fd, 4, headLength));
    if (!Array.isArray(raw)) throw new Error('not a rule cache');
    const base = 4 + headLength;
    const index = new Map<string, { offset: number; length: number }>();
    for (const item of raw as unknown[]) {
      if (!Array.isArray(item) || typeof item[0] !== 'string' || !Number.isInteger(item[1]) || !Number.isInteger(item[2])) throw new Error('not a rule cache');
      const offset = base + (item[1] as number);
      const length = item[2] as number;
      if (offset + length > size) throw new Error('truncated');
      index.set(item[0], { offset, length });
    }
    return { fd, size, index };
  } catch {
    // Missing, truncated or from elsewhere: start empty.
    if (fd !== undefined) closeSync(fd);
    return undefined;
  }
}

function readOrUndefined(fd: number, offset: number, length: number): Buffer | undefined {
  try {
    return readAt(fd, offset, length);
  } catch {
    return undefined;
  }
}

/** Exactly `length` bytes at `offset`; throws when the file is shorter. */
function readAt(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  readInto(fd, buf, offset);
  return buf;
}

/** Fill `target` from the file at `offset`; throws when the file is shorter. */
function readInto(fd: number, target: Uint8Array, offset: number): void {
  let got = 0;
  while (got < target.length) {
    const n = readSync(fd, target, got, target.length - got, offset + got);
    if (n === 0) throw new Error('rule cache shorter than its index says');
    got += n;
  }
}

let codeHash: string | undefined;

/**
 * This build's code, the Node version and the options outlines depend on. The code is hashed
 * from the files themselves (the bundle, the tsc output or the sources, whichever is running):
 * a rebuild after any change, even without a version bump, gets a cache of its own.
 */
function fingerprint(options: { strictIndex: boolean }): string {
  return `${codeFingerprint()}-${options.strictIndex ? 'strict' : 'open'}`;
}

function codeFingerprint(): string {
  if (codeHash === undefined) {
    const here = path.dirname(fileURLToPath(import.meta.url));
    const root = path.basename(here) === 'hunt' ? path.dirname(here) : here;
    const hash = createHash('sha1').update(`${FORMAT}\0${process.version}\0`);
    for (const file of codeFiles(root)) hash.update(file.slice(root.length)).update('\0').update(readFileSync(file));
    codeHash = hash.digest('hex').slice(0, 16);
  }
  return codeHash;
}

function codeFiles(dir: string): string[] {
  const out: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...codeFiles(p));
    else if (/\.(js|ts|txt)$/.test(e.name)) out.push(p);
  }
  return out;
}
