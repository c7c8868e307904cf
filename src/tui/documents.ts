import type { Hit } from '../engine/hit.js';
import { sourcesOf } from '../engine/hit.js';
import { readBackDocuments } from '../hunt/read-back.js';
import type { TuiState } from './state-types.js';

/** Whole documents kept for hits shown lately: enough to go back and forth between a few. */
const KEPT = 32;

/**
 * Whether hit `i` may hold only the fields the list reads (HuntOptions.hitSummary) and its whole
 * document has not been read back yet.
 */
export function awaitsDocument(s: TuiState, i: number): boolean {
  if (s.ctx.placed.size === 0) return false;
  const id = (s.ctx.hits[i]?.rule as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' && s.ctx.placed.has(id) && !s.documents.has(i);
}

/** Hit `i` as the detail screen shows it: with its whole document once read back. */
export function shownHit(s: TuiState, i: number): Hit | undefined {
  const read = s.documents.get(i);
  return typeof read === 'object' ? read : s.ctx.hits[i];
}

/** What reading hit `i`'s document back gave: the whole hit, or why it failed (kept, the oldest dropped past KEPT). */
export function withDocument(s: TuiState, i: number, read: Hit | string): TuiState {
  const documents = new Map(s.documents);
  documents.delete(i);
  documents.set(i, read);
  for (const k of documents.keys()) {
    if (documents.size <= KEPT) break;
    documents.delete(k);
  }
  return { ...s, documents };
}

/** The line above a detail screen whose document is being read back, or could not be. */
export function documentNote(s: TuiState, i: number): string | undefined {
  const read = s.documents.get(i);
  if (typeof read === 'string') return `could not read the whole document back (${read}): showing the fields the hit list keeps`;
  if (!awaitsDocument(s, i)) return undefined;
  const at = sourcesOf(s.ctx.hits[i]!)[0];
  return `reading the whole document back${at ? ` from ${at.file}:${at.line}` : ''}…`;
}

/** Hit `h` with its whole document, read back from the evidence (the file up to its line). */
export async function readDocument(h: Hit, placed: ReadonlySet<string>): Promise<Hit> {
  const whole = { ...h };
  const missing = await readBackDocuments([whole], placed);
  if (missing > 0) throw new Error('not found in the evidence: changed since the scan?');
  return whole;
}
