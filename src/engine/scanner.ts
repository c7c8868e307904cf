import type { TrawlEvent } from '../input/event.js';
import { candidateOf, CandidateStore, compareCandidates, precedes, pruneCandidates, sampledWeigher } from './candidates/index.js';
import { compileProjection, type Projection } from '../fields/projection.js';
import type { Candidate, CompiledRule, EvaluateContext, StatefulRule, StatelessRule, Tally } from './compiled-rule.js';
import type { Hit, HitRule } from './hit.js';
import type { TimeOf } from './rule-time.js';
import { eventHit } from './make-hit.js';
import { RuleRouter } from './router.js';

/** A rule that threw on an event: counted per rule with the first location, never fatal. */
export interface RuleFault {
  rule_id: string;
  count: number;
  first: { file: string; line: number; message: string };
}

/**
 * The streaming half of a hunt: routes each event to the rules that can match it, emits hits of
 * single-event rules and keeps candidates for stateful ones in a store that spills to disk past
 * its budget. Workers each run one; their state merges into the finishing half.
 */
export class Scanner {
  readonly hits: Hit[] = [];
  readonly faults = new Map<string, RuleFault>();
  private readonly router: RuleRouter<ScanRule>;
  /** This scanner's view of each rule, in the order of `rules`. */
  private readonly entries: ScanRule[];

  /** Whether candidates are being kept as projections (see startProjecting). */
  private projecting = false;
  /** Whole documents are weighed by sample; so are each rule's projections (ScanRule.weigh). */
  private readonly weighDocument = sampledWeigher();
  /** Past this many (estimated) bytes of hits' documents, new hits keep only their place (see keepHitPlacesPast). */
  private hitBudget = Number.POSITIVE_INFINITY;
  private hitBytes = 0;
  private hitSummary: Projection | undefined;
  /** Rules with hits that keep only their place. */
  readonly placed = new Set<string>();

  constructor(
    rules: readonly CompiledRule[],
    readonly store: CandidateStore = new CandidateStore(),
  ) {
    this.entries = rules.map((r) => new ScanRule(r));
    this.router = new RuleRouter(rules, this.entries);
    this.pruneKeysById = new Map(rules.flatMap((r) => (r.stateful && r.prune && r.pruneKeys ? [[r.rule.rule_id, r.pruneKeys] as const] : [])));
  }

  /**
   * From `bytes` of single-event hits' documents on, a new hit holds an empty document: its
   * place (file and line) is what the caller reads it back by when it writes it (readBackInOrder).
   * So a rule matching a large part of the evidence costs memory for places, not documents.
   * Documents of `_search` exports stay whole: their hits may share a line, and read-back tells
   * them apart by what they hold. With `summary`, such a hit keeps those fields of its document.
   */
  keepHitPlacesPast(bytes: number, summary?: readonly string[]): void {
    this.hitBudget = bytes;
    this.hitSummary = summary?.length ? compileProjection(summary) : undefined;
  }

  get isProjecting(): boolean {
    return this.projecting;
  }

  /**
   * From now on keep stateful rules' candidates as their projections, and project the ones
   * held: for when the store runs over its budget, since projections take a fraction of the
   * memory and need no disk. The caller must be able to read hits' documents back afterwards.
   */
  startProjecting(): void {
    if (this.projecting) return;
    this.projecting = true;
    const projections = new Map<string, Projection>();
    for (const r of this.entries) {
      // Held cells are about to be replaced by projected copies: later events start new cells.
      r.cells = undefined;
      if (r.project) projections.set(r.id, r.project);
    }
    this.store.projectAll(projections);
  }

  /** In-memory candidates by rule id (all of them unless the store spilled). */
  get candidates(): Map<string, Candidate[]> {
    return this.store.memory;
  }

  /**
   * The keys a rule's timed candidates open, for a rule that prunes (StatefulRule.pruneKeys):
   * what its store keeps beside a spilled run, so the rule is still pruned at evaluation.
   */
  readonly openings = (ruleId: string, timed: Candidate[]): Set<string> | undefined => this.pruneKeysById.get(ruleId)?.(timed);
  private readonly pruneKeysById: Map<string, NonNullable<StatefulRule['pruneKeys']>>;

  /** The fields that decide which rules an event meets (see `meetsAnyRule`). */
  routedFields(): string[] {
    return this.router.fieldsRead();
  }

  /**
   * Whether an event with these values of `routedFields` (any others may be missing), from this
   * Elasticsearch index if known, meets any rule: when it does not, scanning it changes nothing.
   */
  meetsAnyRule(doc: Record<string, unknown>, index?: string): boolean {
    return this.router.rulesFor({ doc, file: '', line: 0, index }).length > 0;
  }

  scan(ev: TrawlEvent): void {
    // Weighed once even when several rules keep the event: over-counting shared documents
    // only makes spilling start a little early.
    let heapBytes = -1;
    for (const rule of this.router.rulesFor(ev)) {
      try {
        if (rule.match !== undefined) {
          if (!rule.match(ev.doc)) continue;
          const hit = eventHit(rule.hitRule, ev, rule.timeOf(ev.doc));
          if (this.hitBudget !== Number.POSITIVE_INFINITY && ev.index === undefined && ev.id === undefined) {
            if (heapBytes < 0) heapBytes = this.weighDocument(ev.doc);
            // Each hit counts its document: several rules matching one event over-count, so places start early.
            this.hitBytes += heapBytes;
            if (this.hitBytes > this.hitBudget) {
              hit.event = this.hitSummary !== undefined ? this.hitSummary(ev.doc) : PLACED;
              this.placed.add(rule.id);
            }
          }
          this.hits.push(hit);
          continue;
        }
        const mark = rule.mark !== undefined ? rule.mark(ev.doc) : (rule.candidate as StatefulRule['candidate'])(ev.doc) ? -1 : 0;
        if (mark === 0) continue;
        const ts = rule.timeOf(ev.doc);
        if (rule.tally !== undefined && ts !== undefined) {
          this.fold(rule, rule.tally, ev, ts);
          continue;
        }
        const id = rule.id;
        const kept = rule.mark !== undefined ? mark : undefined;
        if (this.projecting && rule.project !== undefined) {
          const doc = rule.project(ev.doc);
          this.store.add(id, candidateOf(ev, doc, ts, kept), rule.weigh(doc));
        } else {
          if (heapBytes < 0) heapBytes = this.weighDocument(ev.doc);
          this.store.add(id, candidateOf(ev, ev.doc, ts, kept), heapBytes);
        }
      } catch (err) {
        this.fault(rule.id, ev, err);
      }
    }
  }

  /** Count the event in its cells; it becomes the candidate of each cell it is the first event of. */
  private fold(rule: ScanRule, tally: NonNullable<StatefulRule['tally']>, ev: TrawlEvent, ts: number): void {
    const id = rule.id;
    let cells = rule.cells;
    // Cells spilled to disk, or replaced by projections, are no longer updated: new ones start
    // (cells of the same key add up at evaluation).
    if (cells && cells.list !== this.store.memory.get(id)) cells = undefined;
    const project = this.projecting ? rule.project : undefined;
    let kept: Record<string, unknown> | undefined;
    const docOf = () => (kept ??= project ? project(ev.doc) : ev.doc);
    for (const { group, run } of tally(ev.doc, ts)) {
      const key = `${run} ${group}`;
      const held = cells?.byKey.get(key);
      if (held) {
        const t = held.tally as Tally;
        t.count++;
        if (ts > t.last) t.last = ts;
        if (precedes(ts, ev, held)) {
          // An earlier event: the cell's candidate now stands for it. The object is this
          // scanner's until the snapshot, so it is updated in place (its list holds it).
          const m = held as { -readonly [K in keyof Candidate]: Candidate[K] };
          m.doc = docOf();
          m.file = ev.file;
          m.line = ev.line;
          m.ts = ts;
          if (ev.index !== undefined || m.index !== undefined) m.index = ev.index;
          if (ev.id !== undefined || m.id !== undefined) m.id = ev.id;
        }
        continue;
      }
      const doc = docOf();
      const c = candidateOf(ev, doc, ts, undefined, { group, run, count: 1, last: ts });
      this.store.add(id, c, project ? rule.weigh(doc) : this.weighDocument(doc));
      cells ??= rule.cells = { list: this.store.memory.get(id), byKey: new Map() };
      cells.byKey.set(key, c);
    }
  }

  private fault(ruleId: string, ev: TrawlEvent, err: unknown): void {
    const f = this.faults.get(ruleId);
    if (f) f.count++;
    else this.faults.set(ruleId, { rule_id: ruleId, count: 1, first: { file: ev.file, line: ev.line, message: String((err as Error)?.message ?? err) } });
  }
}

/**
 * The document of every hit that keeps only its place, until it is read back (which replaces it):
 * one shared object instead of an empty one per hit, a quarter of what such a hit costs (210 →
 * 153 bytes), and a million-hit hunt can have a million of them.
 */
const PLACED: Record<string, unknown> = Object.freeze({});

/**
 * A rule as the scan loop reads it. Compiled rules are objects of a dozen shapes (one per kind,
 * spread from a common base), so every property the loop read was a megamorphic load; read from
 * one class, each is a plain field load.
 */
class ScanRule {
  readonly id: string;
  readonly hitRule: HitRule;
  readonly timeOf: TimeOf;
  /** Single-event rules. */
  readonly match: StatelessRule['match'] | undefined;
  /** Stateful rules: what the loop calls of them. */
  readonly mark: StatefulRule['mark'];
  readonly candidate: StatefulRule['candidate'] | undefined;
  readonly tally: StatefulRule['tally'];
  readonly project: StatefulRule['project'];
  /** This scanner's projections of the rule, weighed by sample: each belongs to the rule alone. */
  readonly weigh = sampledWeigher();
  /** With `tally`: the cells by key, for the candidate list they were added to. */
  cells: { list: Candidate[] | undefined; byKey: Map<string, Candidate> } | undefined;

  constructor(rule: CompiledRule) {
    this.id = rule.rule.rule_id;
    this.hitRule = rule.hitRule;
    this.timeOf = rule.timeOf;
    this.match = rule.stateful ? undefined : rule.match;
    this.mark = rule.stateful ? rule.mark : undefined;
    this.candidate = rule.stateful && !rule.mark ? rule.candidate : undefined;
    this.tally = rule.stateful ? rule.tally : undefined;
    this.project = rule.stateful ? rule.project : undefined;
  }
}

/** Orders candidates by rule time, then evidence location (stable across worker counts). */
export function sortCandidates(list: Candidate[]): Candidate[] {
  return list.sort(compareCandidates);
}

/**
 * The finishing half for candidates that are all in memory (tests, small in-process runs): each
 * stateful rule evaluates its time-ordered candidates. Hunts use `evaluateCandidates`, which also
 * reads spilled runs back.
 */
export function evaluateStateful(
  rules: readonly StatefulRule[],
  candidates: Map<string, Candidate[]>,
  ctx: (rule: StatefulRule) => EvaluateContext,
  onError: (rule: StatefulRule, err: unknown) => void,
): Hit[] {
  const hits: Hit[] = [];
  for (const rule of rules) {
    const all = candidates.get(rule.rule.rule_id);
    if (!all?.length) continue;
    const list = sortCandidates(pruneCandidates(all, rule.prune));
    const untimed = list.findIndex((c) => c.ts === undefined);
    const c = ctx(rule);
    if (untimed >= 0) {
      c.warn(`${list.length - untimed} candidate event(s) without a usable timestamp were not evaluated`);
      list.length = untimed;
    }
    try {
      for (const h of rule.evaluate(list, c)) hits.push(h);
    } catch (err) {
      onError(rule, err);
    }
  }
  return hits;
}

/** Hits in the documented order: timestamp, file, line, rule id — identical for identical input. */
export function sortHits(hits: Hit[]): Hit[] {
  const loc = (h: Hit) => (Array.isArray(h.source) ? h.source[0] : h.source);
  return hits.sort((a, b) => {
    if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? -1 : 1;
    const la = loc(a);
    const lb = loc(b);
    const fa = la?.file ?? '';
    const fb = lb?.file ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    const d = (la?.line ?? 0) - (lb?.line ?? 0);
    if (d !== 0) return d;
    return a.rule.id < b.rule.id ? -1 : a.rule.id > b.rule.id ? 1 : 0;
  });
}
