import { indexMatcher } from '../input/index-name.js';
import { QueryError } from '../lang/query-error.js';
import type { Rule } from '../rules/rule.js';
import type { CompileOutcome, CompiledRule } from './compiled-rule.js';
import { compileEqlRule } from './executors/eql-rule.js';
import { compileEsqlRule } from './executors/esql-rule.js';
import { compileKqlPredicate, compileQueryRule } from './executors/query-rule.js';
import { compileNewTermsRule } from './executors/new-terms-rule.js';
import { compileThresholdRule } from './executors/threshold-rule.js';
import { hitRuleOf } from './make-hit.js';
import { ruleTimeOf } from './rule-time.js';

export interface CompileOptions {
  /** Evaluation clock for date math in queries (`now-1d`). */
  now: number;
  /** An unknown event index does not match any rule. */
  strictIndex: boolean;
}

/** The shared part every executor builds on. */
export interface RuleBase {
  rule: Rule;
  hitRule: CompiledRule['hitRule'];
  matchesIndex: CompiledRule['matchesIndex'];
  indexPatterns: CompiledRule['indexPatterns'];
  timeOf: CompiledRule['timeOf'];
  discriminators: CompiledRule['discriminators'];
}

/** Why a rule type can't run offline; everything else compiles or is an error. */
function unsupportedReason(rule: Rule): string | undefined {
  switch (rule.type) {
    case 'machine_learning':
      return 'machine_learning rules need an anomaly detection job; there is none offline';
    case 'threat_match':
      return 'threat_match rules need an indicator index; no indicator file was given';
    case 'query':
    case 'new_terms':
    case 'threshold':
      if (rule.language === 'lucene') return 'lucene query syntax is not supported (KQL only)';
      return undefined;
    default:
      return undefined;
  }
}

export function compileRule(rule: Rule, options: CompileOptions): CompileOutcome {
  const reason = unsupportedReason(rule);
  if (reason) return { ok: false, unsupported: true, reason };
  const base = ruleBase(rule, rule.index?.length ? rule.index : undefined, options);
  try {
    return { ok: true, compiled: compileByType(base, options) };
  } catch (err) {
    if (err instanceof QueryError) {
      if (err.kind === 'unsupported') return { ok: false, unsupported: true, reason: err.message };
      // Positions are in the TOML file: the query's first line starts at queryColumn there.
      const line = (rule.queryLine ?? 1) + err.line - 1;
      const column = err.line === 1 ? (rule.queryColumn ?? 1) + err.column - 1 : err.column;
      return { ok: false, unsupported: false, message: err.message, line, column };
    }
    return { ok: false, unsupported: false, message: (err as Error).message ?? String(err) };
  }
}

/** The parts every compiled rule has, whatever its language; executors add the rest. */
export function ruleBase(rule: Rule, indexPatterns: string[] | undefined, options: CompileOptions): RuleBase {
  return {
    rule,
    hitRule: hitRuleOf(rule),
    matchesIndex: indexMatcher(indexPatterns, options.strictIndex),
    indexPatterns,
    timeOf: ruleTimeOf(rule.timestamp_override),
    discriminators: [],
  };
}

function compileByType(base: RuleBase, options: CompileOptions): CompiledRule {
  const { rule } = base;
  switch (rule.type) {
    case 'query':
    case 'saved_query': // its query is stored in the rule as well: run it as a query rule
      return compileQueryRule(base, options);
    case 'eql':
      return compileEqlRule(base);
    case 'esql':
      return compileEsqlRule(base, options);
    case 'new_terms':
      return compileNewTermsRule(base, compileKqlPredicate(rule, options));
    case 'threshold':
      return compileThresholdRule(base, compileKqlPredicate(rule, options));
    default:
      throw new Error(`unknown rule type "${rule.type}"`);
  }
}
