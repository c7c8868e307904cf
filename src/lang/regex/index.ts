/**
 * Linear-time regular expressions for hostile patterns.
 *
 * Detection rules come from anywhere, and a backtracking engine (JS RegExp) can spend
 * exponential time on patterns like `(a+)+b`. Every pattern here compiles to a small
 * instruction program that runs in O(program × input) whatever it is:
 *
 * - {@link compileLucene}: Lucene regexp syntax (ES|QL RLIKE, EQL `regex`/`regex~`, `regexp`
 *   queries), matched against the whole string.
 * - {@link compileSearch}: the Oniguruma/Java subset grok patterns use, searched for anywhere
 *   in the string, with named captures and the leftmost match a backtracking engine would report.
 *
 * Engines: literal patterns are decided with string compares; boolean tests run a lazily built
 * DFA; captures use a memoized backtracker on short inputs and a Pike VM on long ones. Errors
 * are {@link RegexError}s with offsets into the pattern (`toQueryError` converts them).
 */
import { type Node, RegexError } from './ast.js';
import { BitState } from './backtrack.js';
import { LazyDfa } from './dfa.js';
import { literalPlan, runLiteralPlan, type LiteralPlan } from './literal.js';
import { parseLucene, type LuceneSyntaxOptions } from './parse-lucene.js';
import { parseSearch, type SearchSyntaxOptions } from './parse-search.js';
import { PikeVM } from './pike.js';
import { nextStart, startFilter, type StartFilter } from './prefilter.js';
import { reverseNode, shapeOf } from './shape.js';
import { compileProgram, type Program } from './program.js';

export { RegexError, isRegexError, type RegexErrorKind } from './ast.js';
export { engineStats } from './context.js';
export { MAX_PROGRAM } from './program.js';
export { MAX_DFA_STATES } from './automaton.js';

/** Which engine runs; `auto` except in tests that compare the engines with each other. */
export type EngineChoice = 'auto' | 'dfa' | 'backtrack' | 'pike';

export interface LuceneOptions extends LuceneSyntaxOptions {
  /** Testing hook. */
  engine?: EngineChoice;
}

export interface LuceneRegex {
  readonly source: string;
  /** Instructions in the compiled program: matching costs at most O(programSize × input). */
  readonly programSize: number;
  /** Whether the pattern matches all of `s` (Lucene regexps are implicitly anchored). */
  test(s: string): boolean;
}

export interface SearchOptions extends SearchSyntaxOptions {
  /** Testing hook. */
  engine?: EngineChoice;
}

export interface SearchMatch {
  /** UTF-16 offsets of the whole match. */
  index: number;
  end: number;
  /** Named group values; undefined when the group did not take part in the match. With duplicate names, the first participating group wins. */
  groups: Record<string, string | undefined>;
  /** `[start, end]` pairs per group index (0 = whole match), -1 for groups that did not take part. */
  spans: number[];
}

export interface SearchRegex {
  readonly source: string;
  /** Instructions in the compiled program: matching costs at most O(programSize × input). */
  readonly programSize: number;
  /** Distinct group names, in pattern order. */
  readonly groupNames: string[];
  /** Name of each group index (index 0 is the whole match; undefined for unnamed groups). */
  readonly groups: readonly (string | undefined)[];
  /** Whether the pattern matches anywhere in `s`. */
  test(s: string): boolean;
  /** The leftmost match at or after `from`, with captures; null when there is none. */
  exec(s: string, from?: number): SearchMatch | null;
}

/** Compile a Lucene regular expression (whole-string match). Throws {@link RegexError}. */
export function compileLucene(pattern: string, opts: LuceneOptions = {}): LuceneRegex {
  const node = parseLucene(pattern, opts);
  const engine = opts.engine ?? 'auto';
  const plan = engine === 'auto' ? literalPlan(node) : undefined;
  const program = compileProgram(node, { fullMatch: true, groupNames: [undefined], pattern });
  // The DFA strategy is settled on the first test: building it cannot fail (a Lucene program
  // never needs context, and a failing part falls back to the whole-pattern DFA), and most
  // patterns of a big rule set never see a string.
  const dfa = !plan && (engine === 'auto' || engine === 'dfa') ? () => shapedDfa(node, program, pattern) : undefined;
  return new LuceneMatcher(pattern, program, plan, engine, dfa);
}

/** The DFA strategy for a whole-string pattern, by where its any-strings are (see shape.ts). */
function shapedDfa(node: Node, full: Program, pattern: string): (s: string) => boolean {
  const whole = () => {
    const dfa = new LazyDfa(full, { unanchored: false, approximate: false });
    return (s: string) => dfa.test(s);
  };
  const shape = shapeOf(node);
  if (shape.whole) return whole();
  const opts = { groupNames: [undefined], pattern, fullMatch: false };
  const dfa = (n: Node | undefined, unanchored: boolean) =>
    n && new LazyDfa(compileProgram(n, opts), { unanchored, approximate: false });
  let prefix: LazyDfa | undefined;
  let middle: LazyDfa | undefined;
  let suffix: LazyDfa | undefined;
  try {
    prefix = dfa(shape.prefix, false);
    middle = dfa(shape.middle, true);
    suffix = dfa(shape.suffix && reverseNode(shape.suffix), false);
  } catch (e) {
    // a reversed ~ or & can need more automaton states than the forward one
    if (!(e instanceof RegexError)) throw e;
    return whole();
  }
  return (s) => {
    const i = prefix ? prefix.matchEnd(s, 0, s.length) : 0;
    if (i < 0) return false;
    const j = suffix ? suffix.matchStartReverse(s, i) : s.length;
    if (j < i) return false;
    return !middle || middle.matchEnd(s, i, j) >= 0;
  };
}

/** Compile a grok/Oniguruma-style pattern (unanchored search, captures). Throws {@link RegexError}. */
export function compileSearch(pattern: string, opts: SearchOptions = {}): SearchRegex {
  const parsed = parseSearch(pattern, opts);
  const names = parsed.groups.map((g) => g.name);
  const program = compileProgram(parsed.node, { fullMatch: false, groupNames: names, pattern });
  return new SearchMatcher(pattern, program, parsed.node, opts.engine ?? 'auto');
}

class LuceneMatcher implements LuceneRegex {
  private dfa: ((s: string) => boolean) | undefined;
  private pike: PikeVM | undefined;
  private bits: BitState | undefined;
  private readonly filter: StartFilter;
  readonly programSize: number;

  constructor(
    readonly source: string,
    private readonly program: Program,
    private readonly plan: LiteralPlan | undefined,
    private readonly engine: EngineChoice,
    private readonly buildDfa: (() => (s: string) => boolean) | undefined,
  ) {
    this.filter = startFilter(program);
    this.programSize = program.n;
  }

  test(s: string): boolean {
    if (this.plan) return runLiteralPlan(this.plan, s);
    switch (this.engine) {
      case 'pike':
        return (this.pike ??= new PikeVM(this.program, this.filter)).run(s, 0, true, false);
      case 'backtrack': {
        const b = (this.bits ??= new BitState(this.program, this.filter));
        if (b.fits(s.length)) return b.run(s, 0, true, false);
        return (this.pike ??= new PikeVM(this.program, this.filter)).run(s, 0, true, false);
      }
      default:
        return (this.dfa ??= this.buildDfa!())(s);
    }
  }
}

class SearchMatcher implements SearchRegex {
  readonly groupNames: string[];
  readonly groups: readonly (string | undefined)[];
  private dfa: LazyDfa | undefined;
  private pike: PikeVM | undefined;
  private bits: BitState | undefined;
  private readonly filter: StartFilter;
  private readonly literal: string | undefined;
  readonly programSize: number;

  constructor(
    readonly source: string,
    private readonly program: Program,
    node: Node,
    private readonly engine: EngineChoice,
  ) {
    this.programSize = program.n;
    this.groups = program.groupNames;
    this.groupNames = [...new Set(program.groupNames.filter((n): n is string => n !== undefined))];
    this.filter = startFilter(program);
    this.literal = engine === 'auto' ? pureLiteral(node) : undefined;
  }

  /** Exact DFA for programs without context; otherwise an approximate one used as a filter. */
  private getDfa(): LazyDfa {
    return (this.dfa ??= new LazyDfa(this.program, { unanchored: true, approximate: this.program.needsContext }));
  }

  test(s: string): boolean {
    if (this.literal !== undefined) return s.includes(this.literal);
    const e = this.engine;
    if (e === 'auto' || e === 'dfa') {
      const first = nextStart(this.filter, s, 0);
      if (first < 0 || !this.getDfa().test(s, first)) return false;
      if (!this.program.needsContext) return true;
    }
    if (e !== 'pike') {
      const b = (this.bits ??= new BitState(this.program, this.filter));
      if (b.fits(s.length)) return b.run(s, 0, false, false);
    }
    return (this.pike ??= new PikeVM(this.program, this.filter)).run(s, 0, false, false);
  }

  exec(s: string, from = 0): SearchMatch | null {
    if (from < 0) from = 0;
    if (from > s.length) return null;
    const e = this.engine;
    // most lines a grok pattern does not fit are rejected here: by indexOf on its literal
    // prefix or a scan for a possible first character, then by the DFA at a few ns per character
    if (e === 'auto') {
      const first = nextStart(this.filter, s, from);
      if (first < 0 || !this.getDfa().test(s, first)) return null;
      from = first; // no match starts earlier
    }
    let found: Int32Array;
    const b = e === 'pike' ? undefined : (this.bits ??= new BitState(this.program, this.filter));
    if (b && b.fits(s.length)) {
      if (!b.run(s, from, false, true)) return null;
      found = b.found;
    } else {
      const vm = (this.pike ??= new PikeVM(this.program, this.filter));
      if (!vm.run(s, from, false, true)) return null;
      found = vm.found;
    }
    const spans: number[] = [];
    for (let i = 0; i < found.length; i++) spans.push(found[i]);
    const groups: Record<string, string | undefined> = {};
    const names = this.program.groupNames;
    for (const n of this.groupNames) groups[n] = undefined;
    for (let g = 1; g < names.length; g++) {
      const n = names[g];
      if (n === undefined || groups[n] !== undefined) continue;
      const st = spans[2 * g];
      const en = spans[2 * g + 1];
      if (st >= 0 && en >= 0) groups[n] = s.slice(st, en);
    }
    return { index: spans[0], end: spans[1], groups, spans };
  }
}

/** The text of a pattern that is a plain case-sensitive literal without groups or anchors. */
function pureLiteral(n: Node): string | undefined {
  let out = '';
  const walk = (x: Node): boolean => {
    if (x.type === 'char' && !x.ci && !(x.cp >= 0xd800 && x.cp <= 0xdfff)) {
      out += String.fromCodePoint(x.cp);
      return true;
    }
    if (x.type === 'concat') return x.items.every(walk);
    if (x.type === 'empty') return true;
    if (x.type === 'group' && x.index === 0) return walk(x.child);
    return false;
  };
  return walk(n) ? out : undefined;
}
