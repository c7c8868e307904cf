import type { TrawlEvent } from '../input/event.js';
import type { IndexMatcher } from '../input/index-name.js';
import type { Projection } from '../fields/projection.js';
import type { Discriminator } from '../lang/discriminator.js';
import type { Rule } from '../rules/rule.js';
import type { Hit, HitRule } from './hit.js';
import type { TimeOf } from './rule-time.js';

/** A routing condition: every event the rule can match has one of these values in `field`. */
export interface RouteTerm {
  field: string;
  values: string[];
  caseInsensitive: boolean;
}

/** An event held by a stateful rule until the scan ends, with its rule time resolved once. */
export interface Candidate extends TrawlEvent {
  ts: number | undefined;
  /** Set for rules with `mark`: what it returned for the whole document. */
  mark?: number;
  /** Set for rules with `tally`: this candidate stands for `count` events of one cell (see Tally). */
  tally?: Tally;
}

/**
 * Events folded while scanning into one candidate per cell (threshold: a group of values in one
 * emulated run): the candidate is the cell's first event in candidate order, `last` the latest
 * time among its events. Cells of the same key from several scanners (or spills) add up.
 */
export interface Tally {
  group: string;
  run: number;
  count: number;
  last: number;
}

interface CompiledBase {
  rule: Rule;
  hitRule: HitRule;
  matchesIndex: IndexMatcher;
  /** The index patterns `matchesIndex` was compiled from; undefined when it admits every index. */
  indexPatterns: string[] | undefined;
  route: RouteTerm[];
  /**
   * Necessary conditions on other fields (process.name, file.path, …): the router indexes the
   * cheapest one so an event meets only the rules that could match it. Empty: always evaluated.
   */
  discriminators: Discriminator[];
  /**
   * The same contract per alternative (an EQL sequence's stages): every event the rule can match
   * satisfies all discriminators of at least one stage. With it the router chooses per route key:
   * stages that key rules out are dropped, and each remaining stage brings its own condition.
   */
  stageDiscriminators?: Discriminator[][];
  timeOf: TimeOf;
}

/** Single-event rules: every event passing `match` is a hit, decided while streaming. */
export interface StatelessRule extends CompiledBase {
  stateful: false;
  match(doc: Record<string, unknown>): boolean;
}

/**
 * Rules that need event-time order (sequences, new_terms, threshold, ES|QL): `candidate` keeps the
 * few events that can matter while streaming; `evaluate` sees them all, sorted by rule time.
 */
export interface StatefulRule extends CompiledBase {
  stateful: true;
  candidate(doc: Record<string, unknown>): boolean;
  /**
   * When set, replaces `candidate` while scanning: non-zero keeps the event, and the number is
   * kept with it (Candidate.mark) for evaluation to read instead of re-testing the document —
   * so a projection may leave out the fields only that test reads (EQL sequence stages).
   */
  mark?(doc: Record<string, unknown>): number;
  /**
   * When set, a kept event is folded into the cells it falls in (group and run) instead of kept
   * itself: `evaluate` then receives one tallied candidate per cell and scanner (see Tally).
   */
  tally?(doc: Record<string, unknown>, ts: number): { group: string; run: number }[];
  evaluate(candidates: Candidate[], ctx: EvaluateContext): Hit[];
  /**
   * When set, `evaluate` reads only the fields this keeps: a scanner may store candidates as
   * projections (a fraction of the memory and spill), and the hunt reads the hits' whole
   * documents back from the evidence afterwards. Unset: evaluation needs whole documents.
   */
  project?: Projection;
  /**
   * When set, the candidates that can change the result (any order in, order kept): applied
   * before the time sort when all of a rule's candidates are in memory. EQL sequences drop the
   * events of later stages under join keys no first-stage event has. Candidates split among
   * scanners are pruned each with `opened`, the union of every part's `pruneKeys`.
   */
  prune?(candidates: Candidate[], opened?: ReadonlySet<string>): Candidate[];
  /** With prune: what these candidates tell the other parts' pruning (EQL: first-stage join keys). */
  pruneKeys?(candidates: Candidate[]): Set<string>;
}

export type CompiledRule = StatelessRule | StatefulRule;

export interface EvaluateContext {
  /** Warnings worth a line in the summary (e.g. ES|QL multi-value nulls), prefixed by the caller. */
  warn(message: string): void;
  /** Peak state sizes for the memory report. */
  stat(name: string, value: number): void;
}

export type CompileOutcome =
  | { ok: true; compiled: CompiledRule }
  | { ok: false; unsupported: true; reason: string }
  | { ok: false; unsupported: false; message: string; line?: number; column?: number };
