import { compileRule, type CompiledRule, type CompileOptions } from '../engine/index.js';
import type { Rule } from '../rules/rule.js';
import type { HuntSummary } from './summary.js';

export interface CompiledSet {
  compiled: CompiledRule[];
  failed: HuntSummary['rules']['failed'];
  unsupported: HuntSummary['rules']['unsupported'];
}

/** Compile every rule; a rule that fails is reported with its file and position, the rest run. */
export function compileRules(rules: readonly Rule[], options: CompileOptions): CompiledSet {
  const out: CompiledSet = { compiled: [], failed: [], unsupported: [] };
  for (const rule of rules) {
    const r = compileRule(rule, options);
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
