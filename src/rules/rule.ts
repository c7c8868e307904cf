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
}
