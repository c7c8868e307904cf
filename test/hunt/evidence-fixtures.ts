/** Generated rules and evidence for the spilling and resource-limit tests. */
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';

import type { StatefulRule } from '../../src/engine/compiled-rule.js';
import { compile, makeRule } from '../engine/fixtures.js';

export { tempDir } from '../helpers/temp.js';

function ruleToml(fields: Record<string, string | number | string[]>, extra = ''): string {
  const lines = Object.entries(fields).map(([k, v]) =>
    Array.isArray(v) ? `${k} = [${v.map((x) => JSON.stringify(x)).join(', ')}]` : typeof v === 'number' ? `${k} = ${v}` : `${k} = ${JSON.stringify(v)}`,
  );
  return `[metadata]\nmaturity = "production"\n\n[rule]\n${lines.join('\n')}\n${extra}`;
}

const common = (id: string, name: string, type: string, language: string) => ({
  rule_id: id,
  name,
  description: 'generated for tests',
  risk_score: 47,
  severity: 'medium',
  type,
  language,
  from: 'now-9m',
  interval: '5m',
});

/** A failed login then a successful one, per user, any time later: nothing expires. */
export const FAIL_THEN_SUCCESS = 'sequence by user.name [authentication where event.outcome == "failure"] [authentication where event.outcome == "success"]';

/** FAIL_THEN_SUCCESS compiled as a rule. */
export const failThenSuccessRule = (): StatefulRule => compile(makeRule({ type: 'eql', query: FAIL_THEN_SUCCESS })) as StatefulRule;

/** One rule of every stateful kind (plus a stateless one), all over authentication events. */
export const RULES = {
  newTerms: ruleToml(
    { ...common('nt-user', 'First login of a user on a host', 'new_terms', 'kuery'), index: ['logs-*'], query: 'event.category:authentication' },
    '\n[rule.new_terms]\nfield = "new_terms_fields"\nvalue = ["host.name", "user.name"]\n[[rule.new_terms.history_window_start]]\nfield = "history_window_start"\nvalue = "now-7d"\n',
  ),
  sequence: ruleToml({
    ...common('seq-fail-success', 'Failure then success for a user', 'eql', 'eql'),
    index: ['logs-*'],
    query: 'sequence by user.name with maxspan=1m [authentication where event.outcome == "failure"] [authentication where event.outcome == "success"]',
  }),
  /** Without maxspan nothing expires: every unfinished sequence stays live to the end. */
  openSequence: ruleToml({
    ...common('seq-open', 'Failure then success, any time later', 'eql', 'eql'),
    index: ['logs-*'],
    query: FAIL_THEN_SUCCESS,
  }),
  threshold: ruleToml(
    { ...common('th-failures', 'Many failures from one address', 'threshold', 'kuery'), index: ['logs-*'], query: 'event.outcome:failure' },
    '\n[rule.threshold]\nfield = ["source.ip"]\nvalue = 9\n',
  ),
  esql: ruleToml({
    ...common('esql-users', 'Busy users', 'esql', 'esql'),
    query: 'FROM logs-* | WHERE event.category == "authentication" | STATS n = COUNT(*) BY user.name | WHERE n >= 5',
  }),
  query: ruleToml({ ...common('q-root', 'Root login', 'query', 'kuery'), index: ['logs-*'], query: 'user.name:root and event.outcome:success' }),
};

export function writeRules(dir: string, which: (keyof typeof RULES)[] = Object.keys(RULES) as (keyof typeof RULES)[]): string {
  mkdirSync(dir, { recursive: true });
  for (const k of which) writeFileSync(path.join(dir, `${k}.toml`), RULES[k]);
  return dir;
}

/** A small deterministic PRNG (mulberry32): the same events on every run and machine. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const T0 = Date.parse('2026-11-20T00:00:00Z');

export interface EventShape {
  /** Distinct user names (the new_terms and sequence cardinality). */
  users: number;
  seed?: number;
  /** Milliseconds between consecutive event times. */
  stepMs?: number;
  /** Give every event its own user (a million distinct new_terms values, a million sequence keys). */
  distinctUsers?: boolean;
  /** Every event with this outcome (all failures: every event opens a sequence that never ends). */
  outcome?: 'failure' | 'success';
}

/** An authentication event; times are jittered so line order is not time order. */
export function authEvent(i: number, rnd: () => number, shape: EventShape): Record<string, unknown> {
  const user = shape.distinctUsers ? `u${i}` : `user-${Math.floor(rnd() * shape.users)}`;
  const jitter = Math.floor(rnd() * 30_000);
  return {
    '@timestamp': new Date(T0 + i * (shape.stepMs ?? 1000) + jitter).toISOString(),
    host: { name: `host-${i % 3}` },
    user: { name: i % 997 === 0 ? 'root' : user },
    event: { category: 'authentication', outcome: shape.outcome ?? (rnd() < 0.3 ? 'failure' : 'success') },
    source: { ip: `10.0.${Math.floor(rnd() * 4)}.${Math.floor(rnd() * 8)}` },
    data_stream: { dataset: 'system.auth', namespace: 'default', type: 'logs' },
  };
}

/** Write `count` events over `files` NDJSON files (round-robin), streaming, never all in memory. */
export async function writeEvidence(dir: string, count: number, shape: EventShape, files = 1): Promise<string[]> {
  const rnd = random(shape.seed ?? 1);
  const paths = Array.from({ length: files }, (_, k) => path.join(dir, `auth-${k}.ndjson`));
  const streams = paths.map((p) => createWriteStream(p));
  const pending = paths.map(() => '' as string);
  for (let i = 0; i < count; i++) {
    const k = i % files;
    pending[k] += `${JSON.stringify(authEvent(i, rnd, shape))}\n`;
    if (pending[k].length > 1 << 16) {
      if (!streams[k].write(pending[k])) await once(streams[k], 'drain');
      pending[k] = '';
    }
  }
  await Promise.all(
    streams.map((s, k) => {
      s.end(pending[k]);
      return once(s, 'finish');
    }),
  );
  return paths;
}
