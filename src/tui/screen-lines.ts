import { detailLines } from './detail-lines.js';
import { documentNote, shownHit } from './documents.js';
import { helpLines } from './help-lines.js';
import type { Screen, TuiState } from './state.js';
import type { StyledLine } from './styled-line.js';
import { timelineLines } from './timeline-lines.js';

/** The lines of a scrolled text screen (detail, timeline, help); empty for the others. */
export function screenLines(s: TuiState, sc: Screen): StyledLine[] {
  switch (sc.kind) {
    case 'detail': {
      const hit = shownHit(s, sc.hit);
      if (!hit) return [{ text: 'hit not found' }];
      const id = hit.rule && typeof hit.rule === 'object' ? String(hit.rule.id) : '';
      const lines = detailLines(hit, s.ctx.rules[id], sc.raw, s.width);
      const note = documentNote(s, sc.hit);
      return note === undefined ? lines : [{ text: note, dim: true }, ...lines];
    }
    case 'timeline':
      return sc.status === 'ready' ? timelineLines(sc.events, s.ctx.lineage) : [];
    case 'help':
      return helpLines();
    default:
      return [];
  }
}
