import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import path from 'node:path';
import { SpillDir } from '../engine/candidates/spill-dir.js';
import { sourcesOf, type Hit } from '../engine/hit.js';
import { hostOf } from '../fields/index.js';
import type { Provenance, TrawlEvent } from '../input/event.js';
import { parseDocuments } from '../input/ndjson-lines.js';
import { readEvidenceFile } from '../input/read-file.js';
import { NO_STAGE, type ProgressStage } from '../input/progress.js';
import { SkipLedger } from '../input/skips.js';
import { defaultMaxMemory, planMemory } from './memory-budget.js';

type Doc = Record<string, unknown>;
/** Files, then lines, wanted again. */
type Wanted = Map<string, Set<number>>;

/**
 * Stateful rules evaluated projections of their candidates (the fields they read); a hit shows
 * the whole document, so those hits' documents are read back from the evidence by line — one
 * pass per file holding such a hit, parsing only the wanted lines. Returns how many documents
 * could not be found again (the evidence changed since the scan); those hits keep the projection.
 */
export async function readBackDocuments(hits: readonly Hit[], projected: ReadonlySet<string>, stage: (files: number) => ProgressStage = () => NO_STAGE): Promise<number> {
  const mine = hits.filter((h) => readsBack(h, projected));
  const wanted = wantedLines(mine);
  if (wanted.size === 0) return 0;
  const docs: ByLine<Doc> = new Map();
  await readLines(wanted, stage, (file, { line, doc }) => addAt(docs, file, line, doc));
  const found = { missing: 0 };
  for (const h of mine) fill(h, (p) => docs.get(p.file)?.get(p.line), found);
  return found.missing;
}

/** The summary's warning when read-back found `n` documents no more. */
export function missingDocumentsWarning(n: number): string {
  return `${n} hit document(s) could not be read back from the evidence (changed since the scan?); those hits show only the fields their rules read`;
}

export interface InOrderOptions {
  /** The memory budget (`--max-memory`; default defaultMaxMemory()): documents' text is held in memory up to the hits' share of it, then waits in a temporary file. */
  maxMemory?: number;
  /** That share in bytes, set directly (tests). */
  budget?: number;
  /** Parent of that file's directory; default the OS temp dir. */
  tempDir?: string;
  stage?: (files: number) => ProgressStage | Promise<ProgressStage>;
  /** Told, once every hit has passed, how many documents could not be found again (when any). */
  onMissing?: (n: number) => void;
}

/**
 * `hits` in their order, each with its whole documents, for a caller that writes hits as they
 * come. The same read-back as readBackDocuments, in one pass over the evidence, but what it reads
 * is kept as text (in memory up to `budget`, then in a temporary file), and each hit's documents
 * are parsed on a copy of the hit when its turn comes: `hits` keep their projections, so millions
 * of hits cost their places, not their documents.
 */
export async function* readBackInOrder(hits: readonly Hit[], projected: ReadonlySet<string>, o: InOrderOptions): AsyncGenerator<Hit> {
  const wanted = projected.size === 0 ? new Map() : wantedLines(hits.filter((h) => readsBack(h, projected)));
  if (wanted.size === 0) {
    yield* hits;
    return;
  }
  const vault = new TextVault(o.budget ?? planMemory(o.maxMemory ?? defaultMaxMemory(), 1).hitBytes, o.tempDir);
  try {
    // NDJSON lines are kept as read, parsed when their hit's turn comes: parsing them here only to
    // stringify them again for the vault was a fifth of writing a million-hit hunt.
    const put = (file: string, ev: TrawlEvent) => (ev.text !== undefined ? vault.put(file, ev.line, ev.text, true) : vault.put(file, ev.line, JSON.stringify(ev.doc), false));
    await readLines(wanted, o.stage ?? (() => NO_STAGE), put, true);
    const found = { missing: 0 };
    for (const h of hits) {
      if (!readsBack(h, projected)) {
        yield h;
        continue;
      }
      // A copy: `hits` stays a list of projections, so documents go when the caller is done with them.
      const whole = { ...h };
      fill(whole, (p) => vault.get(p.file, p.line), found);
      yield whole;
    }
    if (found.missing > 0) o.onMissing?.(found.missing);
  } finally {
    vault.close();
  }
}

/** Values by file and line: one, or a line's several (a `_search` response's hits share its number). */
type ByLine<T> = Map<string, Map<number, T | T[]>>;

function addAt<T>(byFile: ByLine<T>, file: string, line: number, value: T): void {
  let byLine = byFile.get(file);
  if (!byLine) byFile.set(file, (byLine = new Map()));
  const had = byLine.get(line);
  if (had === undefined) byLine.set(line, value);
  else if (Array.isArray(had)) had.push(value);
  else byLine.set(line, [had, value]);
}

function readsBack(h: Hit, projected: ReadonlySet<string>): boolean {
  return projected.has(h.rule.id) && (h.event !== undefined || h.events !== undefined) && h.source !== undefined;
}

function wantedLines(hits: readonly Hit[]): Wanted {
  const wanted: Wanted = new Map();
  for (const h of hits) {
    for (const p of sourcesOf(h)) {
      let lines = wanted.get(p.file);
      if (!lines) wanted.set(p.file, (lines = new Set()));
      lines.add(p.line);
    }
  }
  return wanted;
}

/**
 * Reads each file up to its last wanted line, handing over the events of the wanted lines: their
 * documents, or with `texts` the text of NDJSON lines (TrawlEvent.text).
 */
async function readLines(wanted: Wanted, stage: (files: number) => ProgressStage | Promise<ProgressStage>, keep: (file: string, ev: TrawlEvent) => void, texts = false): Promise<void> {
  const reading = await stage(wanted.size);
  for (const [file, lines] of wanted) {
    try {
      // Stop at the last wanted line: hits cluster, and the rest of the file is only framing.
      let last = 0;
      for (const l of lines) if (l > last) last = l;
      const seen = new Set<number>();
      for await (const batch of readEvidenceFile(file, { ledger: new SkipLedger(), lines, texts })) {
        let done = false;
        for (const ev of batch) {
          keep(file, ev);
          seen.add(ev.line);
          // A line's documents all come in one batch: framing cuts batches between lines.
          if (ev.line >= last && seen.size >= lines.size) done = true;
        }
        if (done) break;
      }
    } catch {
      // Unreadable now: its hits keep their projections and are counted as missing.
    }
    reading.advance();
  }
  reading.stop();
}

/** A hit's documents in place of its projections, from `at` (one document, or a line's several). */
function fill(h: Hit, at: (p: Provenance) => Doc | Doc[] | undefined, found: { missing: number }): void {
  const src = sourcesOf(h);
  const find = (p: Provenance | undefined, projection: Doc): Doc => {
    const there = p && at(p);
    const d = Array.isArray(there) ? there.find((doc) => agrees(projection, doc)) : there;
    if (!d) found.missing++;
    return d ?? projection;
  };
  if (h.event) h.event = find(src[0], h.event);
  if (h.events) h.events = h.events.map((d, i) => find(src[i], d));
  const host = hostOf(h.event ?? h.events?.[0]);
  if (host !== undefined) h.host = host;
}

/** Whether every value of a projection is the document's (the projection was made of it). */
function agrees(projected: unknown, doc: unknown): boolean {
  if (projected === null || typeof projected !== 'object') return projected === doc;
  if (doc === null || typeof doc !== 'object' || Array.isArray(projected) !== Array.isArray(doc)) return false;
  const d = doc as Record<string, unknown>;
  for (const [k, v] of Object.entries(projected)) if (!agrees(v, d[k])) return false;
  return true;
}

/**
 * A text in the vault: in memory (`text`), or at [at, at + length) of its file. `line`: an NDJSON
 * line as read (parseDocuments gives its documents), else one document's JSON.
 */
class Stored {
  constructor(
    readonly text: string | undefined,
    readonly at: number,
    readonly length: number,
    readonly line: boolean,
  ) {}
}

/**
 * Documents by file and line, as text (an NDJSON line as read, or one document's JSON): in memory
 * until `budget` bytes, then appended to a temporary file and read by position when asked for.
 * A text is parsed each time it is asked for, so no document outlives the hit it was given to.
 */
class TextVault {
  private readonly byFile: ByLine<Stored> = new Map();
  private held = 0;
  private dir: SpillDir | undefined;
  private fd = -1;
  private end = 0;
  /** Reused for every read: a fresh Buffer per document cost more than parsing it. */
  private scratch = Buffer.alloc(0);

  constructor(
    private readonly budget: number,
    private readonly tempDir: string | undefined,
  ) {}

  put(file: string, line: number, text: string, isLine: boolean): void {
    addAt(this.byFile, file, line, this.store(text, isLine));
  }

  get(file: string, line: number): Doc | Doc[] | undefined {
    const at = this.byFile.get(file)?.get(line);
    if (at === undefined) return undefined;
    const docs = Array.isArray(at) ? at.flatMap((s) => this.load(s, file, line)) : this.load(at, file, line);
    return docs.length === 0 ? undefined : docs.length === 1 ? docs[0] : docs;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    this.dir?.remove();
    this.dir = undefined;
  }

  private store(text: string, isLine: boolean): Stored {
    // UTF-16 length: close enough to the heap a string takes, and what the budget is about.
    if (this.held + text.length <= this.budget || !this.openFile()) {
      this.held += text.length;
      return new Stored(text, 0, text.length, isLine);
    }
    const bytes = Buffer.from(text, 'utf8');
    writeSync(this.fd, bytes, 0, bytes.length, this.end);
    const stored = new Stored(undefined, this.end, bytes.length, isLine);
    this.end += bytes.length;
    return stored;
  }

  /** Whether the file is open (made on first need); without a temporary directory, text stays in memory. */
  private openFile(): boolean {
    if (this.fd >= 0) return true;
    try {
      this.dir = new SpillDir(this.tempDir);
      this.fd = openSync(path.join(this.dir.path, 'documents'), 'w+');
      return true;
    } catch {
      this.dir?.remove();
      this.dir = undefined;
      return false;
    }
  }

  private load(s: Stored, file: string, line: number): Doc[] {
    let text = s.text;
    if (text === undefined) {
      if (this.scratch.length < s.length) this.scratch = Buffer.allocUnsafe(Math.max(s.length, 2 * this.scratch.length, 64 * 1024));
      readSync(this.fd, this.scratch, 0, s.length, s.at);
      text = this.scratch.toString('utf8', 0, s.length);
    }
    return s.line ? parseDocuments(text, file, line) : [JSON.parse(text) as Doc];
  }
}
