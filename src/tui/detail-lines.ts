import { sourcesOf, type Hit } from '../engine/hit.js';
import { SEVERITY_COLOR, text } from './hit-facts.js';
import { flattenDoc } from './flatten.js';
import { wrap } from './layout.js';
import { renderMarkdown } from './markdown.js';
import type { StyledLine } from './styled-line.js';

export interface RuleText {
  description?: string;
  note?: string;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function section(title: string): StyledLine[] {
  return [{ text: '' }, { text: title, bold: true, color: 'cyan' }];
}

function sources(h: Hit): string[] {
  return sourcesOf(h).map((p) => `${text(obj(p)?.file)}:${text(obj(p)?.line)}`);
}

function mitre(threat: unknown): StyledLine[] {
  const out: StyledLine[] = [];
  for (const t of list(threat)) {
    const tactic = obj(obj(t)?.tactic);
    const techniques = list(obj(t)?.technique);
    const tac = tactic ? `${text(tactic.id)} ${text(tactic.name)}`.trim() : '';
    if (techniques.length === 0) out.push({ text: `  ${tac}` });
    for (const tech of techniques) {
      const te = obj(tech);
      const subs = list(te?.subtechnique).map((s) => `${text(obj(s)?.id)} ${text(obj(s)?.name)}`.trim());
      out.push({ text: `  ${tac} › ${text(te?.id)} ${text(te?.name)}${subs.length ? ` › ${subs.join(', ')}` : ''}` });
    }
  }
  return out;
}

function docLines(doc: unknown, raw: boolean): StyledLine[] {
  if (raw) {
    let json: string;
    try {
      json = JSON.stringify(doc, null, 2) ?? 'undefined';
    } catch {
      json = String(doc);
    }
    return json.split('\n').map((l) => ({ text: `  ${l}` }));
  }
  return flattenDoc(doc).map((l) => ({ text: `  ${l}` }));
}

function evidence(h: Hit, raw: boolean): StyledLine[] {
  const out: StyledLine[] = [];
  const srcs = sources(h);
  if (Array.isArray(h.events)) {
    out.push(...section(`Sequence (${h.events.length} events)${h.join_keys?.length ? ` joined by ${text(h.join_keys)}` : ''}`));
    h.events.forEach((ev, i) => {
      out.push({ text: `event ${i + 1}${srcs[i] ? `  ${srcs[i]}` : ''}`, bold: true });
      out.push(...docLines(ev, raw));
    });
  } else if (obj(h.row) && !obj(h.event)) {
    out.push(...section('ES|QL row'), ...docLines(h.row, raw));
  } else if (h.event !== undefined) {
    out.push(...section('Matched event'), ...docLines(h.event, raw));
  }
  return out;
}

function extras(h: Hit): StyledLine[] {
  const out: StyledLine[] = [];
  if (Array.isArray(h.new_terms)) out.push(...section('New terms'), { text: `  ${text(h.new_terms)}` });
  const t = obj(h.threshold);
  if (t) {
    out.push(...section('Threshold'), { text: `  count: ${text(t.count)}  from ${text(t.from)} to ${text(t.to)}` });
    for (const term of list(t.terms)) out.push({ text: `  ${text(obj(term)?.field)}: ${text(obj(term)?.value)}` });
    for (const c of list(t.cardinality)) out.push({ text: `  distinct ${text(obj(c)?.field)}: ${text(obj(c)?.value)}` });
  }
  if (Array.isArray(h.notes) && h.notes.length) out.push(...section('Notes'), ...h.notes.map((n) => ({ text: `  ${text(n)}` })));
  return out;
}

/** Every line of the hit detail screen, laid out for `width` columns. */
export function detailLines(h: Hit, rule: RuleText | undefined, raw: boolean, width: number): StyledLine[] {
  const r = obj(h.rule) ?? {};
  const sev = text(r.severity) || 'unknown';
  const out: StyledLine[] = [
    { text: text(r.name) || text(r.id) || '<rule>', bold: true },
    { text: `severity ${sev}  risk ${text(r.risk_score) || '-'}  type ${text(r.type) || '-'}  id ${text(r.id) || '-'}`, color: SEVERITY_COLOR[sev] },
    { text: `time ${text(h.timestamp) || '-'}  host ${text(h.host) || '-'}` },
  ];
  const srcs = sources(h);
  if (srcs.length) out.push({ text: `source ${srcs.join(', ')}`, dim: true });
  if (list(r.tags).length) out.push({ text: `tags ${text(r.tags)}`, dim: true });
  const m = mitre(r.threat);
  if (m.length) out.push(...section('MITRE ATT&CK'), ...m);
  if (rule?.description) out.push(...section('Description'), ...wrap(text(rule.description), width, '  ').map((l) => ({ text: l })));
  if (rule?.note) out.push(...section('Investigation guide'), ...renderMarkdown(text(rule.note), width - 2).map((l) => ({ ...l, text: `  ${l.text}` })));
  out.push(...extras(h), ...evidence(h, raw));
  return out.flatMap((l) => hardWrap(l, width));
}

/** Long values (command lines, raw JSON) continue on the next lines, indented, instead of being cut. */
function hardWrap(l: StyledLine, width: number): StyledLine[] {
  if (l.text.length <= width || width < 16) return [l];
  const out: StyledLine[] = [{ ...l, text: l.text.slice(0, width) }];
  for (let i = width; i < l.text.length; i += width - 4) out.push({ ...l, text: `    ${l.text.slice(i, i + width - 4)}` });
  return out;
}
