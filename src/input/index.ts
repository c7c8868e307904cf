export type { TrawlEvent, Provenance } from './event.js';
export { SkipLedger, MAX_EXAMPLES, type SkipKind, type SkipReport, type SkipCount, type SkipExample } from './skips.js';
export { eventIndex, compileIndexPatterns, matchesIndexPatterns, type IndexMatcher } from './index-name.js';
export { discoverEvidence } from './discover.js';
export { readEvidenceFile, type EvidenceFile, type ReadOptions } from './read-file.js';
export { sniffFile, type Sniffed } from './sniff.js';
export { createProgress, NO_PROGRESS, NO_STAGE, type Progress, type ProgressOptions, type ProgressStage } from './progress.js';
