import type { TrawlEvent } from '../input/event.js';
import type { LineageIndex } from '../lineage/index.js';
import { field, text } from './hit-facts.js';
import type { StyledLine } from './styled-line.js';

const DETAIL_FIELDS = ['file.path', 'registry.path', 'dns.question.name', 'destination.ip', 'url.full', 'process.command_line', 'message'];

function what(doc: Record<string, unknown>): string {
  for (const f of DETAIL_FIELDS) {
    const v = text(field(doc, f));
    if (!v) continue;
    if (f === 'destination.ip') {
      const port = text(field(doc, 'destination.port'));
      return port ? `${v}:${port}` : v;
    }
    return v;
  }
  return '';
}

/** One line per event: time, process [pid] (from the lineage when the event lacks them), category/action, what it touched. */
export function timelineLines(events: readonly TrawlEvent[], lineage?: LineageIndex): StyledLine[] {
  return events.map((ev) => {
    const d = ev.doc;
    const time = text(field(d, '@timestamp')).replace('T', ' ').slice(0, 23);
    const key = lineage?.keyFor(d);
    const rec = key ? lineage?.get(key) : undefined;
    const proc = `${text(field(d, 'process.name')) || rec?.name || '?'}[${text(field(d, 'process.pid')) || rec?.pid || '?'}]`;
    const kind = `${text(field(d, 'event.category')) || '?'}/${text(field(d, 'event.action')) || text(field(d, 'event.type')) || '?'}`;
    return { text: `${time.padEnd(23)}  ${proc}  ${kind}  ${what(d)}` };
  });
}
