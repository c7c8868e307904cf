import type { Hit } from '../../src/engine/hit.js';
import type { HuntSummary } from '../../src/hunt/summary.js';

export function makeSummary(over: Partial<HuntSummary> = {}): HuntSummary {
  return {
    files: 2,
    bytes: 1000,
    events: 1234,
    skipped: { 'malformed-json': { count: 3, examples: [] } },
    rules: { loaded: 5, compiled: 5, failed: [], unsupported: [] },
    hits: { total: 0, by_severity: {}, by_rule: [] },
    span: { from: '2024-01-01T00:00:00Z', to: '2024-01-01T01:00:00Z' },
    warnings: [],
    stats: {},
    elapsed_ms: 10,
    events_per_sec: 100,
    ...over,
  };
}

export interface HitSpec {
  rule?: string;
  ruleId?: string;
  severity?: 'low' | 'medium' | 'high' | 'critical';
  time?: string;
  host?: string;
  process?: string;
  entityId?: string;
  commandLine?: string;
  line?: number;
}

export function makeHit(s: HitSpec = {}): Hit {
  const host = s.host ?? 'web-1';
  return {
    rule: {
      id: s.ruleId ?? `id-${s.rule ?? 'Suspicious Shell'}`,
      name: s.rule ?? 'Suspicious Shell',
      type: 'query',
      severity: s.severity ?? 'high',
      risk_score: 73,
      tags: ['Domain: Endpoint'],
      threat: [{ framework: 'MITRE ATT&CK', tactic: { id: 'TA0002', name: 'Execution' }, technique: [{ id: 'T1059', name: 'Command and Scripting Interpreter', subtechnique: [{ id: 'T1059.004', name: 'Unix Shell' }] }] }],
    },
    timestamp: s.time ?? '2024-01-01T00:10:00Z',
    host,
    event: {
      '@timestamp': s.time ?? '2024-01-01T00:10:00Z',
      host: { name: host },
      event: { category: ['process'], type: ['start'] },
      process: { name: s.process ?? 'bash', entity_id: s.entityId ?? 'E2', pid: 200, command_line: s.commandLine ?? 'bash -i' },
    },
    source: { file: 'evidence/a.ndjson', line: s.line ?? 7 },
  };
}

/** n hits spread over the summary span, severities and hosts cycling. */
export function manyHits(n: number): Hit[] {
  const sevs = ['low', 'medium', 'high', 'critical'] as const;
  const out: Hit[] = [];
  for (let i = 0; i < n; i++) {
    out.push(makeHit({
      rule: `Rule ${i % 7}`,
      severity: sevs[i % 4],
      time: new Date(Date.parse('2024-01-01T00:00:00Z') + Math.floor((i * 3_600_000) / n)).toISOString(),
      host: `host-${i % 5}`,
      process: `proc${i % 11}`,
      entityId: `P${i}`,
      line: i + 1,
    }));
  }
  return out;
}

/** Keys as a terminal sends them. */
export const KEY = {
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  pageDown: '\u001B[6~',
  pageUp: '\u001B[5~',
  enter: '\r',
  escape: '\u001B',
  backspace: '\u007F',
};

export const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
