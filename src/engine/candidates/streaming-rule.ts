import type { Candidate, EvaluateContext, StatefulRule } from '../compiled-rule.js';
import type { Hit } from '../hit.js';

export interface StreamContext extends EvaluateContext {
  /** Estimated heap bytes the rule's own state (seen values, groups) may grow to before evicting. */
  stateBytes: number;
}

/**
 * A stateful rule that reads its candidates once, in time order, so spilled candidates can be
 * streamed back from disk instead of loaded whole. (Local until CompiledRule grows this.)
 */
export interface StreamingStatefulRule extends StatefulRule {
  evaluateStream(candidates: Iterable<Candidate>, ctx: StreamContext): Hit[];
}

export function isStreaming(rule: StatefulRule): rule is StreamingStatefulRule {
  return typeof (rule as Partial<StreamingStatefulRule>).evaluateStream === 'function';
}
