import { Text } from 'ink';
import { fit } from '../layout.js';
import type { Mode, Screen } from '../state.js';

export interface StatusBarProps {
  readonly mode: Mode;
  readonly screen: Screen['kind'];
  readonly status: string;
  readonly width: number;
}

const HINTS: Record<Screen['kind'], string> = {
  list: 'Enter detail / search f filter s sort [ ] time l lineage e export ? help q quit',
  detail: '↑↓ scroll  r raw  l lineage  Esc back',
  lineage: '↑↓ move  ←→ fold  Enter hit  t timeline  Esc back',
  timeline: '↑↓ scroll  Esc back',
  help: 'Esc back',
};

/** Prompt (search / filter) or the last status message, else key hints. */
export function StatusBar({ mode, screen, status, width }: StatusBarProps) {
  if (mode.kind === 'search') return <Text wrap="truncate">{fit(`/${mode.text}█  (Enter apply, Esc cancel)`, width)}</Text>;
  if (mode.kind === 'filter') return <Text color="cyan" wrap="truncate">{fit('filter: s min severity  r this rule  h this host  x clear  (Esc cancel)', width)}</Text>;
  if (status) return <Text color="green" wrap="truncate">{fit(status, width)}</Text>;
  return <Text dimColor wrap="truncate">{fit(HINTS[screen], width)}</Text>;
}
