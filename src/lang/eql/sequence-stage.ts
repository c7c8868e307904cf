import type { EqlInput } from './types.js';

export interface SeqStage {
  filter: (doc: Record<string, unknown>) => boolean;
  keys: (doc: Record<string, unknown>) => unknown[];
  /**
   * This stage's bit in an event's `mark` (see EqlInput): a marked event is not re-tested, so
   * its document may lack the fields the filter reads.
   */
  bit?: number;
}
export interface MissingStage extends SeqStage { /** index of the real stage it precedes (== real count for trailing) */ before: number; /** position among all stages */ position: number }

/** Whether `ev` passes the stage's filter: read from its mark when it has one. */
export function passes(stage: SeqStage, ev: EqlInput): boolean {
  const mark = ev.mark;
  return mark !== undefined && stage.bit !== undefined ? (mark & stage.bit) !== 0 : stage.filter(ev.doc);
}
