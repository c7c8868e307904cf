import type { TrawlEvent } from '../input/event.js';
import type { Candidate, CompiledRule, EvaluateContext, StatefulRule } from './compiled-rule.js';
import type { Hit } from './hit.js';
import { eventHit } from './make-hit.js';
import { RuleRouter } from './router.js';

/** A rule that threw on an event: counted per rule with the first location, never fatal. */
export interface RuleFault {
  rule_id: string;
  count: number;
  first: { file: string; line: number; message: string };
}

/**
 * The streaming half of a hunt: routes each event to the rules that can match it, emits hits of
 * single-event rules and keeps candidates for stateful ones. Workers each run one; their state
 * merges into the finishing half (`evaluateStateful`).
 */
export class Scanner {
  readonly hits: Hit[] = [];
  readonly candidates = new Map<string, Candidate[]>();
  readonly faults = new Map<string, RuleFault>();
  private readonly router: RuleRouter;

  constructor(rules: readonly CompiledRule[]) {
    this.router = new RuleRouter(rules);
  }

  scan(ev: TrawlEvent): void {
    for (const rule of this.router.rulesFor(ev)) {
      try {
        if (!rule.stateful) {
          if (rule.match(ev.doc)) this.hits.push(eventHit(rule.hitRule, ev, rule.timeOf(ev.doc)));
        } else if (rule.candidate(ev.doc)) {
          let list = this.candidates.get(rule.rule.rule_id);
          if (!list) this.candidates.set(rule.rule.rule_id, (list = []));
          list.push({ ...ev, ts: rule.timeOf(ev.doc) });
        }
      } catch (err) {
        this.fault(rule.rule.rule_id, ev, err);
      }
    }
  }

  private fault(ruleId: string, ev: TrawlEvent, err: unknown): void {
    const f = this.faults.get(ruleId);
    if (f) f.count++;
    else this.faults.set(ruleId, { rule_id: ruleId, count: 1, first: { file: ev.file, line: ev.line, message: String((err as Error)?.message ?? err) } });
  }
}

/** Orders candidates by rule time, then evidence location (stable across worker counts). */
export function sortCandidates(list: Candidate[]): Candidate[] {
  return list.sort((a, b) => {
    const ta = a.ts ?? Number.POSITIVE_INFINITY;
    const tb = b.ts ?? Number.POSITIVE_INFINITY;
    if (ta !== tb) return ta - tb;
    if (a.file !== b.file) return a.file < b.file ? -1 : 1;
    return a.line - b.line;
  });
}

/** The finishing half: each stateful rule evaluates its time-ordered candidates. */
export function evaluateStateful(
  rules: readonly StatefulRule[],
  candidates: Map<string, Candidate[]>,
  ctx: (rule: StatefulRule) => EvaluateContext,
  onError: (rule: StatefulRule, err: unknown) => void,
): Hit[] {
  const hits: Hit[] = [];
  for (const rule of rules) {
    const list = candidates.get(rule.rule.rule_id);
    if (!list?.length) continue;
    sortCandidates(list);
    const untimed = list.findIndex((c) => c.ts === undefined);
    const c = ctx(rule);
    if (untimed >= 0) {
      c.warn(`${list.length - untimed} candidate event(s) without a usable timestamp were not evaluated`);
      list.length = untimed;
    }
    try {
      hits.push(...rule.evaluate(list, c));
    } catch (err) {
      onError(rule, err);
    }
  }
  return hits;
}

/** Hits in the documented order: timestamp, file, line, rule id — identical for identical input. */
export function sortHits(hits: Hit[]): Hit[] {
  const loc = (h: Hit) => (Array.isArray(h.source) ? h.source[0] : h.source);
  return hits.sort((a, b) => {
    if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? -1 : 1;
    const la = loc(a);
    const lb = loc(b);
    const fa = la?.file ?? '';
    const fb = lb?.file ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    const d = (la?.line ?? 0) - (lb?.line ?? 0);
    if (d !== 0) return d;
    return a.rule.id < b.rule.id ? -1 : a.rule.id > b.rule.id ? 1 : 0;
  });
}
