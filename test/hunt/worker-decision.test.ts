import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extraScannersGain, LateStart, OBSERVE_MS, WARM_MS, type ScalingFacts } from '../../src/hunt/worker-decision.js';

const MB = 1024 * 1024;
const twoCores = { scanners: 2, cores: 2 };

test('extra scanners pay on long work and not on short work, sooner with fewer rules and more cores', () => {
  const corpus = (mb: number, rate: number): ScalingFacts => ({ ...twoCores, rules: 1949, unclaimedBytes: mb * MB, bytesPerSecond: rate * MB });
  // The rates the decision saw on the bench evidence (2 cores): corpus 64 MB no, 128 MB and up yes.
  assert.ok(extraScannersGain(corpus(44, 40)) < 0);
  assert.ok(extraScannersGain(corpus(92, 27)) > 0);
  assert.ok(extraScannersGain(corpus(214, 37)) > 0);
  const bundled = (mb: number, rate: number): ScalingFacts => ({ ...twoCores, rules: 4, unclaimedBytes: mb * MB, bytesPerSecond: rate * MB });
  assert.ok(extraScannersGain(bundled(152, 485)) < 0, '384 MB of bundled-rules evidence: one scanner');
  assert.ok(extraScannersGain(bundled(700, 500)) > 0, '1 GB: two');
  // Eight cores: corpus work too short to share on two is worth sharing.
  assert.ok(extraScannersGain(corpus(100, 40)) < 0);
  assert.ok(extraScannersGain({ ...corpus(100, 40), scanners: 8, cores: 8 }) > 0);
  // One core, or a plan for one scanner: never.
  assert.equal(extraScannersGain({ ...corpus(10_000, 40), cores: 1 }), -Infinity);
  assert.equal(extraScannersGain({ ...corpus(10_000, 40), scanners: 1 }), -Infinity);
});

test('the late start measures the rate after the warm-up, decides once, and never starts without unclaimed work', () => {
  const run = (bytesPerMs: number, unclaimedBytes: number) => {
    let now = 0;
    let started = 0;
    let stayed = 0;
    const late = new LateStart(
      () => ({ ...twoCores, rules: 4, unclaimedBytes }),
      () => started++,
      () => now,
      () => stayed++,
    );
    late.observe(MB); // before begin(): ignored
    late.begin();
    // A slow warm-up (a tenth of the pace) must not count.
    for (; now < WARM_MS; now += 10) late.observe((bytesPerMs / 10) * 10);
    for (; now < WARM_MS + OBSERVE_MS + 100; now += 10) late.observe(bytesPerMs * 10);
    for (let i = 0; i < 100; i++, now += 10) late.observe(bytesPerMs * 10);
    assert.equal(started + stayed, 1, 'decided exactly once');
    return started;
  };
  // 500 MB/s: 2 GB left is worth a second scanner, 100 MB is not.
  assert.equal(run(500 * 1024, 2048 * MB), 1);
  assert.equal(run(500 * 1024, 100 * MB), 0);
  assert.equal(run(500 * 1024, 0), 0);
  // 150 MB at 500 MB/s is not worth it; over the warm-up too the rate would look half that, and it would be.
  assert.equal(run(500 * 1024, 150 * MB), 0);
});
