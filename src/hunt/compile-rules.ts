import { compileRule, type CompiledRule, type CompileOptions, type CompileOutcome } from '../engine/index.js';
import { lazyRule } from '../engine/lazy-rule.js';
import type { Rule } from '../rules/rule.js';
import type { RuleCache } from './rule-cache.js';
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
 */
export function compileRules(rules: readonly Rule[], options: CompileOptions, cache?: RuleCache): CompiledSet {
  const out: CompiledSet = { compiled: [], failed: [], unsupported: [] };
  for (const rule of rules) {
    const r = outcomeOf(rule, options, cache);
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

function outcomeOf(rule: Rule, options: CompileOptions, cache: RuleCache | undefined): CompileOutcome {
  const cached = cache?.outcome(rule);
  if (!cached) {
    const r = compileRule(rule, options);
    cache?.remember(rule, r);
    return r;
  }
  return cached.ok ? { ok: true, compiled: lazyRule(rule, cached.outline, options) } : cached;
}
