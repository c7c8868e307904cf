import { compileField, toValues } from '../fields/index.js';

/**
 * Necessary conditions a query puts on single fields, for the engine's discrimination index:
 * with ~2,000 rules loaded an event must only meet the rules that could match it. Each query
 * language derives these from its AST; the engine indexes them (src/engine/router.ts).
 *
 * The contract a producer must keep: whenever the query matches an event, the event satisfies
 * every Discriminator the query reports. Being too loose only costs speed; being too strict
 * loses hits, so when in doubt a producer reports nothing.
 */

/**
 * Acceptable values of one field. All strings are lower case: an event value v (a string, or a
 * number/boolean spelled by String(v); arrays: any element) satisfies the patterns when
 * `v.toLowerCase()` equals an exact value, starts with a prefix, ends with a suffix or contains an
 * infix. Lower-casing both sides makes one index serve case-sensitive and case-insensitive
 * operators alike. An object value satisfies any infix: languages compare objects as their
 * JSON text, which may contain anything.
 */
export interface FieldPatterns {
  field: string;
  exact: string[];
  prefixes: string[];
  suffixes: string[];
  infixes: string[];
}

/**
 * Fields whose values the engine resolves before it consults its index: most Elastic rules pin the
 * event category, the OS and often the event type or action with plain equality, and these have
 * few distinct values. A condition on one of them is decided per group of events for free, but for
 * the events that have the value it says nothing; in a union of alternatives it makes the whole
 * union say nothing for them (`event.type == "start" or process.name == "x"` admits every start).
 */
export const ROUTE_FIELDS = ['event.category', 'host.os.type', 'event.type', 'event.action'] as const;

/** Every event the query matches satisfies at least one of these alternatives. */
export type Discriminator = FieldPatterns[];

/** One value as an index pattern, or undefined when no literal text pins it. */
export type LiteralPattern = { kind: 'exact' | 'prefix' | 'suffix' | 'infix'; text: string };

/**
 * A `*`/`?` wildcard pattern as its longest literal prefix, else suffix, else the longest literal
 * run between wildcards (`*\\temp\\*.ps1*` → infix `\temp\`). `escapes`: whether `\` quotes
 * the next character (KQL, ES|QL LIKE) or is literal (EQL).
 */
export function wildcardPattern(pattern: string, escapes: boolean): LiteralPattern | undefined {
  // Without escapes the wildcards are found with indexOf: rule sets hold thousands of patterns.
  if (!escapes || pattern.indexOf('\\') < 0) return unescapedPattern(pattern);
  const chars: (string | null)[] = []; // null = a wildcard
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) chars.push(pattern[++i]);
    else chars.push(c === '*' || c === '?' ? null : c);
  }
  const first = chars.indexOf(null);
  if (first < 0) return literal('exact', chars.join(''));
  if (first > 0) return literal('prefix', chars.slice(0, first).join(''));
  const last = chars.lastIndexOf(null);
  if (last < chars.length - 1) return literal('suffix', chars.slice(last + 1).join(''));
  return longestRun(chars);
}

function unescapedPattern(pattern: string): LiteralPattern | undefined {
  const star = pattern.indexOf('*');
  const any = pattern.indexOf('?');
  const first = star < 0 ? any : any < 0 ? star : Math.min(star, any);
  if (first < 0) return literal('exact', pattern);
  if (first > 0) return literal('prefix', pattern.slice(0, first));
  const last = Math.max(pattern.lastIndexOf('*'), pattern.lastIndexOf('?'));
  if (last < pattern.length - 1) return literal('suffix', pattern.slice(last + 1));
  return longestRun(Array.from(pattern, (c) => (c === '*' || c === '?' ? null : c)));
}

/**
 * The longest run of literal characters (null: a wildcard) in a pattern that starts and ends
 * with a wildcard, as an infix.
 */
function longestRun(chars: readonly (string | null)[]): LiteralPattern | undefined {
  let best = '';
  let run = '';
  for (const c of chars) {
    if (c !== null) run += c;
    else {
      if (run.length > best.length) best = run;
      run = '';
    }
  }
  if (run.length > best.length) best = run;
  return best === '' ? undefined : literal('infix', best);
}

function literal(kind: LiteralPattern['kind'], text: string): LiteralPattern | undefined {
  // Matchers fold wildcard patterns char by char, the index folds whole strings: outside ASCII
  // the two can differ (final sigma, dotted I), so such a pattern is not indexed.
  if (!/^[\x00-\x7f]*$/.test(text)) return undefined;
  return { kind, text: text.toLowerCase() };
}

/** Patterns for one field from literal patterns; undefined if any pattern can't be indexed. */
export function fieldPatterns(field: string, patterns: readonly (LiteralPattern | undefined)[]): FieldPatterns | undefined {
  const sets = { exact: new Set<string>(), prefix: new Set<string>(), suffix: new Set<string>(), infix: new Set<string>() };
  for (const p of patterns) {
    if (!p) return undefined;
    sets[p.kind].add(p.text);
  }
  return { field, exact: [...sets.exact], prefixes: [...sets.prefix], suffixes: [...sets.suffix], infixes: [...sets.infix] };
}

/** Exact string values (any case) as patterns; undefined if one can't be indexed. */
export function exactPatterns(field: string, values: readonly string[]): FieldPatterns {
  // Equality folds both sides as whole strings, as the index does: any text is safe here.
  return { field, exact: [...new Set(values.map((v) => v.toLowerCase()))], prefixes: [], suffixes: [], infixes: [] };
}

/**
 * Fields with a handful of values that most events of a source share (`event.module == "endpoint"`
 * holds for every Defend event): as a discriminator they cost one lookup and filter almost nothing.
 */
export const BROAD_FIELDS: ReadonlySet<string> = new Set<string>([...ROUTE_FIELDS, 'event.module', 'event.kind', 'event.outcome', 'agent.type', 'ecs.version']);

/**
 * Programs that run, or start, a large share of all processes: shells, interpreters and the
 * hosts of Windows and Unix services. A rule naming one of them as a process or parent name
 * (`process.parent.name : ("bash", "sh")`) lets most process events of its OS through.
 */
const COMMON_PROCESS_NAMES: ReadonlySet<string> = new Set([
  'sh', 'bash', 'dash', 'zsh', 'ksh', 'tcsh', 'csh', 'fish', 'busybox',
  'python', 'python2', 'python3', 'perl', 'ruby', 'node', 'java', 'php',
  'cmd.exe', 'powershell.exe', 'pwsh.exe', 'pwsh', 'svchost.exe', 'explorer.exe', 'conhost.exe', 'rundll32.exe',
  'systemd', 'launchd', 'sudo', 'env',
]);

/** Extra cost of one common program name: 3, 8 and 20 chose alike on the corpus. */
const COMMON_NAME_EXTRA = 8;

/** `process.name`, `process.parent.name`, `process.entry_leader.name`… */
const PROCESS_NAME_FIELD = /^process\.(?:[a-z_]+\.)?name$/;

/** How many lookups a discriminator costs and how much it lets through: smaller is better. */
export function discriminatorCost(d: Discriminator): number {
  let cost = 0;
  for (const f of d) {
    // argument lists hold common tokens (-c, /tmp/...): a weaker filter than names and paths
    const weight = BROAD_FIELDS.has(f.field) ? 10 : /args$|command_line$/.test(f.field) ? 3 : 1;
    // An infix is looked for along the whole value, and a short one is in many values.
    let infixes = 0;
    for (const x of f.infixes) infixes += x.length >= 6 ? 3 : 6;
    // A common program's name is one lookup, but lets through as much as several would: priced
    // so, a rule's rarer condition (an argument, a path) is indexed instead where it has one.
    let exact = f.exact.length;
    if (PROCESS_NAME_FIELD.test(f.field)) for (const v of f.exact) if (COMMON_PROCESS_NAMES.has(v)) exact += COMMON_NAME_EXTRA;
    cost += weight * (exact + 2 * (f.prefixes.length + f.suffixes.length) + infixes);
  }
  return cost;
}

const ROUTE_FIELD_SET = new Set<string>(ROUTE_FIELDS);

/** How many alternative unions unionsOf offers avoiding route fields, at most. */
const UNION_ROUNDS = 3;

/**
 * Discriminators for "any of these alternatives matches", each alternative with its own list
 * (an AND of discriminators): the union of one discriminator per alternative, or none when some
 * alternative has none. Which one to take per alternative is a guess (cost counts lookups, not
 * selectivity), so a few unions over different fields are offered, each a valid necessary
 * condition; the engine picks among them per route key. The first ones avoid the route fields
 * and `exclude`: the engine decides route fields per key anyway, and where an event has such a
 * value a union holding it admits the event whatever its other fields.
 */
export function unionsOf(alts: Discriminator[][], exclude: readonly string[] = []): Discriminator[] {
  const out: Discriminator[] = [];
  if (alts.length === 0) return out;
  // Each round looks at every alternative's list again: cost each discriminator once.
  const costs = alts.map((list) => list.map(discriminatorCost));
  const add = (picks: (Discriminator | undefined)[]): Discriminator | undefined => {
    if (picks.some((p) => p === undefined)) return undefined;
    const u = union(picks as Discriminator[]);
    if (!out.some((o) => sameDiscriminator(o, u))) out.push(u);
    return u;
  };
  const excluded = new Set<string>([...exclude, ...ROUTE_FIELDS]);
  for (let round = 0; round < UNION_ROUNDS; round++) {
    const u = add(alts.map((list, i) => cheapest(list, costs[i], (d) => d.every((p) => !excluded.has(p.field)))));
    if (!u) break;
    for (const p of u) excluded.add(p.field);
  }
  // One of route fields only, which the engine decides per route key without any lookup: where
  // no alternative's value is there, the rule is not met at all.
  add(alts.map((list, i) => cheapest(list, costs[i], (d) => d.every((p) => ROUTE_FIELD_SET.has(p.field)))));
  add(alts.map((list, i) => cheapest(list, costs[i])));
  return out;
}

/** The first discriminator of least cost (among those `ok` accepts). */
function cheapest(list: Discriminator[], costs: number[], ok?: (d: Discriminator) => boolean): Discriminator | undefined {
  let best: Discriminator | undefined;
  let bestCost = Infinity;
  for (let i = 0; i < list.length; i++) {
    const d = list[i];
    if (ok && !ok(d)) continue;
    const c = costs[i];
    if (c < bestCost) {
      best = d;
      bestCost = c;
    }
  }
  return best;
}

/** Alternatives of several discriminators as one, patterns of one field merged. */
function union(ds: Discriminator[]): Discriminator {
  const byField = new Map<string, { exact: Set<string>; prefixes: Set<string>; suffixes: Set<string>; infixes: Set<string> }>();
  for (const d of ds) {
    for (const p of d) {
      let m = byField.get(p.field);
      if (!m) byField.set(p.field, (m = { exact: new Set(), prefixes: new Set(), suffixes: new Set(), infixes: new Set() }));
      for (const x of p.exact) m.exact.add(x);
      for (const x of p.prefixes) m.prefixes.add(x);
      for (const x of p.suffixes) m.suffixes.add(x);
      for (const x of p.infixes) m.infixes.add(x);
    }
  }
  return [...byField].map(([field, m]) => ({ field, exact: [...m.exact], prefixes: [...m.prefixes], suffixes: [...m.suffixes], infixes: [...m.infixes] }));
}

/** Equal as JSON: the same fields with the same lists, in the same order. */
export function sameDiscriminator(a: Discriminator, b: Discriminator): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (
      x.field !== y.field ||
      !sameList(x.exact, y.exact) ||
      !sameList(x.prefixes, y.prefixes) ||
      !sameList(x.suffixes, y.suffixes) ||
      !sameList(x.infixes, y.infixes)
    ) {
      return false;
    }
  }
  return true;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether one field value passes the patterns (the contract above, value by value). */
export function valuePasses(p: FieldPatterns, value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'object') return p.infixes.length > 0;
  const v = String(value).toLowerCase();
  return (
    p.exact.includes(v) ||
    p.prefixes.some((x) => v.startsWith(x)) ||
    p.suffixes.some((x) => v.endsWith(x)) ||
    p.infixes.some((x) => v.includes(x))
  );
}

/** Reference check of the contract, for tests: does `doc` satisfy the discriminator? */
export function satisfies(doc: Record<string, unknown>, d: Discriminator): boolean {
  return d.some((p) => toValues(compileField(p.field)(doc)).some((v) => valuePasses(p, v)));
}
