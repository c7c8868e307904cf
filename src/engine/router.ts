import { compileField, toValues } from '../fields/index.js';
import { eventIndex } from '../input/index-name.js';
import type { TrawlEvent } from '../input/event.js';
import type { CompiledRule } from './compiled-rule.js';

/**
 * Fields whose values discriminate rules cheaply: most Elastic rules pin the event category, the
 * OS and often the event type or action with plain equality.
 */
const ROUTE_FIELDS = ['event.category', 'host.os.type', 'event.type', 'event.action'] as const;
const MAX_CACHE = 20_000;

interface Requirement {
  slot: number;
  values: Set<string>;
  caseInsensitive: boolean;
}

/**
 * Pre-routes events to the rules that could match them, so an event never meets every loaded
 * rule. An event's route key is its index plus its values of the route fields; the rule list for
 * a key is computed once and cached (real evidence has few distinct keys).
 */
export class RuleRouter {
  private readonly getters = ROUTE_FIELDS.map((f) => compileField(f));
  private readonly requirements: Requirement[][];
  private readonly cache = new Map<string, CompiledRule[]>();

  constructor(readonly rules: readonly CompiledRule[]) {
    this.requirements = rules.map((r) => requirementsOf(r));
  }

  rulesFor(ev: TrawlEvent): CompiledRule[] {
    const index = eventIndex(ev);
    // The key is built straight from the field values: this runs for every event, and the
    // value lists are only needed on a cache miss.
    let key = index ?? '';
    for (const get of this.getters) {
      const v = get(ev.doc);
      key += Array.isArray(v) ? `\u0001${v.join('\u0002')}` : `\u0001${v === undefined ? '' : String(v)}`;
    }
    let rules = this.cache.get(key);
    if (!rules) {
      if (this.cache.size >= MAX_CACHE) this.cache.clear();
      rules = this.select(index, this.getters.map((get) => toValues(get(ev.doc)).map(String)));
      this.cache.set(key, rules);
    }
    return rules;
  }

  private select(index: string | undefined, slots: string[][]): CompiledRule[] {
    const lower = slots.map((vals) => vals.map((v) => v.toLowerCase()));
    const out: CompiledRule[] = [];
    this.rules.forEach((rule, i) => {
      if (!rule.matchesIndex(index)) return;
      for (const req of this.requirements[i]) {
        const vals = req.caseInsensitive ? lower[req.slot] : slots[req.slot];
        if (!vals.some((v) => req.values.has(v))) return;
      }
      out.push(rule);
    });
    return out;
  }
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
