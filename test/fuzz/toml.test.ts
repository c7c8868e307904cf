/**
 * The fast TOML reader (src/rules/toml-fast.ts) against smol-toml on seeded random texts: mutated
 * rule files, and random sequences of headers and key/values (TOML's rules on defining tables).
 * Wherever the fast reader answers it must answer what smol-toml does, and it must give up on
 * every text smol-toml refuses. Budget: FUZZ_RUNS (default 200; `npm run fuzz` sets 20000).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { ROOT } from '../helpers/trawl.js';
import { tomlFiles } from '../helpers/shared.js';
import { agrees, FEATURES } from '../helpers/toml.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);

test('agrees with smol-toml on mutated rule files', () => {
  const files = tomlFiles(path.join(ROOT, 'rules')).slice(0, 6).map((f) => readFileSync(f, 'utf8'));
  const bases = [FEATURES, FEATURES.replace(/\n/g, '\r\n'), ...files, ...files.slice(0, 2).map((t) => t.replace(/\n/g, '\r\n'))];
  const pieces = ['"', "'", '"""', "'''", '\\', '\n', '[', ']', '[[', '{', '}', '=', ',', '#', '.', ' ', 'x', '1', 'é', '\t', '\r', '\u0001', '\u007f'];
  const edit = fc.record({
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    length: fc.integer({ min: 0, max: 4 }),
    insert: fc.array(fc.constantFrom(...pieces), { maxLength: 3 }),
  });
  let read = 0;
  fc.assert(
    fc.property(fc.integer({ min: 0, max: bases.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 4 }), (b, edits) => {
      let text = bases[b]!;
      for (const e of edits) {
        const at = Math.floor(e.at * text.length);
        text = text.slice(0, at) + e.insert.join('') + text.slice(at + e.length);
      }
      if (agrees(text)) read++;
    }),
    { numRuns: RUNS * 5, seed: 20261125 },
  );
  // Most edits break the text (then the fast reader must give up), but not all: its own answers
  // were compared too (59 of 1,000 at the default budget).
  assert.ok(read > RUNS / 10, `only ${read} texts read`);
});

test('agrees with smol-toml on random sequences of headers and key/values', () => {
  const name = fc.constantFrom('a', 'b', 'c', '"a"', "'b'", '"a.b"');
  const headerPath = fc.array(name, { minLength: 1, maxLength: 3 }).map((ks) => ks.join('.'));
  const value = fc.constantFrom('1', '"s"', "'lit'", '[1, 2]', '[]', '{}', '{ x = 1 }', '[{ y = 2 }]', 'true', '2.5', '"""\nm"""');
  const line = fc.oneof(
    headerPath.map((p) => `[${p}]`),
    headerPath.map((p) => `[[${p}]]`),
    fc.tuple(name, value).map(([k, v]) => `${k} = ${v}`),
  );
  let read = 0;
  fc.assert(
    fc.property(fc.array(line, { maxLength: 8 }), (lines) => {
      if (agrees(lines.join('\n'))) read++;
    }),
    { numRuns: RUNS * 5, seed: 20261125 },
  );
  // Not vacuous: many of the random texts are valid and read by the fast reader.
  assert.ok(read > RUNS / 2, `only ${read} texts read`);
});
