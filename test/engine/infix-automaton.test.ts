import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InfixAutomaton } from '../../src/engine/infix-automaton.js';

/** Positions found in `v`, each once, sorted. */
function found(a: InfixAutomaton, v: string): number[] {
  const list: number[] = [];
  a.scan(v, list);
  return [...new Set(list)].sort((x, y) => x - y);
}

test('infix automaton: overlapping infixes, infixes inside others, repeats', () => {
  const texts = ['he', 'she', 'his', 'hers', 'e', 'ushers'];
  const a = new InfixAutomaton(texts.map((text, at) => ({ text, at })));
  assert.deepEqual(found(a, 'ushers'), [0, 1, 3, 4, 5]);
  assert.deepEqual(found(a, 'xhisx'), [2]);
  assert.deepEqual(found(a, ''), []);
  assert.deepEqual(found(a, 'zzz'), []);
  // two positions under one text, one position under two texts
  const b = new InfixAutomaton([{ text: 'ab', at: 0 }, { text: 'ab', at: 1 }, { text: 'cd', at: 1 }]);
  assert.deepEqual(found(b, 'xxcd'), [1]);
  assert.deepEqual(found(b, 'ab'), [0, 1]);
});

test('infix automaton: characters outside ASCII or outside every infix break a match', () => {
  const a = new InfixAutomaton([{ text: 'c:\\users\\', at: 0 }, { text: 'k', at: 1 }]);
  assert.deepEqual(found(a, 'c:\\users\\bob'), [0]);
  assert.deepEqual(found(a, 'c:\\us\u00e9rs\\bob'), []);
  assert.deepEqual(found(a, 'c:\\usXers\\'), []);
  // the Kelvin sign is not "k": callers lower-case values first ("\u212a".toLowerCase() is "k")
  assert.deepEqual(found(a, '\u212a'), []);
  assert.deepEqual(found(a, '\u212a'.toLowerCase()), [1]);
  assert.throws(() => new InfixAutomaton([{ text: 'caf\u00e9', at: 0 }]), /outside ASCII/);
});

test('infix automaton: agrees with includes on random infixes and values', () => {
  // A small alphabet makes overlaps, shared prefixes and failure chains common.
  let seed = 12345;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const word = (alphabet: string, max: number) => {
    let s = '';
    for (let n = 1 + rand(max); n > 0; n--) s += alphabet[rand(alphabet.length)];
    return s;
  };
  for (let round = 0; round < 300; round++) {
    const texts = Array.from({ length: 1 + rand(40) }, () => word('abcab/\\', 6));
    const a = new InfixAutomaton(texts.map((text, at) => ({ text, at })));
    for (let k = 0; k < 20; k++) {
      const v = word('abcd/\\\u00e9', 60);
      const want = texts.flatMap((t, at) => (v.includes(t) ? [at] : []));
      assert.deepEqual(found(a, v), want, `${JSON.stringify(texts)} in ${JSON.stringify(v)}`);
    }
  }
});

test('infix automaton: more states than a 16-bit table holds', () => {
  const texts = Array.from({ length: 9000 }, (_, i) => `${(i * 7919).toString(36)}q${i.toString(36)}z${i}`);
  const prefixes = new Set(texts.flatMap((t) => Array.from(t, (_, k) => t.slice(0, k + 1))));
  assert.ok(prefixes.size > 0x10000, `${prefixes.size} trie states`);
  const a = new InfixAutomaton(texts.map((text, at) => ({ text, at })));
  const i = 8999;
  assert.deepEqual(found(a, `..${texts[i]}..`), [i]);
  assert.deepEqual(found(a, `..${texts[0]}.${texts[i]}`), [0, i]);
});
