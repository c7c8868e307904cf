import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMarkdown } from '../../src/tui/markdown.js';
import { fit, wrap } from '../../src/tui/layout.js';
import { bar, histogram } from '../../src/tui/histogram.js';
import { flattenDoc } from '../../src/tui/flatten.js';
import { factsOf } from '../../src/tui/hit-facts.js';
import { makeHit } from './fixtures.js';

test('markdown: headings bold, bullets, code as-is, paragraphs wrapped, emphasis and links dropped', () => {
  const md = [
    '## Triage and analysis',
    '',
    '### Possible investigation steps',
    '',
    '- Investigate the **process execution chain** (parent process tree).',
    '  - Nested *item* with a [link](https://example.com).',
    '1. First numbered',
    '',
    'A paragraph that is long enough to need wrapping at this narrow width.',
    '```',
    'ps -ef | grep  nc',
    '```',
  ].join('\n');
  assert.deepEqual(renderMarkdown(md, 30), [
    { text: 'Triage and analysis', bold: true },
    { text: '' },
    { text: 'Possible investigation steps', bold: true },
    { text: '' },
    { text: '• Investigate the process' },
    { text: '  execution chain (parent' },
    { text: '  process tree).' },
    { text: '  • Nested item with a link.' },
    { text: '1. First numbered' },
    { text: '' },
    { text: 'A paragraph that is long' },
    { text: 'enough to need wrapping at' },
    { text: 'this narrow width.' },
    { text: '  ps -ef | grep  nc', color: 'cyan' },
  ]);
});

test('fit truncates with an ellipsis and pads; wrap splits long words', () => {
  assert.equal(fit('abcdef', 4), 'abc…');
  assert.equal(fit('ab', 4), 'ab  ');
  assert.equal(fit('a\nb', 3), 'a b');
  assert.deepEqual(wrap('aaaaaaaaaa bb', 4), ['aaaa', 'aaaa', 'aa', 'bb']);
  assert.deepEqual(wrap('', 10, '  '), ['  ']);
});

test('histogram buckets hits over the span with the worst severity per bucket', () => {
  const facts = [
    makeHit({ time: '2024-01-01T00:00:00Z', severity: 'low' }),
    makeHit({ time: '2024-01-01T00:00:59Z', severity: 'critical' }),
    makeHit({ time: '2024-01-01T00:03:59Z', severity: 'medium' }),
    makeHit({ time: 'garbage' }),
  ].map(factsOf);
  const h = histogram(facts, 4, { from: '2024-01-01T00:00:00Z', to: '2024-01-01T00:03:59.999Z' })!;
  assert.deepEqual(h.counts, [2, 0, 0, 1]);
  assert.deepEqual(h.maxRank, [3, -1, -1, 1]);
  assert.equal(h.step, 60_000);
  assert.equal(histogram([], 10), undefined);
  assert.equal(bar(0, 5), ' ');
  assert.equal(bar(1, 1000), '▁');
  assert.equal(bar(5, 5), '█');
});

test('flattenDoc: sorted dotted keys, scalar arrays inline, object arrays indexed', () => {
  assert.deepEqual(flattenDoc({ b: 1, a: { y: [1, 2], x: null, z: [{ k: 'v' }] }, c: {} }), [
    'a.x: null',
    'a.y: [1, 2]',
    'a.z[0].k: v',
    'b: 1',
    'c: {}',
  ]);
});

test('hit facts tolerate odd shapes', () => {
  const f = factsOf({ rule: { name: 3 }, timestamp: ['x'], event: { 'process.name': 'dotted', process: { command_line: ['a', 'b'] } } } as never);
  assert.equal(f.rule, '3');
  assert.equal(f.severity, 'unknown');
  assert.equal(f.process, 'dotted');
  assert.equal(f.commandLine, 'a, b');
  assert.ok(Number.isNaN(f.time));
});
