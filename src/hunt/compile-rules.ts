import { compileRule, type CompiledRule, type CompileOptions, type CompileOutcome } from '../engine/index.js';
import { lazyRule, outlineOf } from '../engine/lazy-rule.js';
import type { Rule } from '../rules/rule.js';
import type { CachedOutcome, RuleCache } from './rule-cache.js';
import type { HuntSummary } from './summary.js';

export interface CompiledSet {
  compiled: CompiledRule[];
  failed: HuntSummary['rules']['failed'];
  unsupported: HuntSummary['rules']['unsupported'];
}

/**
 * Compile every rule; a rule that fails is reported with its file and position, the rest run.
 * A rule the cache compiled before is not compiled now: its outline stands in (compiled on the
 * first event the router hands it), its failure is reported as it was then.
 *
 * `lazy`: keep every rule that compiles as its outline only, for callers that want the outcomes
 * (`rules check`): holding ~2,000 compiled rules (~24 KB each with Elastic's corpus, their ASTs
 * reachable from closures) only made the collector copy and mark them. A hunt keeps them: the
 * rules that meet events would be compiled twice.
 */
export function compileRules(rules: readonly Rule[], options: CompileOptions, cache?: RuleCache, lazy = false): CompiledSet {
  const out: CompiledSet = { compiled: [], failed: [], unsupported: [] };
  for (const rule of rules) {
    const r = outcomeOf(rule, options, cache, lazy);
    if (r.ok) out.compiled.push(r.compiled);
    else if (r.unsupported) {
      out.unsupported.push({ file: rule.file, rule_id: rule.rule_id, name: rule.name, type: rule.type, reason: r.reason });
    } else {
      out.failed.push({
        file: rule.file,
        rule_id: rule.rule_id,
        name: rule.name,
        message: r.message,
        ...(r.line !== undefined ? { line: r.line, column: r.column } : {}),
      });
    }
  }
  return out;
}

function outcomeOf(rule: Rule, options: CompileOptions, cache: RuleCache | undefined, lazy: boolean): CompileOutcome {
  const cached = cache?.outcome(rule);
  if (cached) return fromOutline(rule, cached, options);
  const r = compileRule(rule, options);
  if (!cache && !lazy) return r;
  const kept: CachedOutcome = r.ok ? { ok: true, outline: outlineOf(r.compiled) } : r;
  cache?.remember(rule, kept);
  return lazy ? fromOutline(rule, kept, options) : r;
}

function fromOutline(rule: Rule, o: CachedOutcome, options: CompileOptions): CompileOutcome {
  return o.ok ? { ok: true, compiled: lazyRule(rule, o.outline, options) } : o;
}
