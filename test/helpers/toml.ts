/** The fast TOML reader against smol-toml: shared by test/rules/toml-fast.test.ts and test/fuzz/toml.test.ts. */
import assert from 'node:assert/strict';
import { parse } from 'smol-toml';
import { parseTomlFast } from '../../src/rules/toml-fast.js';

/** Asserts the two readers agree on `text`; true when the fast one read it. */
export function agrees(text: string, label = 'text'): boolean {
  let expected: unknown;
  let refused: unknown;
  try {
    expected = parse(text);
  } catch (err) {
    refused = err;
  }
  const got = parseTomlFast(text);
  if (refused !== undefined) {
    assert.equal(got, undefined, `${label}: smol-toml refuses it (${(refused as Error).message.split('\n')[0]}), the fast reader read it`);
    return false;
  }
  if (got === undefined) return false;
  assert.deepStrictEqual(got, expected, `${label}: the readers differ`);
  return true;
}

/** Features rule files use, in one text the fast reader must read. */
export const FEATURES = `# a comment
[metadata]
creation_date = "2023/08/28"   # trailing comment
integration = ["endpoint", 'windows',]
maturity = "production"

[rule]
author = [
    "Elastic", # inside an array
    "Someone",
]
description = """
Ends in two quotes of its own: ""\"""
note = """Escapes: \\"quoted\\" \\t \\u00e9 \\U0001F600 \\\\ and a line-ending backslash \\
    that joins lines."""
query = '''
process where process.name : "cmd.exe" and process.args : "\\\\*"
'''
literal = 'C:\\Temp\\'
empty = ""
empty_literal = ''
risk_score = 47
ratio = 0.5
enabled = true
building_block = false
mixed = [1, "two", [3], { four = 4 }]
"quoted key" = "x"

[rule.threshold]
field = ["host.id"]
value = 25
cardinality = [{ field = "user.name", value = 5 }]

[[rule.threat]]
framework = "MITRE ATT&CK"
[[rule.threat.technique]]
id = "T1562"
[rule.threat.tactic]
id = "TA0005"

[[rule.threat]]
framework = "MITRE ATT&CK"

[[rule.filters]]
[rule.filters.query.wildcard."file.path"]
case_insensitive = true
value = "?:\\\\Temp\\\\*"

[x.y.z]
a = 1
[x]
b = 2
`;

