import { compileField, toValues, type FieldGetter } from '../fields/index.js';
import { dataStreamPart, eventIndex, EVENT_INDEX_FIELDS } from '../input/index-name.js';
import type { TrawlEvent } from '../input/event.js';
import { discriminatorCost, exactPatterns, ROUTE_FIELDS, valuePasses, type Discriminator, type FieldPatterns } from '../lang/discriminator.js';
import type { CompiledRule } from './compiled-rule.js';
import { InfixAutomaton } from './infix-automaton.js';

const MAX_CACHE = 20_000;
/** Per field of a route group: values remembered (see FieldIndex.memo), and the trial deciding whether to. */
const MEMO_MAX = 4096;
const MEMO_TRIAL = 2048;
const MEMO_MAX_MISS_RATE = 0.5;

interface Requirement {
  slot: number;
  values: Set<string>;
  caseInsensitive: boolean;
}

/**
 * Pre-routes events to the rules that could match them, in two levels, so an event never meets
 * every loaded rule:
 *  1. the event's index plus its values of the route fields form a key; the rules whose index
 *     patterns and route terms admit that key are computed once per key and cached (real
 *     evidence has few distinct keys);
 *  2. within that list, each rule sits in a discrimination index under its cheapest necessary
 *     condition on another field (process.name in (…), file.path prefix, an infix of a `*…*`
 *     pattern…); an event looks its own values up there and meets only the rules listed under
 *     them, plus the rules that have no such condition.
 */
export class RuleRouter<T = CompiledRule> {
  private readonly getters = ROUTE_FIELDS.map((f) => compileField(f));
  private readonly requirements: Requirement[][];
  private readonly stages: Discriminator[][][];
  private readonly root: KeyNode<T> = { next: new Map(), group: undefined };
  private groups = 0;
  private readonly out: T[] = [];
  /**
   * @param entries what the router hands out for each rule, in the order of `rules`: the rules
   *   themselves, or the caller's form of them.
   */
  constructor(
    readonly rules: readonly CompiledRule[],
    private readonly entries: readonly T[] = rules as readonly T[],
  ) {
    this.requirements = rules.map((r) => requirementsOf(r));
    this.stages = rules.map((r) => stagesOf(r));
  }

  /**
   * Every field `rulesFor` may read (with the event's own Elasticsearch index): an event's
   * values of these decide which rules it meets.
   */
  fieldsRead(): string[] {
    const fields = new Set<string>([...EVENT_INDEX_FIELDS, ...ROUTE_FIELDS]);
    for (const stages of this.stages) for (const stage of stages) for (const d of stage) for (const p of d) fields.add(p.field);
    return [...fields];
  }

  /** The rules `ev` must be tested against. The array is reused: consume it before the next call. */
  rulesFor(ev: TrawlEvent): T[] {
    // One small map per key part instead of one joined key: this runs for every event, and
    // building, flattening and hashing a long string cost more than the lookups (the index is
    // keyed by its parts, never built unless the key is new).
    const doc = ev.doc;
    let node = ev.index === undefined ? this.root : step(this.root, `\u0005${ev.index}`);
    node = step(node, keyPart(dataStreamPart(doc, 'dataset')));
    node = step(node, keyPart(dataStreamPart(doc, 'namespace')));
    for (const get of this.getters) node = step(node, keyPart(get(doc)));
    let group = node.group;
    if (!group) {
      if (++this.groups > MAX_CACHE) {
        this.root.next.clear();
        this.groups = 0;
      }
      group = node.group = this.select(eventIndex(ev), this.getters.map((get) => toValues(get(doc))));
    }
    return group.rulesFor(doc, this.out);
  }

  private select(index: string | undefined, values: unknown[][]): RouteGroup<T> {
    const slots = values.map((vals) => vals.map(String));
    const lower = slots.map((vals) => vals.map((v) => v.toLowerCase()));
    const admitted: { rule: T; disc: Discriminator | undefined }[] = [];
    this.rules.forEach((rule, i) => {
      if (!rule.matchesIndex(index)) return;
      for (const req of this.requirements[i]) {
        const vals = req.caseInsensitive ? lower[req.slot] : slots[req.slot];
        if (!vals.some((v) => req.values.has(v))) return;
      }
      const disc = stageUnion(this.stages[i], values);
      // No stage can match an event with these route values.
      if (disc === null) return;
      admitted.push({ rule: this.entries[i], disc });
    });
    return new RouteGroup(admitted);
  }
}

/** The route-key trie: one level per key part. */
interface KeyNode<T> {
  next: Map<string, KeyNode<T>>;
  group: RouteGroup<T> | undefined;
}

function step<T>(node: KeyNode<T>, part: string): KeyNode<T> {
  let n = node.next.get(part);
  if (!n) node.next.set(part, (n = { next: new Map(), group: undefined }));
  return n;
}

/**
 * A key part for one value. Events sharing a key must have the same route values (a group's
 * rules are chosen from the first one's): strings and one-string arrays (the same values) are
 * themselves; anything else is tagged, so "5" and 5, or "" and a missing field, differ.
 */
function keyPart(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    if (v.length === 1 && typeof v[0] === 'string') return v[0] as string;
    let k = '\u0001';
    for (const x of v) k += typeof x === 'string' ? `\u0002${x}` : `\u0003${JSON.stringify(x) ?? ''}`;
    return k;
  }
  return v === undefined ? '\u0000' : `\u0004${JSON.stringify(v) ?? ''}`;
}

/**
 * A rule's condition for one route key, from its stages: a stage whose route-field conditions
 * the key's values fail cannot match here and is dropped; each other stage contributes its most
 * selective remaining condition. null: no stage can match; undefined: some stage has nothing
 * indexable left, so the rule meets every event of the key.
 */
function stageUnion(stages: Discriminator[][], routeValues: unknown[][]): Discriminator | null | undefined {
  const union: FieldPatterns[] = [];
  for (const stage of stages) {
    let best: Discriminator | undefined;
    let bestCost = Infinity;
    let impossible = false;
    for (const d of stage) {
      const rest = resolveRouteFields(d, routeValues);
      if (rest === true) continue;
      if (rest.length === 0) {
        impossible = true;
        break;
      }
      if (rest.some((p) => p.prefixes.includes('') || p.suffixes.includes('') || p.infixes.includes(''))) continue;
      const cost = discriminatorCost(rest);
      if (cost < bestCost) [best, bestCost] = [rest, cost];
    }
    if (impossible) continue;
    if (!best) return undefined;
    union.push(...best);
  }
  return union.length ? union : null;
}

/**
 * A discriminator with its route-field alternatives decided by the key's values: true when one
 * of them holds (the discriminator tells nothing more here), else the other alternatives.
 */
function resolveRouteFields(d: Discriminator, routeValues: unknown[][]): FieldPatterns[] | true {
  const rest: FieldPatterns[] = [];
  for (const p of d) {
    const slot = (ROUTE_FIELDS as readonly string[]).indexOf(p.field);
    if (slot < 0) rest.push(p);
    else if (routeValues[slot].some((v) => valuePasses(p, v))) return true;
  }
  return rest;
}

/** One field's slice of the discrimination index: lower-cased value → positions in the group. */
interface FieldIndex {
  get: FieldGetter;
  exact: Map<string, number[]>;
  /** Prefixes character by character from the start, suffixes from the end. */
  prefix: CharNode;
  suffix: CharNode;
  infix: InfixAutomaton | undefined;
  /** Positions with an infix on this field: an object value admits them all (see FieldPatterns). */
  infixAt: number[];
  /**
   * Raw value → its positions: most values repeat (the same programs on every host), and a
   * lookup lower-cases the value, walks two tries and the infix automaton. Dropped for a field
   * whose values mostly do not repeat.
   */
  memo: Map<string, number[]> | undefined;
  lookups: number;
  misses: number;
}

/**
 * A trie node: the positions whose prefix (or suffix) ends here. Walking a value down the trie
 * meets every indexed prefix of it in one pass; looking each prefix length up in a map sliced
 * and hashed the value once per length (up to ~35 per event for a route group's paths).
 */
interface CharNode {
  next: Map<number, CharNode> | undefined;
  at: number[] | undefined;
}

const charNode = (): CharNode => ({ next: undefined, at: undefined });

function insert(root: CharNode, key: string, at: number, fromEnd: boolean): void {
  let node = root;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(fromEnd ? key.length - 1 - i : i);
    node.next ??= new Map();
    let n = node.next.get(c);
    if (!n) node.next.set(c, (n = charNode()));
    node = n;
  }
  (node.at ??= []).push(at);
}

/** The rules admitted for one route key, with their discrimination index. */
class RouteGroup<T> {
  private readonly rules: T[] = [];
  private readonly always: T[] = [];
  private readonly fields: FieldIndex[] = [];
  /** Per rule: the event number that last selected it, so a rule is listed once per event. */
  private readonly seenAt: Uint32Array;
  private eventNo = 0;

  constructor(admitted: { rule: T; disc: Discriminator | undefined }[]) {
    const byField = new Map<string, FieldIndex>();
    const infixes = new Map<FieldIndex, { text: string; at: number }[]>();
    for (const { rule, disc } of admitted) {
      if (!disc) {
        this.always.push(rule);
        continue;
      }
      const at = this.rules.push(rule) - 1;
      for (const p of disc) {
        let f = byField.get(p.field);
        if (!f) {
          f = { get: compileField(p.field), exact: new Map(), prefix: charNode(), suffix: charNode(), infix: undefined, infixAt: [], memo: new Map(), lookups: 0, misses: 0 };
          byField.set(p.field, f);
          this.fields.push(f);
        }
        for (const v of p.exact) listAt(f.exact, v).push(at);
        for (const v of p.prefixes) insert(f.prefix, v, at, false);
        for (const v of p.suffixes) insert(f.suffix, v, at, true);
        if (p.infixes.length > 0) {
          listAt(infixes, f).push(...p.infixes.map((text) => ({ text, at })));
          if (f.infixAt[f.infixAt.length - 1] !== at) f.infixAt.push(at);
        }
      }
    }
    for (const [f, list] of infixes) f.infix = new InfixAutomaton(list);
    this.seenAt = new Uint32Array(this.rules.length);
  }

  rulesFor(doc: Record<string, unknown>, out: T[]): T[] {
    out.length = 0;
    for (const r of this.always) out.push(r);
    if (this.fields.length === 0) return out;
    // 0 marks "never selected", so event numbers start at 1 and wrap well before 2^32.
    if (++this.eventNo === 0xffffffff) {
      this.seenAt.fill(0);
      this.eventNo = 1;
    }
    for (const f of this.fields) {
      const v = f.get(doc);
      if (v === undefined) continue;
      if (Array.isArray(v)) {
        for (const x of v) this.lookup(f, x, out);
      } else this.lookup(f, v, out);
    }
    return out;
  }

  private lookup(f: FieldIndex, value: unknown, out: T[]): void {
    if (value === null) return;
    if (typeof value === 'object') {
      this.take(f.infixAt, out);
      return;
    }
    const key = typeof value === 'string' ? value : String(value);
    const memo = f.memo;
    if (memo === undefined) {
      const found = this.scratch;
      found.length = 0;
      this.collect(f, key.toLowerCase(), found);
      this.take(found, out);
      return;
    }
    let list = memo.get(key);
    if (list === undefined) {
      list = [];
      this.collect(f, key.toLowerCase(), list);
      if (list.length > 1) list = [...new Set(list)];
      if (memo.size >= MEMO_MAX) memo.clear();
      memo.set(key, list);
      f.misses++;
    }
    // Values that rarely repeat (command lines, paths with ids) would only fill the memo.
    if (++f.lookups === MEMO_TRIAL && f.misses > MEMO_TRIAL * MEMO_MAX_MISS_RATE) f.memo = undefined;
    this.take(list, out);
  }

  /** Reused by lookups that are not memoised. */
  private readonly scratch: number[] = [];

  /** The positions indexed under a lower-cased value (a position may be listed twice). */
  private collect(f: FieldIndex, v: string, found: number[]): void {
    const exact = f.exact.get(v);
    if (exact !== undefined) for (const at of exact) found.push(at);
    walk(f.prefix, v, false, found);
    walk(f.suffix, v, true, found);
    f.infix?.scan(v, found);
  }

  private take(list: number[] | undefined, out: T[]): void {
    if (!list) return;
    for (const at of list) {
      if (this.seenAt[at] === this.eventNo) continue;
      this.seenAt[at] = this.eventNo;
      out.push(this.rules[at]);
    }
  }
}

/** Every indexed prefix (or suffix) of `v`, in one pass down the trie. */
function walk(root: CharNode, v: string, fromEnd: boolean, found: number[]): void {
  let node: CharNode | undefined = root;
  for (let i = 0; ; i++) {
    if (node.at !== undefined) for (const at of node.at) found.push(at);
    if (i >= v.length || node.next === undefined) return;
    node = node.next.get(v.charCodeAt(fromEnd ? v.length - 1 - i : i));
    if (node === undefined) return;
  }
}

function listAt<K, V>(map: Map<K, V[]>, key: K): V[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}

/**
 * A rule's necessary conditions as stages (one stage unless the language reports several), its
 * route terms among them. Route-field conditions are kept: each route key decides them.
 */
function stagesOf(rule: CompiledRule): Discriminator[][] {
  const terms = rule.route.filter((t) => t.values.length > 0 && !t.values.some(coercible)).map((t) => [exactPatterns(t.field, t.values)]);
  const stages = rule.stageDiscriminators ?? [rule.discriminators];
  return stages.map((stage) => [...terms, ...stage.filter((d) => d.length > 0)]);
}

/**
 * Route terms are exact strings, but languages compare a numeric or boolean event value with a
 * string loosely ("0123" == 123, dates as epoch millis): such a term can't be an index key.
 */
function coercible(v: string): boolean {
  return /^\s*[-+]?\.?\d/.test(v) || /^\s*(true|false)\s*$/i.test(v);
}

function requirementsOf(rule: CompiledRule): Requirement[] {
  const out: Requirement[] = [];
  for (const term of rule.route) {
    const slot = (ROUTE_FIELDS as readonly string[]).indexOf(term.field);
    if (slot < 0 || term.values.length === 0) continue;
    const values = term.caseInsensitive ? term.values.map((v) => v.toLowerCase()) : term.values;
    out.push({ slot, values: new Set(values), caseInsensitive: term.caseInsensitive });
  }
  return out;
}
