import { compileField, type FieldGetter } from '../../fields/field-path.js';
import {
  BROAD_FIELDS,
  exactPatterns,
  fieldPatterns,
  valuePasses,
  unionsOf,
  wildcardPattern,
  type Discriminator,
  type FieldPatterns,
  type LiteralPattern,
} from '../discriminator.js';
import type { Command, Expr } from './ast.js';
import { FailureRank, inFailureOrder } from '../failure-order.js';
import { orOperands } from './disjunctions.js';
import { convertDocValue } from './doc-value.js';
import { kqlConditions } from './kql-bridge.js';
import { compileExpr, type CompileCtx, type Row } from './expr.js';
import { wildcardToRegex, type Schema } from './pipeline.js';
import type { TimeZone } from './time-zone.js';
import { parseIp, normalizeValue, type XType } from './types.js';

/**
 * The streaming side of an ES|QL query: conditions every result row's source event meets, taken
 * from the WHERE commands before the first STATS or LIMIT, evaluated on the raw document.
 *
 * A WHERE after EVAL / RENAME / MV_EXPAND still constrains the source event when its columns are
 * source fields or pure functions of them: EVAL aliases are substituted by their expressions,
 * RENAMEs followed, and a field after MV_EXPAND is tested element by element. Anything whose value
 * no longer derives from one event's fields (STATS, DISSECT/GROK outputs, metadata) makes the
 * conjunct unusable; it is skipped, which only lets more events through.
 */

/** Column names in rewritten conjuncts: a source field as is, or one element of it after MV_EXPAND. */
const EXPANDED = '\u0000mv:';

type Binding = { k: 'src'; field: string; expanded: boolean } | { k: 'alias'; expr: Expr } | { k: 'gone' };

const GONE: Binding = { k: 'gone' };

class Gone extends Error {}

/**
 * Substituting aliases can grow a conjunct exponentially (EVAL b = a + a, c = b + b, …): past
 * this many nodes it is not used.
 */
const MAX_REWRITTEN_NODES = 20_000;

function nodeCount(e: Expr): number {
  switch (e.type) {
    case 'list':
      return 1 + e.values.reduce((n, x) => n + nodeCount(x), 0);
    case 'function':
      return 1 + e.args.reduce((n, x) => n + nodeCount(x), 0);
    case 'unary':
    case 'isnull':
    case 'cast':
      return 1 + nodeCount(e.arg);
    case 'binary':
      return 1 + nodeCount(e.left) + nodeCount(e.right);
    case 'like':
      return 1 + nodeCount(e.arg) + e.patterns.reduce((n, x) => n + nodeCount(x), 0);
    case 'in':
      return 1 + nodeCount(e.arg) + e.values.reduce((n, x) => n + nodeCount(x), 0);
    case 'match':
      return 1 + nodeCount(e.field) + nodeCount(e.query);
    default:
      return 1;
  }
}

export class CandidateWalker {
  /** Usable WHERE conjuncts, rewritten onto source fields. */
  readonly conjuncts: Expr[] = [];
  private readonly env = new Map<string, Binding>();
  private readonly keepSets: RegExp[][] = [];
  private readonly dropped: RegExp[] = [];
  private stopped = false;
  private budget = 0;

  constructor(
    private readonly src: string,
    private readonly unavailable: (name: string) => boolean,
  ) {}

  /** Account for one command after FROM; `before`/`after` are its input and output schemas. */
  step(c: Command, before: Schema, after: Schema): void {
    if (this.stopped) return;
    switch (c.type) {
      case 'where':
        for (const conj of conjuncts(c.cond)) {
          try {
            this.budget = MAX_REWRITTEN_NODES;
            this.conjuncts.push(this.rewrite(conj));
          } catch (e) {
            if (!(e instanceof Gone)) throw e;
          }
        }
        return;
      case 'eval':
        for (const f of c.fields) {
          const name = f.name ?? (f.expr.type === 'column' ? f.expr.name : this.src.slice(f.expr.location.min, f.expr.location.max + 1));
          let b: Binding;
          try {
            this.budget = MAX_REWRITTEN_NODES;
            const e = this.rewrite(f.expr);
            b = e.type === 'column' ? this.lookupEncoded(e.name) : { k: 'alias', expr: e };
          } catch (err) {
            if (!(err instanceof Gone)) throw err;
            b = GONE;
          }
          this.env.set(name, b);
        }
        return;
      case 'rename':
        for (const { from, to } of c.pairs) {
          if (from.pattern.includes('*') || to.pattern.includes('*')) {
            this.stopped = true;
            return;
          }
          const b = this.lookup(from.pattern);
          this.env.set(from.pattern, GONE);
          this.env.set(to.pattern, b);
        }
        return;
      case 'keep': {
        const res = c.patterns.map((p) => wildcardToRegex(p.pattern));
        for (const name of this.env.keys()) if (!res.some((r) => r.test(name))) this.env.set(name, GONE);
        this.keepSets.push(res);
        return;
      }
      case 'drop': {
        const res = c.patterns.map((p) => wildcardToRegex(p.pattern));
        for (const name of this.env.keys()) if (res.some((r) => r.test(name))) this.env.set(name, GONE);
        this.dropped.push(...res);
        return;
      }
      case 'sort':
        return;
      case 'limit':
        // a WHERE after LIMIT filters the rows the limit picked: filtering first would pick others
        this.stopped = true;
        return;
      case 'mv_expand': {
        const name = c.column.pattern;
        const b = this.lookup(name);
        this.env.set(name, b.k === 'src' ? { k: 'src', field: b.field, expanded: true } : GONE);
        return;
      }
      case 'dissect':
      case 'grok':
        // kept columns are the input's column objects; new or replaced ones are not
        for (const col of after.cols) if (!before.cols.includes(col)) this.env.set(col.name, GONE);
        return;
      default:
        this.stopped = true;
    }
  }

  private lookup(name: string): Binding {
    const b = this.env.get(name);
    if (b) return b;
    if (this.unavailable(name)) return GONE;
    if (this.dropped.some((r) => r.test(name))) return GONE;
    if (this.keepSets.some((set) => !set.some((r) => r.test(name)))) return GONE;
    return { k: 'src', field: name, expanded: false };
  }

  private lookupEncoded(encoded: string): Binding {
    return encoded.startsWith(EXPANDED) ? { k: 'src', field: encoded.slice(EXPANDED.length), expanded: true } : { k: 'src', field: encoded, expanded: false };
  }

  private rewrite(e: Expr): Expr {
    if (--this.budget < 0) throw new Gone();
    switch (e.type) {
      case 'column': {
        const b = this.lookup(e.name);
        if (b.k === 'gone') throw new Gone();
        if (b.k === 'alias') {
          // aliases of aliases share subtrees: count what the expansion costs to compile
          this.budget -= nodeCount(b.expr);
          if (this.budget < 0) throw new Gone();
          return b.expr;
        }
        return { type: 'column', name: b.expanded ? EXPANDED + b.field : b.field, location: e.location };
      }
      case 'literal':
      case 'timespan':
      case 'star':
        return e;
      case 'list':
        return { ...e, values: e.values.map((x) => this.rewrite(x)) };
      case 'function':
        return { ...e, args: e.args.map((x) => this.rewrite(x)) };
      case 'unary':
      case 'isnull':
      case 'cast':
        return { ...e, arg: this.rewrite(e.arg) };
      case 'binary':
        return { ...e, left: this.rewrite(e.left), right: this.rewrite(e.right) };
      case 'like':
        return { ...e, arg: this.rewrite(e.arg), patterns: e.patterns.map((x) => this.rewrite(x)) };
      case 'in':
        return { ...e, arg: this.rewrite(e.arg), values: e.values.map((x) => this.rewrite(x)) };
      case 'match':
        return { ...e, field: this.rewrite(e.field), query: this.rewrite(e.query) };
    }
  }
}

export function conjuncts(e: Expr): Expr[] {
  if (e.type === 'binary' && e.op === 'and') return [...conjuncts(e.left), ...conjuncts(e.right)];
  return [e];
}

// ---------------------------------------------------------------------------------------------
// Evaluation on raw documents

interface Slot {
  field: string;
  expanded: boolean;
  get: FieldGetter;
  type: XType;
}

interface Conj {
  expr: Expr;
  ev: (r: Row) => unknown;
  /** element-wise (MV_EXPANDed) slots */
  each: number[];
}

/** Cross products of expanded fields larger than this are not enumerated: the conjunct passes. */
const MAX_COMBINATIONS = 4096;

export interface Prefilter {
  test(doc: Record<string, unknown>): boolean;
  /** The conjuncts `test` evaluates (compiled without error). */
  used: Expr[];
}

/**
 * Compile conjuncts for per-event use. A field is read and converted when a comparison first
 * needs it, at most once per event (a failing first branch spares the fields of the rest), into
 * one reused row: the common comparisons allocate nothing.
 */
export function compilePrefilter(exprs: Expr[], src: string, now: number, typeOf: (field: string) => XType, timeZone?: TimeZone): Prefilter {
  const slots: Slot[] = [];
  const slotIndex = new Map<string, number>();
  const conjs: Conj[] = [];
  // per-event state: the document, and which slots hold its values (stamp === epoch)
  let doc: Record<string, unknown> = {};
  let epoch = 0;
  const vals: unknown[] = [];
  const stamp: number[] = [];
  const load = (i: number): unknown => {
    stamp[i] = epoch;
    const s = slots[i];
    return (vals[i] = convertDocValue(normalizeValue(s.get(doc)), s.type));
  };
  const column = (i: number) => (slots[i].expanded ? () => vals[i] : () => (stamp[i] === epoch ? vals[i] : load(i)));
  for (const expr of exprs) {
    const each = new Set<number>();
    const ctx: CompileCtx = {
      src,
      now,
      timeZone,
      docAvailable: true,
      column,
      resolve(name) {
        let i = slotIndex.get(name);
        if (i === undefined) {
          const expanded = name.startsWith(EXPANDED);
          const field = expanded ? name.slice(EXPANDED.length) : name;
          i = slots.length;
          slots.push({ field, expanded, get: compileField(field), type: typeOf(field) });
          slotIndex.set(name, i);
          vals.push(null);
          stamp.push(0);
        }
        if (slots[i].expanded) each.add(i);
        return { index: i, type: slots[i].type };
      },
    };
    try {
      const c = compileExpr(andsInFailureOrder(expr), ctx);
      if (c.type !== 'boolean' && c.type !== 'unknown' && c.type !== 'null') continue;
      conjs.push({ expr, ev: c.ev, each: [...each] });
    } catch {
      // the query's own compile reports errors; an unusable conjunct just filters nothing
    }
  }
  const used = conjs.map((c) => c.expr);
  if (conjs.length === 0) return { test: () => true, used };
  conjs.splice(0, conjs.length, ...inFailureOrder(used, conjs, failureRank));

  const row: Row = { v: vals };
  const elements = (i: number): unknown[] => {
    const s = slots[i];
    const v = convertDocValue(normalizeValue(s.get(doc)), s.type);
    return Array.isArray(v) ? v : [v];
  };
  // MV_EXPAND: the conjunct holds for the event when it holds for one of its expanded rows
  const expandedPasses = (c: Conj): boolean => {
    if (c.each.length === 1) {
      const i = c.each[0];
      const s = slots[i];
      const v = convertDocValue(normalizeValue(s.get(doc)), s.type);
      if (!Array.isArray(v)) {
        vals[i] = v;
        return c.ev(row) === true;
      }
      for (let k = 0; k < v.length; k++) {
        vals[i] = v[k];
        if (c.ev(row) === true) return true;
      }
      return false;
    }
    const lists = c.each.map(elements);
    let total = 1;
    for (const l of lists) total *= l.length;
    if (total > MAX_COMBINATIONS) return true;
    const pos = new Array<number>(lists.length).fill(0);
    for (;;) {
      for (let k = 0; k < lists.length; k++) vals[c.each[k]] = lists[k][pos[k]];
      if (c.ev(row) === true) return true;
      let k = 0;
      while (k < lists.length && ++pos[k] === lists[k].length) pos[k++] = 0;
      if (k === lists.length) return false;
    }
  };
  const test = (d: Record<string, unknown>): boolean => {
    doc = d;
    row.doc = d;
    epoch++;
    for (let j = 0; j < conjs.length; j++) {
      const c = conjs[j];
      if (c.each.length === 0 ? c.ev(row) !== true : !expandedPasses(c)) return false;
    }
    return true;
  };
  return { test, used };
}

/**
 * The same condition with the operands of every AND chain inside its AND/OR structure in
 * failureRank order (a conjunct is often an OR of alternatives, each an AND written
 * broad-to-narrow). The prefilter only says yes or no, and drops ES|QL warnings, so evaluation
 * order shows nowhere else.
 */
function andsInFailureOrder(e: Expr): Expr {
  if (e.type !== 'binary' || (e.op !== 'and' && e.op !== 'or')) return e;
  if (e.op === 'or') {
    const left = andsInFailureOrder(e.left);
    const right = andsInFailureOrder(e.right);
    return left === e.left && right === e.right ? e : { ...e, left, right };
  }
  const operands = conjuncts(e).map(andsInFailureOrder);
  const ordered = inFailureOrder(operands, operands, failureRank);
  return ordered.reduce((left, right) => ({ type: 'binary', op: 'and', left, right, location: e.location }));
}

/** Where a conjunct stands in src/lang/failure-order.ts. */
function failureRank(e: Expr): number {
  const broad = (x: Expr) => x.type === 'column' && BROAD_FIELDS.has(x.name);
  switch (e.type) {
    case 'unary':
      return e.op === 'not' ? FailureRank.negated : FailureRank.other;
    case 'in':
      return e.negated ? FailureRank.negated : broad(e.arg) ? FailureRank.broad : FailureRank.exact;
    case 'like':
      return e.negated ? FailureRank.negated : broad(e.arg) ? FailureRank.broad : e.op === 'like' ? FailureRank.pattern : FailureRank.other;
    case 'isnull':
      return FailureRank.loose;
    case 'binary':
      if (e.op === 'and' || e.op === 'or') return FailureRank.pattern;
      if (e.op === '==' || e.op === '=~') return broad(e.left) || broad(e.right) ? FailureRank.broad : FailureRank.exact;
      return FailureRank.loose;
    default:
      return FailureRank.other;
  }
}

// ---------------------------------------------------------------------------------------------
// Discriminators

/** Subject of a leaf condition: a source field, maybe case-folded by TO_LOWER / TO_UPPER. */
interface Subject {
  field: string;
  fold: 'none' | 'lower' | 'upper';
}

/**
 * Necessary field conditions of conjuncts (from `compilePrefilter(...).used`): every event
 * `test` accepts satisfies each returned discriminator.
 */
export function discriminatorsOf(exprs: Expr[], typeOf: (field: string) => XType): Discriminator[] {
  const out: Discriminator[] = [];
  for (const e of exprs) out.push(...necessary(e, typeOf));
  return out;
}

function necessary(e: Expr, typeOf: (field: string) => XType): Discriminator[] {
  switch (e.type) {
    case 'binary': {
      if (e.op === 'and') return [...necessary(e.left, typeOf), ...necessary(e.right, typeOf)];
      if (e.op === 'or') return unionsOf(orOperands(e).map((x) => necessary(x, typeOf)));
      if (e.op === '==' || e.op === '=~') {
        for (const [x, y] of [[e.left, e.right], [e.right, e.left]] as const) {
          const s = subjectOf(x, typeOf);
          const lit = stringLiteral(y);
          if (s && lit !== undefined) return one(exactFor(s, [lit]));
        }
      }
      return [];
    }
    case 'in': {
      if (e.negated) return [];
      const s = subjectOf(e.arg, typeOf);
      if (!s) return [];
      const lits: string[] = [];
      for (const v of e.values) {
        if (v.type === 'literal' && v.valueType === 'null') continue; // never equal
        const l = stringLiteral(v);
        if (l === undefined) return [];
        lits.push(l);
      }
      return lits.length ? one(exactFor(s, lits)) : [];
    }
    case 'like': {
      if (e.op !== 'like' || e.negated) return [];
      const s = subjectOf(e.arg, typeOf);
      if (!s) return [];
      const pats: (LiteralPattern | undefined)[] = [];
      for (const p of e.patterns) {
        const l = stringLiteral(p);
        if (l === undefined || !foldSafe(s, l)) return [];
        pats.push(wildcardPattern(l, true));
      }
      return one(guarded(fieldPatterns(s.field, pats)));
    }
    case 'function': {
      if (e.name === 'case' && e.args.length >= 2) return caseConditions(e.args, typeOf);
      // KQL("…") reads the source document itself, as a KQL rule's query does.
      if (e.name === 'kql' && e.args.length === 1) {
        const q = stringLiteral(e.args[0]);
        return q === undefined ? [] : kqlConditions(q);
      }
      if ((e.name !== 'starts_with' && e.name !== 'ends_with') || e.args.length !== 2) return [];
      const s = subjectOf(e.args[0], typeOf);
      const l = stringLiteral(e.args[1]);
      if (!s || l === undefined || !foldSafe(s, l)) return [];
      const quoted = l.replace(/[\\*?]/g, '\\$&');
      const p = wildcardPattern(e.name === 'starts_with' ? `${quoted}*` : `*${quoted}`, true);
      return one(guarded(fieldPatterns(s.field, [p])));
    }
    default:
      return [];
  }
}

function one(p: FieldPatterns | undefined): Discriminator[] {
  return p ? [[p]] : [];
}

/**
 * `CASE(c1, v1, …, [else])` is true only through a branch whose value can be true: its condition
 * holds (and its value does, unless that is the literal true). Rules compute a flag this way
 * (`EVAL is_x = CASE(…, true, …, false) | WHERE is_x`), so its branches' conditions are the
 * event's.
 */
function caseConditions(args: Expr[], typeOf: (field: string) => XType): Discriminator[] {
  const alts: Discriminator[][] = [];
  const branch = (cond: Expr | undefined, value: Expr) => {
    if (value.type === 'literal' && value.value !== true) return; // false, null, a number: never true
    const conds = cond ? necessary(cond, typeOf) : [];
    alts.push(value.type === 'literal' ? conds : [...conds, ...necessary(value, typeOf)]);
  };
  for (let i = 0; i + 1 < args.length; i += 2) branch(args[i], args[i + 1]);
  if (args.length % 2 === 1) branch(undefined, args[args.length - 1]);
  return unionsOf(alts);
}

function subjectOf(e: Expr, typeOf: (field: string) => XType): Subject | undefined {
  let fold: Subject['fold'] = 'none';
  if (e.type === 'function' && (e.name === 'to_lower' || e.name === 'to_upper') && e.args.length === 1) {
    fold = e.name === 'to_lower' ? 'lower' : 'upper';
    e = e.args[0];
  }
  if (e.type !== 'column') return undefined;
  const field = e.name.startsWith(EXPANDED) ? e.name.slice(EXPANDED.length) : e.name;
  // Only fields typed by their JSON values: dates and IPs are converted before comparing, so
  // their raw text (what the index sees) need not contain the literal.
  if (typeOf(field) !== 'unknown') return undefined;
  return { field, fold };
}

function stringLiteral(e: Expr): string | undefined {
  return e.type === 'literal' && e.valueType === 'keyword' && typeof e.value === 'string' ? e.value : undefined;
}

/**
 * Exact values of a subject. A bare field compares with the literal by type at run time: a
 * number equals "1.0", so literals another type could read are not indexed.
 */
function exactFor(s: Subject, lits: string[]): FieldPatterns | undefined {
  for (const l of lits) {
    if (s.fold === 'none' && coercible(l)) return undefined;
    if (!foldSafe(s, l)) return undefined;
  }
  return guarded(exactPatterns(s.field, lits));
}

function coercible(s: string): boolean {
  const t = s.trim();
  if (t !== '' && !Number.isNaN(Number(t))) return true;
  if (/^(true|false)$/i.test(t)) return true;
  if (/^[+-]?\d{4,}-\d/.test(t)) return true;
  return parseIp(t) !== undefined;
}

/**
 * An object-valued field reads as "[object Object]" in comparisons but never satisfies the
 * index: conditions such a string could meet are not reported.
 */
function guarded(p: FieldPatterns | undefined): FieldPatterns | undefined {
  if (!p) return undefined;
  return valuePasses(p, '[object Object]') ? undefined : p;
}

let upperImages: Set<string> | undefined;

/**
 * TO_UPPER maps a few non-ASCII characters onto ASCII letters (ſ→S, ı→I, ǰ→J̌, ligatures…):
 * a document matching TO_UPPER(f) == "SH" may hold "ſh", whose lower case is not "sh". Such a
 * literal is only indexed when it avoids every letter these characters upper-case to.
 */
function foldSafe(s: Subject, lit: string): boolean {
  if (s.fold !== 'upper') return true;
  if (!/^[\x00-\x7f]*$/.test(lit)) return false;
  if (!upperImages) {
    upperImages = new Set();
    for (let cp = 0x80; cp <= 0x1ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const up = String.fromCodePoint(cp).toUpperCase();
      for (const ch of up) if (ch.charCodeAt(0) < 0x80) upperImages.add(ch);
    }
  }
  for (const ch of lit) if (upperImages.has(ch)) return false;
  return true;
}
