/** MITRE ATT&CK mapping as published in `[[rule.threat]]`. */
export interface ThreatMapping {
  framework: string;
  tactic: { id: string; name: string; reference?: string };
  technique?: { id: string; name: string; reference?: string; subtechnique?: { id: string; name: string; reference?: string }[] }[];
}

export type RuleType =
  | 'query'
  | 'eql'
  | 'esql'
  | 'new_terms'
  | 'threshold'
  | 'machine_learning'
  | 'threat_match'
  | 'saved_query';

export type Severity = 'low' | 'medium' | 'high' | 'critical';

/** A Kibana filter object as stored in `[[rule.filters]]`. */
export interface RuleFilter {
  meta?: Record<string, unknown> & { negate?: boolean; disabled?: boolean; type?: string; key?: string };
  query?: Record<string, unknown>;
  exists?: { field: string };
  range?: Record<string, unknown>;
  [k: string]: unknown;
}

export interface ThresholdSpec {
  field: string[];
  value: number;
  cardinality?: { field: string; value: number }[];
}

/** An Elastic detection rule as loaded from detection-rules TOML. */
export interface Rule {
  /** Path of the TOML file. */
  file: string;
  rule_id: string;
  name: string;
  description: string;
  note?: string;
  type: RuleType | string;
  language?: string;
  query?: string;
  /** 1-based line in the TOML file where the query string starts (for positioned errors). */
  queryLine?: number;
  index?: string[];
  severity: Severity;
  risk_score: number;
  tags: string[];
  threat: ThreatMapping[];
  from: string;
  interval: string;
  max_signals: number;
  timestamp_override?: string;
  filters: RuleFilter[];
  new_terms_fields?: string[];
  history_window_start?: string;
  threshold?: ThresholdSpec;
  building_block_type?: string;
  deprecated: boolean;
  /** 1-based TOML column where the query content starts on `queryLine` (1 for multi-line strings opened by a newline). */
  queryColumn?: number;
  /** EQL: the field that holds the event category (default `event.category`). */
  event_category_override?: string;
  /** EQL: the field that breaks timestamp ties in sequences. */
  tiebreaker_field?: string;
  /** `[metadata] maturity`: production, development, deprecated… */
  maturity?: string;
  /** `[metadata] integration`, always a list. */
  integration?: string[];
  references?: string[];
  author?: string[];
  license?: string;
  /** Setup instructions (Markdown), kept apart from the investigation guide `note`. */
  setup?: string;
  false_positives?: string[];
  version?: number;
  rule_name_override?: string;
  /** `[rule.alert_suppression]` as published (group_by, duration, missing_fields_strategy). */
  alert_suppression?: Record<string, unknown>;
  /** machine_learning rules. */
  machine_learning_job_id?: string[];
  anomaly_threshold?: number;
  /** threat_match rules, as published. */
  threat_index?: string[];
  threat_query?: string;
  threat_language?: string;
  threat_indicator_path?: string;
  threat_mapping?: unknown[];
  threat_filters?: unknown[];
}
