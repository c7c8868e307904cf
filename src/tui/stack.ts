import type { Screen, TuiState } from './state-types.js';

/** The screen on top of the stack (the one shown). */
export function screen(s: TuiState): Screen {
  return s.stack[s.stack.length - 1];
}

/** The hit under the list cursor. */
export function currentHit(s: TuiState): number | undefined {
  return s.visible[s.cursor];
}

/** n limited to [lo, hi]. */
export function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}

/** Replace the shown screen (e.g. after scrolling it). */
export function replaceTop(s: TuiState, next: Screen): TuiState {
  return { ...s, stack: [...s.stack.slice(0, -1), next] };
}

/** Open a screen over the current one; the status line is cleared. */
export function push(s: TuiState, next: Screen): TuiState {
  return { ...s, stack: [...s.stack, next], status: '' };
}
