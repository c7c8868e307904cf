import type { CompiledRule } from '../engine/compiled-rule.js';
import { lazyRule, outlineOf } from '../engine/lazy-rule.js';
import { loadRules, severityRank, type LoadedRules, type Rule } from '../rules/index.js';
import { compileRules, type CompiledSet } from './compile-rules.js';
import { decodeCompiled, encodeCompiled, type RuleCache } from './rule-cache.js';
import type { HuntSummary } from './summary.js';

/** Which rules a hunt runs; plain data so worker threads can rebuild the same set. */
export interface RuleSetOptions {
  rulePaths: string[];
  includeDeprecated?: boolean;
  ruleIds?: string[];
  minSeverity?: string;
  tags?: string[];
  now: number;
  strictIndex: boolean;
}

export interface RuleSet {
  rules: Rule[];
  set: CompiledSet;
  /** Rule files that did not load, plus rules that did not compile. */
  failed: HuntSummary['rules']['failed'];
  loadedCount: number;
}

/** The rule files as plain data, each parsed unless the cache holds its parse. */
export function readRuleFiles(o: RuleSetOptions, cache?: RuleCache): Promise<LoadedRules> {
  return loadRules(o.rulePaths, { includeDeprecated: o.includeDeprecated, parse: cache?.parse });
}

/** `lazy`: see compileRules. */
export function compileRuleSet(loaded: LoadedRules, o: RuleSetOptions, cache?: RuleCache, lazy = false): RuleSet {
  const rules = selectRules(loaded.rules, o);
  const set = compileRules(rules, { now: o.now, strictIndex: o.strictIndex }, cache, lazy);
  return {
    rules,
    set,
    failed: [...loaded.errors, ...unknownIds(loaded.rules, o), ...set.failed],
    loadedCount: loaded.rules.length + loaded.errors.length,
  };
}

/**
 * What a worker scans with (see lazyRuleSet): each compiled rule as the bytes of a rule-cache
 * entry (its record and outline), in one buffer every worker shares. A rule the cache held as it
 * is goes as the bytes the cache read, so the main thread serialises nothing; the others are
 * encoded without the prose no scanning thread reads (investigation guide, setup, references…:
 * over half of Elastic's rule text). As a structured clone of objects the corpus's rules were
 * ~8 MB per worker and ~125 ms of the main thread before it could scan.
 */
export interface RulesForWorkers {
  bytes: SharedArrayBuffer;
  /** Offset and length of each compiled rule's entry, in the compiled order. */
  spans: number[];
}

export function rulesForWorkers(set: RuleSet, cache?: RuleCache): RulesForWorkers {
  const parts = set.set.compiled.map((c): { length: number; rule: Rule; blob?: Buffer } => {
    // loadRules marks rules of _deprecated folders after parsing: the cache's bytes lack the mark.
    const stored = c.rule.deprecated ? undefined : cache?.storedLength(c.rule);
    if (stored !== undefined) return { length: stored, rule: c.rule };
    const blob = encodeCompiled(withoutProse(c.rule), outlineOf(c));
    return { length: blob.length, rule: c.rule, blob };
  });
  const bytes = new SharedArrayBuffer(parts.reduce((n, p) => n + p.length, 0));
  const view = new Uint8Array(bytes);
  const spans: number[] = [];
  let at = 0;
  for (const p of parts) {
    if (p.blob) view.set(p.blob, at);
    // The cache file can no longer be read (cut short under this run): every rule encoded anew.
    else if (!cache!.copyStored(p.rule, view, at)) return rulesForWorkers(set);
    spans.push(at, p.length);
    at += p.length;
  }
  return { bytes, spans };
}

function withoutProse(rule: Rule): Rule {
  const { note: _note, setup: _setup, references: _references, false_positives: _fp, author: _author, license: _license, ...kept } = rule;
  return kept;
}

/**
 * The main thread's compiled set, in a worker: the same rules, each compiled on the first event
 * the router hands it. Failures and unsupported rules are the main thread's to report.
 */
export function lazyRuleSet({ bytes, spans }: RulesForWorkers, o: Pick<RuleSetOptions, 'now' | 'strictIndex'>): CompiledSet {
  const options = { now: o.now, strictIndex: o.strictIndex };
  const compiled: CompiledRule[] = [];
  for (let i = 0; i < spans.length; i += 2) {
    const { rule, outline } = decodeCompiled(new Uint8Array(bytes, spans[i], spans[i + 1]));
    compiled.push(lazyRule(withoutProse(rule), outline, options));
  }
  return { compiled, failed: [], unsupported: [] };
}

/**
 * A `--rule-id` no loaded rule has is a mistake (a typo, the wrong folder): reported as a failed
 * rule, so the hunt says so and exits 2, rather than quietly running without it.
 */
function unknownIds(rules: Rule[], o: RuleSetOptions): RuleSet['failed'] {
  if (!o.ruleIds?.length) return [];
  const known = new Set(rules.map((r) => r.rule_id));
  return [...new Set(o.ruleIds)]
    .filter((id) => !known.has(id))
    .map((id) => ({ file: '--rule-id', rule_id: id, message: `no rule with id ${id} among the rules loaded from ${o.rulePaths.join(', ')}` }));
}

function selectRules(rules: Rule[], o: RuleSetOptions): Rule[] {
  const ids = o.ruleIds?.length ? new Set(o.ruleIds) : undefined;
  const min = o.minSeverity ? severityRank(o.minSeverity) : 0;
  const tags = o.tags?.map((t) => t.toLowerCase());
  return rules.filter(
    (r) =>
      (!ids || ids.has(r.rule_id)) &&
      severityRank(r.severity) >= min &&
      (!tags?.length || r.tags.some((t) => tags.includes(t.toLowerCase()))),
  );
}
