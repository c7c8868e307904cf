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

  const docs = new Map<string, Map<number, Doc>>();
  const reading = stage(wanted.size);
  for (const [file, lines] of wanted) {
    const byLine = new Map<number, Doc>();
    docs.set(file, byLine);
    try {
      // Stop at the last wanted line: hits cluster, and the rest of the file is only framing.
      let last = 0;
      for (const l of lines) if (l > last) last = l;
      for await (const batch of readEvidenceFile(file, { ledger: new SkipLedger(), lines })) {
        let done = false;
        for (const ev of batch) {
          if (!byLine.has(ev.line)) byLine.set(ev.line, ev.doc);
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
  const find = (p: Provenance | undefined): Doc | undefined => {
    const d = p && docs.get(p.file)?.get(p.line);
    if (!d) missing++;
    return d;
  };
  for (const h of mine) {
    const src = sources(h);
    if (h.event) h.event = find(src[0]) ?? h.event;
    if (h.events) h.events = h.events.map((d, i) => find(src[i]) ?? d);
    const first = h.event ?? h.events?.[0];
    const host = hostOf(first);
    if (host !== undefined) h.host = host;
  }
  return missing;
}

function sources(h: Hit): Provenance[] {
  return h.source === undefined ? [] : Array.isArray(h.source) ? h.source : [h.source];
}
