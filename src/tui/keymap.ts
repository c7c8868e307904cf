import type { Key } from 'ink';
import { screen, type Action, type TuiState } from './state.js';

/** What a key press asks for: a reducer action, or an effect the App runs. */
export type Command = Action | { type: 'export' } | { type: 'timeline' };

function modal(s: TuiState, input: string, key: Key): Command | undefined | null {
  const mode = s.mode;
  if (mode.kind === 'search') {
    if (key.escape) return { type: 'back' };
    if (key.return) return { type: 'enter' };
    if (key.backspace || key.delete) return { type: 'search-erase' };
    if (input && !key.ctrl && !key.meta && !/[\u0000-\u001f]/.test(input)) return { type: 'search-type', text: input };
    return null;
  }
  if (mode.kind === 'filter') {
    if (key.escape) return { type: 'back' };
    const by = ({ s: 'severity', r: 'rule', h: 'host', x: 'clear' } as const)[input as 's' | 'r' | 'h' | 'x'];
    return by ? { type: 'filter', by } : null;
  }
  return undefined;
}

function listKeys(input: string): Command | undefined {
  switch (input) {
    case '/': return { type: 'search-start' };
    case 'f': return { type: 'filter-start' };
    case 's': return { type: 'sort-cycle' };
    case '[': return { type: 'bucket', by: -1 };
    case ']': return { type: 'bucket', by: 1 };
    case 'b': return { type: 'bucket-apply' };
    case 'l': return { type: 'open-lineage' };
    case 'e': return { type: 'export' };
    default: return undefined;
  }
}

/** Map a key press to a command for the current screen and mode. */
export function keyToCommand(s: TuiState, input: string, key: Key): Command | undefined {
  const m = modal(s, input, key);
  if (m !== undefined) return m ?? undefined;
  if (key.upArrow || input === 'k') return { type: 'move', by: -1 };
  if (key.downArrow || input === 'j') return { type: 'move', by: 1 };
  if (key.pageUp) return { type: 'page', dir: -1 };
  if (key.pageDown || input === ' ') return { type: 'page', dir: 1 };
  if (key.home || input === 'g') return { type: 'edge', to: 'start' };
  if (key.end || input === 'G') return { type: 'edge', to: 'end' };
  if (key.return) return { type: 'enter' };
  if (key.escape || input === 'q') return { type: 'back' };
  if (input === '?') return { type: 'help' };
  const kind = screen(s).kind;
  if (kind === 'list') return listKeys(input);
  if (kind === 'detail') {
    if (input === 'r') return { type: 'toggle-raw' };
    if (input === 'l') return { type: 'open-lineage' };
  }
  if (kind === 'lineage') {
    if (key.leftArrow) return { type: 'fold', open: false };
    if (key.rightArrow) return { type: 'fold', open: true };
    if (input === 't') return { type: 'timeline' };
  }
  return undefined;
}
