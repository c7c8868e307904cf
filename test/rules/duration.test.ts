import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lookbackMs, parseDuration, severityRank } from '../../src/rules/index.js';

describe('parseDuration', () => {
  it('durations', () => {
    const cases: [string, number][] = [
      ['5m', 300_000],
      ['1h', 3_600_000],
      ['60s', 60_000],
      ['7d', 604_800_000],
      ['2w', 1_209_600_000],
      ['500ms', 500],
      ['1H', 3_600_000],
      ['1M', 30 * 86_400_000],
      ['1y', 365 * 86_400_000],
      [' 10m ', 600_000],
    ];
    for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, text);
  });

  it('date math relative to now gives the look-back length', () => {
    assert.equal(parseDuration('now-9m'), 540_000);
    assert.equal(parseDuration('now-7d'), 604_800_000);
    assert.equal(parseDuration('now'), 0);
    assert.equal(parseDuration('now-1d/d'), 86_400_000);
  });

  it('rejects what is not a duration', () => {
    for (const text of ['', 'now+1d', '5', 'm', '5 minutes', '2026-01-01', 'now-', '-5m', 'now-5x']) {
      assert.equal(parseDuration(text), undefined, text);
    }
    assert.equal(parseDuration(undefined as unknown as string), undefined);
  });
});

describe('lookbackMs', () => {
  it('reads rule from values', () => {
    assert.equal(lookbackMs('now-9m'), 540_000);
    assert.equal(lookbackMs('now-6m'), 360_000);
    assert.equal(lookbackMs('now-119m'), 7_140_000);
    assert.equal(lookbackMs('now-14d'), 1_209_600_000);
    assert.equal(lookbackMs('now-3660s'), 3_660_000);
    assert.equal(lookbackMs('garbage'), undefined);
  });
});

describe('severityRank', () => {
  it('orders severities', () => {
    assert.ok(severityRank('low') < severityRank('medium'));
    assert.ok(severityRank('medium') < severityRank('high'));
    assert.ok(severityRank('high') < severityRank('critical'));
    assert.equal(severityRank('HIGH'), severityRank('high'));
    assert.equal(severityRank('bogus'), 0);
    assert.ok(severityRank('bogus') < severityRank('low'));
  });
});
