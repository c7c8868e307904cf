export { approxHeapBytes, CANDIDATE_OVERHEAD, sampledWeigher } from './heap-size.js';
export { compareCandidates, precedes, pruneCandidates, timedCandidates } from './order.js';
export { candidateOf, CandidateStore, type CandidateSnapshot, type CandidateStoreOptions } from './store.js';
export { CandidateSet, openedKeys, type SpillTotals } from './candidate-set.js';
export { SpillDir } from './spill-dir.js';
export { evaluateCandidates, type EvaluationLimits, type EvaluationOptions, type EvaluationResult } from './evaluate.js';
export { isStreaming, type StreamContext, type StreamingStatefulRule } from './streaming-rule.js';
export type { RunFile } from './run-file.js';
