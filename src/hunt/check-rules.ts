import type { Rule } from '../rules/index.js';
import { RuleCache } from './rule-cache.js';
import { compileRuleSet, readRuleFiles, type RuleSetOptions } from './rule-set.js';

/** `trawl rules check` JSON: a stable contract for CI pipelines that vet rule packs. */
export interface RuleCheckReport {
  total: number;
  compiled: number;
  unsupported: { file: string; rule_id?: string; name?: string; type: string; reason: string }[];
  errors: { file: string; rule_id?: string; name?: string; message: string; line?: number; column?: number }[];
}

export async function checkRules(
  paths: string[],
  options: { includeDeprecated?: boolean; now?: number; cacheDir?: string } = {},
): Promise<{ report: RuleCheckReport; rules: Rule[] }> {
  const o: RuleSetOptions = { rulePaths: paths, includeDeprecated: options.includeDeprecated, now: options.now ?? Date.now(), strictIndex: false };
  const cache = RuleCache.open(options.cacheDir, o);
  const { loaded, set } = await readAndCompile(o, cache).finally(() => cache?.close());
  const errors = [
    ...loaded.errors.map((e) => ({ file: e.file, rule_id: e.rule_id, name: e.name, message: e.message, line: e.line, column: e.column })),
    ...set.failed,
  ].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return {
    report: {
      total: loaded.rules.length + loaded.errors.length,
      compiled: set.compiled.length,
      unsupported: set.unsupported,
      errors,
    },
    rules: loaded.rules,
  };
}

async function readAndCompile(o: RuleSetOptions, cache: RuleCache | undefined) {
  const loaded = await readRuleFiles(o, cache);
  // Only the outcomes are reported: no compiled rule is kept (CI vetting a rule pack runs cold).
  return { loaded, set: compileRuleSet(loaded, o, cache, true).set };
}
