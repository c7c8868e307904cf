import type { StyledLine } from './styled-line.js';

const HELP: [string, string][] = [
  ['↑ ↓  j k', 'move'],
  ['PgUp PgDn', 'page'],
  ['g G', 'first / last'],
  ['Enter', 'open hit detail (on a lineage node with hits: jump to its hit)'],
  ['/', 'search rule, host, process, command line (Enter applies, Esc cancels)'],
  ['f', 'filter: then s = cycle minimum severity, r = this rule, h = this host, x = clear'],
  ['s', 'sort by time / severity / rule / host'],
  ['[ ]', 'select a histogram time bucket; Enter or b filters to it; Esc clears'],
  ['l', 'process lineage of the hit'],
  ['← →', 'lineage: collapse / expand a node'],
  ['t', 'lineage: timeline of the selected process and its children'],
  ['r', 'detail: toggle raw JSON'],
  ['e', 'export the filtered hit list as JSON'],
  ['q Esc', 'back; quit from the list'],
  ['?', 'this help'],
];

export function helpLines(): StyledLine[] {
  return [{ text: 'Keys', bold: true }, ...HELP.map(([k, v]) => ({ text: `  ${k.padEnd(12)} ${v}` }))];
}
