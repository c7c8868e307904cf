import type { Hit } from '../engine/hit.js';
import { hostOf } from '../fields/index.js';
import type { Provenance } from '../input/event.js';
import { readEvidenceFile } from '../input/read-file.js';
import { NO_STAGE, type ProgressStage } from '../input/progress.js';
import { SkipLedger } from '../input/skips.js';

type Doc = Record<string, unknown>;

/**
 * Stateful rules evaluated projections of their candidates (the fields they read); a hit shows
 * the whole document, so those hits' documents are read back from the evidence by line — one
 * pass per file holding such a hit, parsing only the wanted lines. Returns how many documents
 * could not be found again (the evidence changed since the scan); those hits keep the projection.
 */
export async function readBackDocuments(hits: readonly Hit[], projected: ReadonlySet<string>, stage: (files: number) => ProgressStage = () => NO_STAGE): Promise<number> {
  const wanted = new Map<string, Set<number>>();
  const want = (p: Provenance) => {
    let lines = wanted.get(p.file);
    if (!lines) wanted.set(p.file, (lines = new Set()));
    lines.add(p.line);
  };
  const mine = hits.filter((h) => projected.has(h.rule.id) && (h.event || h.events) && h.source);
  for (const h of mine) for (const p of sources(h)) want(p);
  if (wanted.size === 0) return 0;

  // A line holds several documents when it is a `_search` response: its hits share its number.
  const docs = new Map<string, Map<number, Doc | Doc[]>>();
  const reading = stage(wanted.size);
  for (const [file, lines] of wanted) {
    const byLine = new Map<number, Doc | Doc[]>();
    docs.set(file, byLine);
    try {
      // Stop at the last wanted line: hits cluster, and the rest of the file is only framing.
      let last = 0;
      for (const l of lines) if (l > last) last = l;
      for await (const batch of readEvidenceFile(file, { ledger: new SkipLedger(), lines })) {
        let done = false;
        for (const ev of batch) {
          const had = byLine.get(ev.line);
          if (had === undefined) byLine.set(ev.line, ev.doc);
          else if (Array.isArray(had)) had.push(ev.doc);
          else byLine.set(ev.line, [had, ev.doc]);
          // A line's documents all come in one batch: framing cuts batches between lines.
          if (ev.line >= last && byLine.size >= lines.size) done = true;
        }
        if (done) break;
      }
    } catch {
      // Unreadable now: its hits keep their projections and are counted below.
    }
    reading.advance();
  }
  reading.stop();

  let missing = 0;
  const find = (p: Provenance | undefined, projected: Doc): Doc | undefined => {
    const at = p && docs.get(p.file)?.get(p.line);
    const d = Array.isArray(at) ? at.find((doc) => agrees(projected, doc)) : at;
    if (!d) missing++;
    return d;
  };
  for (const h of mine) {
    const src = sources(h);
    if (h.event) h.event = find(src[0], h.event) ?? h.event;
    if (h.events) h.events = h.events.map((d, i) => find(src[i], d) ?? d);
    const first = h.event ?? h.events?.[0];
    const host = hostOf(first);
    if (host !== undefined) h.host = host;
  }
  return missing;
}

function sources(h: Hit): Provenance[] {
  return h.source === undefined ? [] : Array.isArray(h.source) ? h.source : [h.source];
}

/** Whether every value of a projection is the document's (the projection was made of it). */
function agrees(projected: unknown, doc: unknown): boolean {
  if (projected === null || typeof projected !== 'object') return projected === doc;
  if (doc === null || typeof doc !== 'object' || Array.isArray(projected) !== Array.isArray(doc)) return false;
  const d = doc as Record<string, unknown>;
  for (const [k, v] of Object.entries(projected)) if (!agrees(v, d[k])) return false;
  return true;
}
