import { compileField, parseTimestamp } from '../../fields/index.js';
import { QueryError } from '../query-error.js';
import type { EventQuery, Expr, Pipe, Query, Stage } from './ast.js';
import { chainOperands, compileExpr, compilePred, type ExprCtx } from './compile-expr.js';
import type { Discriminator } from '../discriminator.js';
import { eqlDiscriminatorSets } from './discriminators.js';
import { mappedFields, memoField, type MappedFields } from './field-memo.js';
import { parseEql } from './parser.js';
import { runSample, type SampleStage } from './sample.js';
import { runSequence, sequenceInput, sequenceOpenings, type MissingStage, type SeqOptions, type SeqStage } from './sequence.js';
import type { EqlInput, EqlMatch, EqlOptions } from './types.js';

export type { EqlInput, EqlMapping, EqlMatch, EqlOptions } from './types.js';
export type { SeqOptions } from './sequence.js';
export { parseEql } from './parser.js';

export interface RequiredTerm { field: string; values: string[]; caseInsensitive: boolean }

export interface EqlQuery {
  kind: 'event' | 'sequence' | 'sample';
  filter(doc: Record<string, unknown>): boolean;
  /** `options` bound a sequence's live partials (other kinds ignore them). */
  run<E extends EqlInput>(events: Iterable<E>, options?: SeqOptions<E>): EqlMatch<E>[];
  /**
   * Sequences: the events that can change the result, in their order — `run` over them in time
   * order returns what it returns over all of `xs` in time order. See sequenceInput. For input
   * split into parts, pass the union of every part's `openings`.
   */
  prune?<E extends EqlInput>(events: readonly E[], opened?: ReadonlySet<string>): E[];
  /** Sequences: the join keys these events' first-stage matches open (see sequenceOpenings). */
  openings?<E extends EqlInput>(events: readonly E[]): Set<string>;
  /**
   * Sequences: the stage filters `doc` passes, as the `mark` of an EqlInput (0: none, so not
   * a candidate). Absent when the query has more distinct stages than a mark has bits.
   */
  mark?(doc: Record<string, unknown>): number;
  /** With mark: the fields `run`, `prune` and `openings` read of marked events (join keys and time). */
  markedFields?: string[];
  readonly stats: { peakPartials: number };
  /** The query's head/tail pipes, in order (`run` applies them; PipeStream streams them). */
  limits: PipeLimit[];
  requiredTerms: RequiredTerm[];
  /** Necessary conditions for the engine's rule index: every document `filter` accepts satisfies each. */
  discriminators: Discriminator[];
  /** Sequences and samples: the discriminators of each stage (see eqlStageDiscriminators). */
  stageDiscriminators?: Discriminator[][];
  fields: string[];
}

const ENDGAME_PIPES = new Set(['count', 'unique', 'filter', 'sort', 'unique_count', 'window']);

type Doc = Record<string, unknown>;

export function compileEql(query: string, options: EqlOptions = {}): EqlQuery {
  try {
    return compileEqlUnguarded(query, options);
  } catch (err) {
    // Hostile nesting (10k parentheses or nots) recurses in the parser: a positioned refusal, not a crash.
    if (err instanceof RangeError) throw new QueryError('query is too deeply nested to parse', query, 0);
    throw err;
  }
}

function compileEqlUnguarded(query: string, options: EqlOptions): EqlQuery {
  const src = query;
  const ast = parseEql(src);
  const catField = options.eventCategoryField ?? 'event.category';
  const tsField = options.timestampField ?? '@timestamp';
  // Without a mapping nothing below differs from reading documents as they are.
  const mapped = options.mapping ? mappedFields(options.mapping) : undefined;
  const ctx: ExprCtx = { src, fields: new Set(), mapped };
  const catGet = mapped ? mapped.field(catField) : memoField(catField);
  const tsGet = mapped ? mapped.field(tsField) : compileField(tsField);
  const time = (d: Doc) => parseTimestamp(tsGet(d)) ?? 0;

  const compileEvent = (q: EventQuery): ((d: Doc) => boolean) => {
    const cond = compilePred(q.condition, ctx);
    const staticT = q.condition.type === 'literal' ? q.condition.value : undefined;
    if (staticT !== undefined && typeof staticT !== 'boolean' && staticT !== null) {
      throw new QueryError('condition must be a boolean', src, q.condition.location.min, 'type');
    }
    if (q.category === null) return (d) => cond(d) === true;
    ctx.fields.add(catField);
    const cat = q.category;
    // the condition first: routing already holds the category for every event a rule meets
    return (d) => {
      if (cond(d) !== true) return false;
      const c = catGet(d);
      return Array.isArray(c) ? c.includes(cat) : c === cat;
    };
  };
  const { limits, apply: pipes } = compilePipes(ast.pipes, src);
  const stats = { peakPartials: 0 };

  if (ast.type === 'eventQuery') {
    const f = compileEvent(ast.query);
    return {
      kind: 'event', filter: f, stats, limits,
      run: (events) => pipes(Array.from(events, (e) => e).filter((e) => f(e.doc)).map((e) => ({ events: [e] }))),
      requiredTerms: termsOf(ast.query, catField),
      discriminators: eqlDiscriminatorSets(ast, catField).discriminators,
      fields: [...ctx.fields],
    };
  }

  // Join keys are read by the matcher itself: their fields are what a marked event must keep.
  const keyFields = new Set<string>();
  const keyCtx: ExprCtx = { ...ctx, fields: keyFields };
  const keyFns = (stage: Stage, globalBy: Expr[]): ((d: Doc) => unknown[]) => {
    const ks = [...globalBy, ...stage.by].map((k) => compileExpr(k, keyCtx));
    for (const f of keyFields) ctx.fields.add(f);
    return (d) => ks.map((k) => { const v = k(d); return v === undefined ? null : Array.isArray(v) ? v[0] ?? null : v; });
  };
  const stageFilters: ((d: Doc) => boolean)[] = [];
  const allStages = ast.stages.concat(ast.type === 'sequence' && ast.until ? [ast.until] : []);
  const termsList = allStages.map((s) => termsOf(s.query, catField));
  const common = termsList.reduce((acc, t) => acc.filter((x) => t.some((y) => sameTerm(x, y))));

  if (ast.type === 'sequence') {
    const real: SeqStage[] = [];
    const missing: MissingStage[] = [];
    let position = 0;
    for (const s of ast.stages) {
      const f = compileEvent(s.query);
      stageFilters.push(f);
      const keys = keyFns(s, ast.by);
      if (s.missing) for (let r = 0; r < s.runs; r++) missing.push({ filter: f, keys, before: real.length, position: position++ });
      else for (let r = 0; r < s.runs; r++) { real.push({ filter: f, keys }); position++; }
    }
    let until: SeqStage | null = null;
    if (ast.until) {
      const f = compileEvent(ast.until.query);
      stageFilters.push(f);
      until = { filter: f, keys: keyFns(ast.until, ast.by) };
    }
    const spec = { stages: real, missing, until, maxspan: ast.maxspan, time };
    const marker = stageMarker([...real, ...missing, ...(until ? [until] : [])]);
    const discs = eqlDiscriminatorSets(ast, catField);
    const shown = mapped ? showDateKeys([...ast.by, ...(ast.stages.find((st) => !st.missing)?.by ?? [])], mapped) : undefined;
    return {
      kind: 'sequence', stats, limits,
      filter: anyOf(stageFilters),
      run: (events, opts) => {
        const matches = runSequence(spec, events, stats, opts);
        return pipes(shown ? matches.map(shown) : matches);
      },
      prune: (events, opened) => sequenceInput(spec, events, opened),
      openings: (events) => sequenceOpenings(spec, events),
      ...(marker ? { mark: marker, markedFields: [...keyFields, tsField] } : {}),
      requiredTerms: common,
      discriminators: discs.discriminators,
      stageDiscriminators: discs.stages,
      fields: [...ctx.fields, ...(ctx.fields.size ? [tsField] : [])].filter((x, i, a) => a.indexOf(x) === i),
    };
  }

  // sample: keys stay multi-valued (each value is a join key of its own)
  const stages: SampleStage[] = ast.stages.map((s) => {
    const by = [...ast.by, ...s.by];
    const filter = compileEvent(s.query);
    const ks = by.map((k) => compileExpr(k, ctx));
    return { filter, keys: (d) => ks.map((k) => k(d)), optional: by.map((k) => k.type === 'field' && k.optional) };
  });
  for (const s of stages) stageFilters.push(s.filter);
  const discs = eqlDiscriminatorSets(ast, catField);
  const perKey = options.maxSamplesPerKey ?? 1;
  if (!Number.isInteger(perKey) || perKey < 1) throw new QueryError('max_samples_per_key must be a positive integer', src, 0, 'type');
  return {
    kind: 'sample', stats, limits,
    filter: anyOf(stageFilters),
    run: (events) => pipes(runSample(stages, events, perKey, stats)),
    requiredTerms: common,
    discriminators: discs.discriminators,
    stageDiscriminators: discs.stages,
    fields: [...ctx.fields],
  };
}

/**
 * Sequence join keys on date fields as Elasticsearch shows them: in the field's format (taken
 * from the first event's mapping), not as the epoch millis they are compared by.
 */
function showDateKeys(keys: Expr[], mapped: MappedFields): <E extends EqlInput>(m: EqlMatch<E>) => EqlMatch<E> {
  const formats = keys.map((k) => (k.type === 'field' ? mapped.dateFormat(k.path) : undefined));
  if (formats.every((f) => f === undefined)) return (m) => m;
  return (m) => {
    const doc = m.events[0]?.doc;
    if (!m.join_keys || !doc) return m;
    const shownKeys = m.join_keys.map((v, i) => {
      const f = typeof v === 'number' ? formats[i]?.(doc) : undefined;
      return f ? f.format(v as number) : v;
    });
    return { ...m, join_keys: shownKeys };
  };
}

/** Bits of a mark: a small integer stays a V8 Smi. */
const MARK_BITS = 30;

/**
 * Gives each distinct filter of `stages` its bit (stages repeated by `with runs` share one) and
 * returns the test computing an event's mark, or undefined when there are too many filters.
 */
function stageMarker(stages: SeqStage[]): ((d: Doc) => number) | undefined {
  const filters = [...new Set(stages.map((st) => st.filter))];
  if (filters.length > MARK_BITS) return undefined;
  for (const st of stages) st.bit = 1 << filters.indexOf(st.filter);
  return (d) => {
    let mark = 0;
    for (let i = 0; i < filters.length; i++) if (filters[i](d)) mark |= 1 << i;
    return mark;
  };
}

function anyOf(fs: ((d: Doc) => boolean)[]): (d: Doc) => boolean {
  return (d) => {
    for (let i = 0; i < fs.length; i++) if (fs[i](d)) return true;
    return false;
  };
}

/** A `head n` or `tail n` pipe. */
export interface PipeLimit {
  pipe: 'head' | 'tail';
  n: number;
}

/**
 * The head/tail pipes over results as they come: what each pushed item lets through now goes
 * into `out`, what tails hold (at most their n each) at `end`. Memory is bounded by the tails'
 * sizes, however many results stream through.
 */
export class PipeStream<T> {
  private readonly passed: number[];
  private readonly held: T[][];

  constructor(private readonly limits: readonly PipeLimit[]) {
    this.passed = limits.map(() => 0);
    this.held = limits.map(() => []);
  }

  /** Whether nothing more can come out of the pipes until `end` (a head upstream of every tail is full). */
  get closed(): boolean {
    for (let i = 0; i < this.limits.length; i++) {
      const l = this.limits[i];
      if (l.pipe === 'tail') return false;
      if (this.passed[i] >= l.n) return true;
    }
    return false;
  }

  push(item: T, out: T[]): void {
    this.feed(0, item, out);
  }

  end(out: T[]): void {
    for (let i = 0; i < this.limits.length; i++) {
      if (this.limits[i].pipe !== 'tail') continue;
      const kept = this.held[i].slice(-this.limits[i].n);
      this.held[i] = [];
      for (const item of kept) this.feed(i + 1, item, out);
    }
  }

  private feed(from: number, item: T, out: T[]): void {
    for (let i = from; i < this.limits.length; i++) {
      const { pipe, n } = this.limits[i];
      if (pipe === 'head') {
        if (this.passed[i] >= n) return;
        this.passed[i]++;
        continue;
      }
      if (n === 0) return;
      const held = this.held[i];
      held.push(item);
      // Trimmed in bulk: a shift per item would cost n each.
      if (held.length >= 2 * n) held.splice(0, held.length - n);
      return;
    }
    out.push(item);
  }
}

function compilePipes(pipes: Pipe[], src: string): { limits: PipeLimit[]; apply: <E extends EqlInput>(m: EqlMatch<E>[]) => EqlMatch<E>[] } {
  const limits: PipeLimit[] = [];
  for (const p of pipes) {
    const name = p.name.toLowerCase();
    if (name === 'head' || name === 'tail') {
      const a = p.args[0];
      if (p.args.length > 1) throw new QueryError(`${name} takes one argument`, src, p.location.min, 'type');
      let n = 10;
      if (a) {
        if (a.type !== 'literal' || typeof a.value !== 'number' || !Number.isInteger(a.value) || a.value < 0) {
          throw new QueryError(`${name} needs a non-negative integer`, src, a.location.min, 'type');
        }
        n = a.value;
      }
      limits.push({ pipe: name, n });
    } else if (ENDGAME_PIPES.has(name)) {
      throw new QueryError(`pipe ${name} is not supported by Elasticsearch EQL`, src, p.location.min, 'unsupported');
    } else {
      throw new QueryError(`unknown pipe ${p.name}`, src, p.location.min, 'syntax');
    }
  }
  const apply = <E extends EqlInput>(m: EqlMatch<E>[]): EqlMatch<E>[] => {
    if (limits.length === 0) return m;
    const stream = new PipeStream<EqlMatch<E>>(limits);
    const out: EqlMatch<E>[] = [];
    for (const x of m) stream.push(x, out);
    stream.end(out);
    return out;
  };
  return { limits, apply };
}

function sameTerm(a: RequiredTerm, b: RequiredTerm): boolean {
  return a.field === b.field && a.caseInsensitive === b.caseInsensitive && a.values.length === b.values.length && a.values.every((v, i) => v === b.values[i]);
}

function termsOf(q: EventQuery, catField: string): RequiredTerm[] {
  const out: RequiredTerm[] = [];
  if (q.category !== null) out.push({ field: catField, values: [q.category], caseInsensitive: false });
  const conjuncts = q.condition.type === 'logic' && q.condition.op === 'and' ? chainOperands(q.condition) : [q.condition];
  for (const e of conjuncts) {
    if (e.type === 'compare' && e.op === '==' && e.left.type === 'field' && e.right.type === 'literal' && typeof e.right.value === 'string') {
      out.push({ field: e.left.path, values: [e.right.value], caseInsensitive: false });
    } else if (e.type === 'in' && !e.negated && e.arg.type === 'field' && e.list.every((x) => x.type === 'literal' && typeof x.value === 'string')) {
      out.push({ field: e.arg.path, values: e.list.map((x) => (x as { value: string }).value), caseInsensitive: e.ci });
    } else if (e.type === 'match' && e.op === ':' && e.arg.type === 'field' && e.patterns.every((x) => x.type === 'literal' && typeof x.value === 'string' && !/[*?]/.test(x.value))) {
      out.push({ field: e.arg.path, values: e.patterns.map((x) => (x as { value: string }).value), caseInsensitive: true });
    }
  }
  return out;
}

export function sortEvents<E extends EqlInput>(events: E[], options: EqlOptions = {}): E[] {
  const mapped = options.mapping ? mappedFields(options.mapping) : undefined;
  const get = (path: string) => (mapped ? mapped.field(path) : compileField(path));
  const tsGet = get(options.timestampField ?? '@timestamp');
  const tbGet = options.tiebreakerField ? get(options.tiebreakerField) : null;
  const keyed = events.map((e, i) => {
    const tb = tbGet ? tbGet(e.doc) : undefined;
    return { e, i, ts: parseTimestamp(tsGet(e.doc)) ?? Number.NEGATIVE_INFINITY, tb: Array.isArray(tb) ? tb[0] : tb };
  });
  keyed.sort((a, b) => {
    if (a.ts !== b.ts) return a.ts < b.ts ? -1 : 1;
    if (tbGet && a.tb !== b.tb) {
      if (a.tb === undefined || a.tb === null) return 1;
      if (b.tb === undefined || b.tb === null) return -1;
      if (typeof a.tb === 'number' && typeof b.tb === 'number') return a.tb - b.tb;
      return String(a.tb) < String(b.tb) ? -1 : 1;
    }
    return a.i - b.i;
  });
  return keyed.map((k) => k.e);
}
