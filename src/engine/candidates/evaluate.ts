import v8 from 'node:v8';
import type { Candidate, EvaluateContext, StatefulRule } from '../compiled-rule.js';
import type { Hit } from '../hit.js';
import type { CandidateSet } from './candidate-set.js';
import { reclaimMemory } from './reclaim.js';
import { isStreaming } from './streaming-rule.js';

export interface EvaluationLimits {
  /** What --max-memory allows one rule's loaded candidates; beyond, evaluate anyway but warn. */
  loadBytes: number;
  /** Beyond this, loading would exhaust the JS heap itself: the rule is skipped with a warning. */
  refuseBytes: number;
  /** State a streaming rule (new_terms seen values) may keep before evicting. */
  stateBytes: number;
  /** How the limit is named in warnings, e.g. "--max-memory 256 MB". */
  label: string;
}

export interface EvaluationOptions {
  ctx(rule: StatefulRule): EvaluateContext;
  onError(rule: StatefulRule, err: unknown): void;
  aborted(): boolean;
  limits: EvaluationLimits;
  /** Called after each rule that had candidates, evaluated or not (progress). */
  onRuleDone?(rule: StatefulRule): void;
  /** The forced full collection between rules (default reclaimMemory). */
  reclaim?(): void;
}

export interface EvaluationResult {
  hits: Hit[];
  /** Rules with candidates left unevaluated because the hunt was interrupted first. */
  interruptedBefore: number;
}

const MB = 1024 * 1024;
/**
 * Garbage of more than this, and at least this share of the live heap, is worth collecting
 * before the next rule. A forced full collection walks the whole heap (~0.5 s at 400 MB of
 * other rules' candidates, ~120 ms at 90 MB): one that would free a sliver is left to V8.
 */
const RECLAIM_AFTER = 16 * MB;
const RECLAIM_SHARE = 0.25;
const worthCollecting = (bytes: number): boolean => bytes > RECLAIM_AFTER && bytes > RECLAIM_SHARE * v8.getHeapStatistics().used_heap_size;
const mb = (n: number) => `${(n / MB).toFixed(n < 10 * MB ? 1 : 0)} MB`;

/**
 * Evaluate stateful rules one at a time, so memory holds one rule's candidates (or, for
 * streaming rules, only its state) at once. Yields to the event loop between rules so Ctrl-C is
 * noticed; once interrupted the remaining rules are left out and counted.
 */
export async function evaluateCandidates(rules: readonly StatefulRule[], set: CandidateSet, o: EvaluationOptions): Promise<EvaluationResult> {
  const hits: Hit[] = [];
  /** Bytes of runs read back since the last forced collection. */
  let readSinceCollection = 0;
  for (let i = 0; i < rules.length; i++) {
    if (o.aborted()) return { hits, interruptedBefore: rules.slice(i).filter((r) => set.size(r.rule.rule_id).count > 0).length };
    const rule = rules[i];
    const id = rule.rule.rule_id;
    const size = set.size(id);
    if (size.count === 0) continue;
    const ctx = o.ctx(rule);
    let readBack = 0;
    try {
      if (isStreaming(rule)) {
        const source = set.stream(id, rule);
        // In memory: cut the untimed tail off the array itself; a generator per candidate costs
        // more than some rules' whole evaluation.
        const timed = Array.isArray(source) ? timedArray(source, (n) => ctx.warn(untimedMessage(n))) : timedOnly(source, size.count, (n) => ctx.warn(untimedMessage(n)));
        append(hits, rule.evaluateStream(timed, { ...ctx, stateBytes: o.limits.stateBytes }));
      } else {
        if (size.heapBytes > o.limits.refuseBytes) {
          ctx.warn(
            `not evaluated: ${size.count} candidates (~${mb(size.heapBytes)}) would not fit in the JavaScript heap; ` +
              'narrow the evidence (fewer hosts or a shorter time span) and hunt again',
          );
          continue;
        }
        if (size.heapBytes > o.limits.loadBytes) {
          ctx.warn(
            `${size.count} candidates (~${mb(size.heapBytes)}) exceeded ${o.limits.label}; ` +
              'this rule type needs them all in memory at once, so it was evaluated anyway',
          );
        }
        const list = set.load(id, rule);
        const untimed = list.findIndex((c) => c.ts === undefined);
        if (untimed >= 0) {
          ctx.warn(untimedMessage(list.length - untimed));
          list.length = untimed;
        }
        append(hits, rule.evaluate(list, ctx));
      }
    } catch (err) {
      o.onError(rule, err);
    } finally {
      readBack = set.release(id);
      o.onRuleDone?.(rule);
    }
    // A rule that held much leaves garbage to collect before the next one. So do candidates
    // read back from disk (see reclaimMemory), counted across rules until they add up: every
    // spilled rule used to force a collection, and over 400 MB at --max-memory 400MB six in a
    // row took ~120 ms each to free 2-12 MB. Not weighed against the heap: their garbage is
    // what would take the heap past --max-memory.
    const held = isStreaming(rule) ? size.memoryHeapBytes : size.heapBytes;
    readSinceCollection += readBack;
    if (worthCollecting(held) || readSinceCollection > RECLAIM_AFTER) {
      (o.reclaim ?? reclaimMemory)();
      readSinceCollection = 0;
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { hits, interruptedBefore: 0 };
}

/** push(...more) passes every element as an argument: a million hits overflow the stack. */
function append(into: Hit[], more: Hit[]): void {
  for (const h of more) into.push(h);
}

function untimedMessage(n: number): string {
  return `${n} candidate event(s) without a usable timestamp were not evaluated`;
}

/** Untimed candidates sort last: drop them from a sorted array (it is the rule's own), counted. */
function timedArray(list: Candidate[], onUntimed: (n: number) => void): Candidate[] {
  let n = list.length;
  while (n > 0 && list[n - 1].ts === undefined) n--;
  if (n < list.length) {
    onUntimed(list.length - n);
    list.length = n;
  }
  return list;
}

/** Untimed candidates sort last: stop at the first one and count the rest. */
function* timedOnly(source: Iterable<Candidate>, total: number, onUntimed: (n: number) => void): Generator<Candidate> {
  let seen = 0;
  for (const c of source) {
    if (c.ts === undefined) {
      onUntimed(total - seen);
      return;
    }
    seen++;
    yield c;
  }
}
