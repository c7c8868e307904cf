export type { Hit, HitRule } from './hit.js';
export type { Candidate, CompiledRule, StatefulRule, StatelessRule, CompileOutcome } from './compiled-rule.js';
export { compileRule, type CompileOptions } from './compile-rule.js';
export { Scanner, evaluateStateful, sortHits, sortCandidates, type RuleFault } from './scanner.js';
export { hostOf } from './make-hit.js';
