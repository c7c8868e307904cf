/**
 * Runs /work/shared/conformance/kql/cases.json unmodified (see its ORIGIN.md).
 * trawl follows Kibana where the two reference implementations differ, so for cases marked
 * `dialect: "detection-rules"` the expected outcome is `kibana_error` when the case gives one.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { needsShared, sharedPath } from '../helpers/shared.js';
import { checkKqlSchema, compileKql, parseKql, type KqlNode, type KqlValue } from '../../src/lang/kql/index.js';
import { QueryError } from '../../src/lang/query-error.js';

const skip = needsShared('conformance/kql/cases.json');

interface EvalCase {
  query: string;
  doc: Record<string, unknown>;
  match: boolean;
  note: string;
  dialect?: string;
}
interface ErrorCase {
  query: string;
  error: boolean;
  note: string;
  dialect?: string;
  kibana_error?: boolean;
}
interface SchemaCase {
  query: string;
  schema: Record<string, string>;
  error: boolean;
  note: string;
}
interface ParseCase {
  query: string;
  ast: unknown;
  note: string;
}
interface LiteralCase {
  text: string;
  value: unknown;
  note: string;
}
interface Cases {
  cases: EvalCase[];
  error_cases: ErrorCase[];
  schema_error_cases: SchemaCase[];
  parse_cases: ParseCase[];
  literal_cases: LiteralCase[];
  dsl_facts: unknown[];
}

const data: Cases = skip
  ? { cases: [], error_cases: [], schema_error_cases: [], parse_cases: [], literal_cases: [], dsl_facts: [] }
  : JSON.parse(readFileSync(sharedPath('conformance/kql/cases.json'), 'utf8'));

/** Our AST in the file's neutral notation. */
function neutralValue(v: KqlValue): unknown {
  if (v.kind === 'wildcard') return { wildcard: v.segments.join('*') };
  return v.quoted ? { phrase: v.value } : v.value;
}

function neutral(n: KqlNode): unknown {
  switch (n.type) {
    case 'match_all':
      return ['match_all'];
    case 'is':
      return ['is', n.field === null ? null : neutralValue(n.field), neutralValue(n.value)];
    case 'range':
      return ['range', neutralValue(n.field), n.operator, neutralValue(n.value)];
    case 'nested':
      return ['nested', neutralValue(n.path), neutral(n.child)];
    case 'not':
      return ['not', neutral(n.child)];
    case 'and':
    case 'or':
      return [n.type, ...n.children.map(neutral)];
  }
}

const label = (kind: string, i: number, q: string) => `${kind}#${i} ${JSON.stringify(q)}`;

describe('conformance: cases (query + doc → match)', { skip }, () => {
  data.cases.forEach((c, i) => {
    test(label('cases', i, c.query), () => {
      const got = compileKql(c.query, { now: Date.UTC(2024, 0, 1) })(c.doc);
      assert.equal(got, c.match, `${c.query} → expected ${c.match}: ${c.note}`);
    });
  });
});

describe('conformance: error_cases (parse or reject)', { skip }, () => {
  data.error_cases.forEach((c, i) => {
    // Kibana dialect: where detection-rules is stricter, follow Kibana's recorded answer.
    const expectError = c.dialect === 'detection-rules' && c.kibana_error !== undefined ? c.kibana_error : c.error;
    test(label('error_cases', i, c.query), () => {
      let err: unknown;
      try {
        parseKql(c.query);
      } catch (e) {
        err = e;
      }
      if (expectError) {
        assert.ok(err instanceof QueryError, `expected a QueryError for ${JSON.stringify(c.query)}: ${c.note}`);
      } else {
        assert.equal(err, undefined, `expected ${JSON.stringify(c.query)} to parse (${c.note}), got ${String(err)}`);
      }
    });
  });
});

describe('conformance: parse_cases (AST shape)', { skip }, () => {
  data.parse_cases.forEach((c, i) => {
    test(label('parse_cases', i, c.query), () => {
      assert.deepEqual(neutral(parseKql(c.query)), c.ast, c.note);
    });
  });
});

describe('conformance: literal_cases (one token → value)', { skip }, () => {
  data.literal_cases.forEach((c, i) => {
    test(label('literal_cases', i, c.text), () => {
      const node = parseKql(c.text);
      assert.equal(node.type, 'is');
      if (node.type !== 'is') return;
      assert.equal(node.field, null);
      const v = node.value;
      const got = v.kind === 'wildcard' ? { wildcard: v.segments.join('*') } : v.value;
      assert.deepEqual(got, c.value, c.note);
    });
  });
});

describe('conformance: schema_error_cases (type check against a mapping)', { skip }, () => {
  data.schema_error_cases.forEach((c, i) => {
    test(label('schema_error_cases', i, c.query), () => {
      let err: unknown;
      try {
        checkKqlSchema(parseKql(c.query), c.schema, c.query);
      } catch (e) {
        err = e;
      }
      if (c.error) {
        assert.ok(err instanceof QueryError && err.kind === 'type', `expected a type error: ${c.note}`);
      } else {
        assert.equal(err, undefined, `expected no type error (${c.note}), got ${String(err)}`);
      }
    });
  });
});

/**
 * Deliberately not run: dsl_facts describe how Kibana translates KQL into Elasticsearch query
 * DSL. trawl evaluates KQL directly and never produces DSL; the evaluation semantics behind
 * them are covered by `cases` and by test/kql/evaluate.test.ts.
 */
test('conformance: dsl_facts are out of scope (trawl produces no query DSL)', { skip }, () => {
  assert.ok(data.dsl_facts.length > 0);
});
