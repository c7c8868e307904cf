import { wrap } from './layout.js';
import type { StyledLine } from './styled-line.js';

/**
 * Markdown made readable in a terminal: headings bold, list items bulleted and wrapped,
 * fenced code as-is, emphasis markers and link targets dropped.
 */
export function renderMarkdown(md: string, width: number): StyledLine[] {
  const out: StyledLine[] = [];
  let inCode = false;
  let para: string[] = [];
  const flush = () => {
    if (para.length) for (const l of wrap(inline(para.join(' ')), width)) out.push({ text: l });
    para = [];
  };
  for (const raw of md.replace(/\r\n?/g, '\n').split('\n')) {
    if (/^\s*(```|~~~)/.test(raw)) {
      flush();
      inCode = !inCode;
      continue;
    }
    if (inCode) {
      out.push({ text: `  ${raw}`, color: 'cyan' });
      continue;
    }
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(raw);
    const item = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/.exec(raw);
    if (heading) {
      flush();
      if (out.length && out[out.length - 1].text !== '') out.push({ text: '' });
      out.push({ text: inline(heading[1]), bold: true });
    } else if (item) {
      flush();
      const depth = Math.min(4, Math.floor(item[1].replace(/\t/g, '  ').length / 2));
      const bullet = /\d/.test(item[2]) ? `${item[2]} ` : '• ';
      const indent = '  '.repeat(depth);
      const lines = wrap(inline(item[3]), width, `${indent}${' '.repeat(bullet.length)}`);
      lines[0] = `${indent}${bullet}${lines[0].slice(indent.length + bullet.length)}`;
      for (const l of lines) out.push({ text: l });
    } else if (raw.trim() === '') {
      flush();
      if (out.length && out[out.length - 1].text !== '') out.push({ text: '' });
    } else {
      para.push(raw.trim());
    }
  }
  flush();
  while (out.length && out[out.length - 1].text === '') out.pop();
  return out;
}

function inline(s: string): string {
  return s
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[^\w*])[*_]([^*_\s][^*_]*?)[*_](?=$|[^\w*])/g, '$1$2');
}
