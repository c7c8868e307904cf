import { ruleOfQuery, type Rule } from '../../src/rules/index.js';
import type { TrawlEvent } from '../../src/input/event.js';
import { compileRule, evaluateStateful, Scanner, sortHits, type CompiledRule, type Hit, type StatefulRule } from '../../src/engine/index.js';

export function makeRule(p: Partial<Rule> & Pick<Rule, 'type' | 'query'>): Rule {
  return ruleOfQuery({
    file: 'test.toml',
    rule_id: 'r1',
    name: 'Test rule',
    severity: 'medium',
    risk_score: 47,
    from: 'now-9m',
    language: p.type === 'eql' ? 'eql' : p.type === 'esql' ? 'esql' : 'kuery',
    ...p,
  });
}

let line = 0;
/** An event at `time` (ISO) in file f.ndjson, with fields given as a nested doc. */
export function ev(time: string, doc: Record<string, unknown>, file = 'f.ndjson'): TrawlEvent {
  return { doc: { '@timestamp': time, ...doc }, file, line: ++line };
}

export function compile(rule: Rule): CompiledRule {
  const r = compileRule(rule, { now: Date.parse('2026-11-23T00:00:00Z'), strictIndex: false });
  if (!r.ok) throw new Error(r.unsupported ? `unsupported: ${r.reason}` : `compile error: ${r.message}`);
  return r.compiled;
}

/** Run rules over events the way a hunt does (stream, then evaluate stateful), returning sorted hits. */
export function run(rules: Rule[], events: TrawlEvent[]): { hits: Hit[]; warnings: string[] } {
  const compiled = rules.map(compile);
  const scanner = new Scanner(compiled);
  for (const e of events) scanner.scan(e);
  const warnings: string[] = [];
  const stateful = compiled.filter((r): r is StatefulRule => r.stateful);
  const more = evaluateStateful(
    stateful,
    scanner.candidates,
    () => ({ warn: (m) => warnings.push(m), stat: () => {} }),
    (_r, err) => {
      throw err;
    },
  );
  return { hits: sortHits([...scanner.hits, ...more]), warnings };
}
