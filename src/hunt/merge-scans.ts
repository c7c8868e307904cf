import { CandidateSet } from '../engine/candidates/index.js';
import type { Hit, RuleFault } from '../engine/index.js';
import { SkipLedger } from '../input/index.js';
import { LineageIndex } from '../lineage/index.js';
import type { ScanOutput } from './scan-tasks.js';

export interface MergedScan {
  hits: Hit[];
  candidates: CandidateSet;
  faults: RuleFault[];
  ledger: SkipLedger;
  events: number;
  /** Of the events, lines a gate screened out without parsing them (see RoutingGate). */
  screened: number;
  /** Rules with hits that hold only their place (see Scanner.keepHitPlacesPast). */
  placed: Set<string>;
  lineage?: LineageIndex;
  interrupted: boolean;
}

/**
 * Combine scanner outputs. Everything order-dependent is re-sorted later (hits, candidates) or
 * here (skip examples, fault locations), so results do not depend on which worker finished first.
 */
export function mergeScans(outputs: ScanOutput[], withLineage: boolean, lineageBytes = Infinity): MergedScan {
  const candidates = new CandidateSet();
  const faults = new Map<string, RuleFault>();
  const ledger = new SkipLedger();
  const lineage = withLineage ? new LineageIndex(lineageBytes) : undefined;
  const hits: Hit[] = [];
  let events = 0;
  let screened = 0;
  let interrupted = false;
  const placed = new Set<string>();
  const skips = outputs.map((o) => o.skipped);
  for (const o of outputs) {
    for (const h of o.hits) hits.push(h);
    candidates.add(o.candidates);
    for (const f of o.faults) {
      const prev = faults.get(f.rule_id);
      if (!prev) faults.set(f.rule_id, { ...f });
      else {
        prev.count += f.count;
        if (before(f.first, prev.first)) prev.first = f.first;
      }
    }
    events += o.events;
    screened += o.screened;
    for (const id of o.placed) placed.add(id);
    interrupted ||= o.interrupted;
    if (lineage && o.lineage) lineage.merge(LineageIndex.fromJSON(o.lineage));
  }
  for (const s of skips) ledger.merge(s);
  for (const c of Object.values(ledger.byKind)) c?.examples.sort((a, b) => before(a, b) ? -1 : before(b, a) ? 1 : 0);
  return { hits, candidates, faults: [...faults.values()], ledger, events, screened, placed, lineage, interrupted };
}

function before(a: { file: string; line?: number }, b: { file: string; line?: number }): boolean {
  return a.file < b.file || (a.file === b.file && (a.line ?? 0) < (b.line ?? 0));
}
