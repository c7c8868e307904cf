/**
 * The fast TOML reader (src/rules/toml-fast.ts) against smol-toml, which it stands in front of:
 * wherever it answers, it must answer what smol-toml does, and it must never accept a text
 * smol-toml refuses. Checked here on every rule file we have and on hand-picked edge cases;
 * test/fuzz/toml.test.ts does the same on seeded random texts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import { parseTomlFast } from '../../src/rules/toml-fast.js';
import { agrees, FEATURES } from '../helpers/toml.js';
import { ROOT } from '../helpers/trawl.js';
import { needsShared, sharedPath, tomlFiles } from '../helpers/shared.js';

describe('fast TOML reader', () => {
  it('reads the features rule files use as smol-toml does', () => {
    assert.equal(agrees(FEATURES, 'FEATURES'), true);
    const doc = parseTomlFast(FEATURES) as Record<string, Record<string, unknown>>;
    // A spot check that the comparison is not vacuous: escapes decoded, prototypes absent.
    assert.equal(doc['rule']!['note'], 'Escapes: "quoted" \t é 😀 \\ and a line-ending backslash that joins lines.');
    assert.equal(doc['rule']!['description'], 'Ends in two quotes of its own: ""');
    assert.equal(Object.getPrototypeOf(doc['rule']), null);
  });

  it('reads every bundled rule file, as smol-toml does', () => {
    const files = tomlFiles(path.join(ROOT, 'rules'));
    assert.ok(files.length > 0);
    for (const f of files) assert.equal(agrees(readFileSync(f, 'utf8'), f), true, `${f}: not read by the fast reader`);
  });

  it('reads CRLF texts as smol-toml does (carriage returns kept inside multi-line strings)', () => {
    const crlf = (t: string) => t.replace(/\n/g, '\r\n');
    assert.equal(agrees(crlf(FEATURES), 'FEATURES with CRLF'), true);
    const doc = parseTomlFast(crlf(FEATURES)) as Record<string, Record<string, unknown>>;
    assert.equal(doc['rule']!['note'], 'Escapes: "quoted" \t é 😀 \\ and a line-ending backslash that joins lines.');
    assert.match(doc['rule']!['query'] as string, /"cmd\.exe".*\r\n$/);
    for (const f of tomlFiles(path.join(ROOT, 'rules'))) assert.equal(agrees(crlf(readFileSync(f, 'utf8')), f), true, `${f} with CRLF`);
  });

  it('reads every file of the Elastic corpus, as smol-toml does', { skip: needsShared('elastic-rules') }, () => {
    const files = tomlFiles(sharedPath('elastic-rules'));
    assert.ok(files.length >= 2192);
    const slow = files.filter((f) => !agrees(readFileSync(f, 'utf8'), f));
    // Every file read fast is what makes cold loading faster; one that falls back is still correct.
    assert.deepEqual(slow, []);
  });

  it('leaves to smol-toml what it does not read, and never accepts what smol-toml refuses', () => {
    const refusedBySmol = [
      'a = 1\na = 2',
      '[a]\n[a]',
      '[a]\nb = 1\n[a.b]',
      '[[a]]\n[a]',
      '[a]\n[[a]]',
      'a = {}\n[a]',
      'a = {}\n[a.b]',
      'a = [1]\n[[a]]',
      '[a.b]\n[a]\nb = 1',
      'a = "unterminated',
      'a = """never closed',
      "a = '''never closed",
      'a = "line\nbreak"',
      "a = 'line\nbreak'",
      'a = "bad escape \\q"',
      'a = "\\uD800"',
      'a = "tab\u0001char"',
      '# comment with \u0007 bell',
      'a = 1 b = 2',
      'a = [1,,2]',
      'a = [,]',
      'a = {x = 1, x = 2}',
      'a = 0123',
      'a = """x""""""',
      '[]',
      '[[a]',
      'a',
      '= 1',
      'a = 1\rb = 2',
      'a = """x\ry"""',
      `a = ${'['.repeat(2000)}${']'.repeat(2000)}`,
      `a = ${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    ];
    for (const t of refusedBySmol) {
      assert.throws(() => parse(t), Error, `smol-toml accepts ${JSON.stringify(t)}: not an invalid case`);
      assert.equal(parseTomlFast(t), undefined, JSON.stringify(t));
    }
    // Valid TOML outside the subset: smol-toml reads these (the caller falls back to it).
    const outside = ['a.b = 1', 'a = 1979-05-27', 'a = -1', 'a = +1', 'a = 1_000', 'a = 0x1F', 'a = 1e3', 'a = inf', 'a = {\nb = 1 }', 'a = {x = 1,}'];
    for (const t of outside) {
      assert.doesNotThrow(() => parse(t), JSON.stringify(t));
      assert.equal(parseTomlFast(t), undefined, JSON.stringify(t));
    }
  });
});
