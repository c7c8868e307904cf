import { parse as parseToml, TomlError } from 'smol-toml';
import type { Rule, RuleFilter, Severity, ThreatMapping, ThresholdSpec } from './rule.js';
import { parseTomlFast } from './toml-fast.js';
import { scanTomlPositions, type TomlPositions } from './toml-positions.js';

export interface RuleLoadError {
  file: string;
  rule_id?: string;
  name?: string;
  message: string;
  line?: number;
  column?: number;
}

const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

type Table = Record<string, unknown>;

const isTable = (v: unknown): v is Table =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** smol-toml builds tables without a prototype; rules hand out ordinary objects (deep). */
function plain<T>(v: T): T {
  if (Array.isArray(v)) return v.map(plain) as T;
  if (isTable(v)) {
    const out: Table = {};
    // own enumerable keys in Object.entries order (the tables have no prototype to inherit from)
    for (const k in v) out[k] = plain(v[k]);
    return out as T;
  }
  return v;
}

/** A field problem, located by its key path in the TOML. */
class FieldError extends Error {
  constructor(
    message: string,
    readonly keyPath: string,
  ) {
    super(message);
  }
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Date) return 'a date';
  if (isTable(v)) return 'a table';
  return `a ${typeof v}`;
}

/** Typed readers over `[rule]`: each throws FieldError naming the key when the type is wrong. */
class Fields {
  constructor(
    private readonly t: Table,
    private readonly prefix: string,
  ) {}

  private wrong(key: string, want: string): never {
    throw new FieldError(`${this.prefix}${key} must be ${want}, got ${describe(this.t[key])}`, this.prefix + key);
  }

  has(key: string): boolean {
    return this.t[key] !== undefined;
  }

  str(key: string): string | undefined {
    const v = this.t[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') this.wrong(key, 'a string');
    return v;
  }

  requiredStr(key: string): string {
    const v = this.str(key);
    if (v === undefined || v.trim() === '') throw new FieldError(`missing ${this.prefix}${key}`, this.prefix.replace(/\.$/, ''));
    return v;
  }

  num(key: string, integer = false): number | undefined {
    const v = this.t[key];
    if (v === undefined) return undefined;
    if (typeof v === 'bigint') return Number(v);
    if (typeof v !== 'number' || Number.isNaN(v)) this.wrong(key, integer ? 'an integer' : 'a number');
    if (integer && !Number.isInteger(v)) this.wrong(key, 'an integer');
    return v;
  }

  bool(key: string): boolean | undefined {
    const v = this.t[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') this.wrong(key, 'a boolean');
    return v;
  }

  /** A list of strings; a lone string is accepted as a one-element list. */
  strList(key: string): string[] | undefined {
    const v = this.t[key];
    if (v === undefined) return undefined;
    if (typeof v === 'string') return [v];
    if (!isStringArray(v)) this.wrong(key, 'a list of strings');
    return v;
  }

  tableList(key: string): Table[] | undefined {
    const v = this.t[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || !v.every(isTable)) this.wrong(key, 'an array of tables');
    return v as Table[];
  }

  table(key: string): Table | undefined {
    const v = this.t[key];
    if (v === undefined) return undefined;
    if (!isTable(v)) this.wrong(key, 'a table');
    return v;
  }

  list(key: string): unknown[] | undefined {
    const v = this.t[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) this.wrong(key, 'an array');
    return v;
  }
}

/** `[rule.new_terms] field = "new_terms_fields", value = [...]` + `[[…history_window_start]]`; also the flat API form. */
function readNewTerms(r: Fields): { fields?: string[]; historyWindowStart?: string } {
  const flatFields = r.strList('new_terms_fields');
  const flatHistory = r.str('history_window_start');
  const nt = r.table('new_terms');
  if (!nt) return { fields: flatFields, historyWindowStart: flatHistory };
  const f = new Fields(nt, 'rule.new_terms.');
  const field = f.str('field');
  if (field !== undefined && field !== 'new_terms_fields') {
    throw new FieldError(`rule.new_terms.field must be "new_terms_fields", got "${field}"`, 'rule.new_terms.field');
  }
  const fields = f.strList('value') ?? flatFields;
  let historyWindowStart = flatHistory;
  const hws = nt['history_window_start'];
  if (typeof hws === 'string') historyWindowStart = hws;
  else if (hws !== undefined) {
    const entries = Array.isArray(hws) ? hws : [hws];
    for (const e of entries) {
      if (!isTable(e)) throw new FieldError('rule.new_terms.history_window_start must be a table or an array of tables', 'rule.new_terms.history_window_start');
      const ef = new Fields(e, 'rule.new_terms.history_window_start.');
      const name = ef.str('field');
      const value = ef.str('value');
      if ((name === undefined || name === 'history_window_start') && value !== undefined) historyWindowStart = value;
    }
  }
  return { fields, historyWindowStart };
}

function readThreshold(r: Fields): ThresholdSpec | undefined {
  const th = r.table('threshold');
  if (!th) return undefined;
  const f = new Fields(th, 'rule.threshold.');
  const value = f.num('value');
  if (value === undefined) throw new FieldError('missing rule.threshold.value', 'rule.threshold');
  const spec: ThresholdSpec = { field: (f.strList('field') ?? []).filter((x) => x !== ''), value };
  const card = th['cardinality'];
  if (card !== undefined) {
    const entries = Array.isArray(card) ? card : [card];
    spec.cardinality = entries.map((e) => {
      if (!isTable(e)) throw new FieldError('rule.threshold.cardinality must be an array of tables', 'rule.threshold.cardinality');
      const cf = new Fields(e, 'rule.threshold.cardinality.');
      const field = cf.str('field');
      const v = cf.num('value');
      if (field === undefined || v === undefined) {
        throw new FieldError('rule.threshold.cardinality needs field and value', 'rule.threshold.cardinality');
      }
      return { field, value: v };
    });
  }
  return spec;
}

function readThreat(list: Table[] | undefined): ThreatMapping[] {
  if (!list) return [];
  return list.map((t, i) => {
    const tactic = t['tactic'];
    if (!isTable(tactic) || typeof tactic['id'] !== 'string' || typeof tactic['name'] !== 'string') {
      throw new FieldError(`rule.threat[${i}] needs a [rule.threat.tactic] with id and name`, 'rule.threat');
    }
    if (t['technique'] !== undefined && (!Array.isArray(t['technique']) || !t['technique'].every(isTable))) {
      throw new FieldError(`rule.threat[${i}].technique must be an array of tables`, 'rule.threat.technique');
    }
    return t as unknown as ThreatMapping;
  });
}

/** Every rule type the detection engine defines (some cannot run offline: reported as unsupported). */
const KNOWN_TYPES = new Set(['query', 'eql', 'esql', 'new_terms', 'threshold', 'threat_match', 'machine_learning', 'saved_query']);

/** Needs a query string for these types; machine_learning and friends do not. */
const QUERY_TYPES = new Set(['query', 'eql', 'esql', 'new_terms', 'threshold', 'threat_match']);

/** What a rule file may leave out becomes this (buildRule, ruleOfQuery). */
const DEFAULTS = { severity: 'low', risk_score: 21, from: 'now-6m', interval: '5m', max_signals: 100 } as const;

/**
 * A rule made of its type and query alone (an ad-hoc query routed as a rule, a test's rule),
 * everything else as a rule file without it would have it; `fields` may set any of it.
 */
export function ruleOfQuery(fields: Partial<Rule> & Pick<Rule, 'type' | 'query'>): Rule {
  return {
    file: '<query>',
    rule_id: 'query',
    name: 'query',
    description: '',
    tags: [],
    threat: [],
    filters: [],
    deprecated: false,
    ...DEFAULTS,
    ...fields,
  };
}

/** Builds the Rule from parsed TOML; throws FieldError. */
function buildRule(doc: Table, file: string, positions: () => TomlPositions): Rule {
  const rt = doc['rule'];
  if (rt === undefined) throw new FieldError('missing [rule] table', '');
  if (!isTable(rt)) throw new FieldError('rule must be a table', 'rule');
  const r = new Fields(rt, 'rule.');
  const metaRaw = doc['metadata'];
  const meta = isTable(metaRaw) ? new Fields(metaRaw, 'metadata.') : undefined;

  const rule_id = r.requiredStr('rule_id');
  const name = r.requiredStr('name');
  const type = r.requiredStr('type');
  if (!KNOWN_TYPES.has(type)) {
    throw new FieldError(`unknown rule.type "${type}" (expected one of ${[...KNOWN_TYPES].join(', ')})`, 'rule.type');
  }
  const severityText = r.str('severity');
  const severity = (severityText ?? DEFAULTS.severity).trim().toLowerCase() as Severity;
  if (!SEVERITIES.includes(severity)) {
    throw new FieldError(`rule.severity must be one of ${SEVERITIES.join(', ')}, got "${severityText}"`, 'rule.severity');
  }
  const risk_score = r.num('risk_score') ?? DEFAULTS.risk_score;
  if (risk_score < 0 || risk_score > 100) throw new FieldError(`rule.risk_score must be 0-100, got ${risk_score}`, 'rule.risk_score');
  const max_signals = r.num('max_signals', true) ?? DEFAULTS.max_signals;

  const query = r.str('query');
  if (QUERY_TYPES.has(type) && query === undefined) throw new FieldError(`missing rule.query (required for type ${type})`, 'rule');

  const rule: Rule = {
    file,
    rule_id,
    name,
    description: r.str('description') ?? '',
    type,
    severity,
    risk_score,
    tags: r.strList('tags') ?? [],
    threat: plain(readThreat(r.tableList('threat'))),
    from: r.str('from') ?? DEFAULTS.from,
    interval: r.str('interval') ?? DEFAULTS.interval,
    max_signals,
    filters: plain(r.tableList('filters') ?? []) as RuleFilter[],
    deprecated: false,
  };
  const language = r.str('language');
  if (language !== undefined) rule.language = language;
  if (query !== undefined) {
    rule.query = query;
    // Positions matter only when the query fails to compile: found on first read, since
    // scanning every file for them was a tenth of loading the whole corpus.
    const at = () => positions().keys.get('rule.query');
    Object.defineProperties(rule, {
      queryLine: { get: () => at()?.valueLine, enumerable: false, configurable: true },
      queryColumn: { get: () => at()?.valueColumn, enumerable: false, configurable: true },
    });
  }
  const index = r.strList('index');
  if (index !== undefined) rule.index = index;

  const optionalStrings = [
    'note',
    'timestamp_override',
    'building_block_type',
    'event_category_override',
    'tiebreaker_field',
    'license',
    'setup',
    'rule_name_override',
    'threat_query',
    'threat_language',
    'threat_indicator_path',
  ] as const;
  for (const k of optionalStrings) {
    const v = r.str(k);
    if (v !== undefined) rule[k] = v;
  }
  for (const k of ['references', 'author', 'false_positives', 'threat_index', 'machine_learning_job_id'] as const) {
    const v = r.strList(k);
    if (v !== undefined) rule[k] = v;
  }
  const version = r.num('version', true);
  if (version !== undefined) rule.version = version;
  const anomaly = r.num('anomaly_threshold');
  if (anomaly !== undefined) rule.anomaly_threshold = anomaly;
  const suppression = r.table('alert_suppression');
  if (suppression) rule.alert_suppression = plain(suppression);
  const tm = r.list('threat_mapping');
  if (tm) rule.threat_mapping = plain(tm);
  const tf = r.list('threat_filters');
  if (tf) rule.threat_filters = plain(tf);

  const nt = readNewTerms(r);
  if (nt.fields) rule.new_terms_fields = nt.fields;
  if (nt.historyWindowStart !== undefined) rule.history_window_start = nt.historyWindowStart;
  if (type === 'new_terms' && !rule.new_terms_fields?.length) {
    throw new FieldError('new_terms rule needs [rule.new_terms] value = [fields]', 'rule');
  }
  const threshold = readThreshold(r);
  if (threshold) rule.threshold = threshold;
  if (type === 'threshold' && !threshold) throw new FieldError('threshold rule needs a [rule.threshold] table', 'rule');

  if (meta) {
    const maturity = meta.str('maturity');
    if (maturity !== undefined) rule.maturity = maturity;
    const integration = meta.strList('integration');
    if (integration !== undefined) rule.integration = integration;
  }
  rule.deprecated = rule.maturity === 'deprecated';
  return rule;
}

function locate(pos: TomlPositions, keyPath: string): { line?: number; column?: number } {
  if (keyPath === '') return {};
  const k = pos.keys.get(keyPath);
  if (k) return { line: k.line, column: k.column };
  // A table path (`rule`, `rule.threshold`) or a key written inside an array of tables.
  const t = pos.tables.get(keyPath);
  if (t !== undefined) return { line: t, column: 1 };
  const parent = keyPath.split('.').slice(0, -1).join('.');
  return parent ? locate(pos, parent) : {};
}

/** Parse one TOML text (exposed for tests and for rules piped in). Never throws. */
export function parseRuleToml(text: string, file: string): { rule?: Rule; error?: RuleLoadError } {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let doc: Table;
  try {
    doc = parseTomlFast(text) ?? (parseToml(text) as Table);
  } catch (err) {
    if (err instanceof TomlError) {
      const first = err.message.split('\n')[0] ?? err.message;
      return { error: { file, message: first, line: err.line, column: err.column } };
    }
    return { error: { file, message: (err as Error)?.message ?? String(err) } };
  }
  let pos: TomlPositions | undefined;
  const positions = () => (pos ??= scanTomlPositions(text));
  try {
    return { rule: buildRule(doc, file, positions) };
  } catch (err) {
    const rt = isTable(doc['rule']) ? doc['rule'] : {};
    const error: RuleLoadError = { file, message: (err as Error).message };
    if (typeof rt['rule_id'] === 'string') error.rule_id = rt['rule_id'];
    if (typeof rt['name'] === 'string') error.name = rt['name'];
    if (err instanceof FieldError) Object.assign(error, locate(positions(), err.keyPath));
    return { error };
  }
}
