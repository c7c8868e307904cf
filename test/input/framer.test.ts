import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NdjsonFramer } from '../../src/input/ndjson-framer.js';
import { SkipLedger } from '../../src/input/skips.js';
import { frameCut, seededCuts } from './fixtures.js';

/** Lines, blank lines, CRLF, multi-byte text, a malformed line and two over-long lines. */
function body(): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) {
    if (i % 53 === 0) lines.push('');
    else if (i % 71 === 0) lines.push('{"broken": ');
    else if (i % 97 === 0) lines.push(`{"long":"${'y'.repeat(300)}"}`);
    else lines.push(`{"i":${i},"s":"${'é'.repeat(i % 13)}${'x'.repeat(i % 37)}"}${i % 5 === 0 ? '\r' : ''}`);
  }
  return Buffer.from(lines.join('\n') + '\n{"last":true}');
}

function frame(buf: Buffer, cuts: number[], o: { maxLine?: number } = {}) {
  const ledger = new SkipLedger();
  const events = frameCut(new NdjsonFramer({ file: 'f', ledger, maxLine: o.maxLine }), buf, cuts);
  // Kinds in name order: an over-long line is counted while framing, a malformed one when parsed.
  const skips = JSON.stringify(Object.entries(ledger.byKind).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { events, skips };
}

test('the framer yields the same events and skips however the bytes are cut into chunks', () => {
  const buf = body();
  for (const maxLine of [undefined, 200]) {
    const whole = frame(buf, [], { maxLine });
    assert.ok(whole.events.length > 300);
    assert.match(whole.skips, /malformed-json/);
    if (maxLine) assert.match(whole.skips, /line-too-long/);
    // A seeded walk of cut points: chunks from 1 byte (inside multi-byte characters, between
    // \r and \n) to several lines, so a tail is joined with the next chunk's first line often.
    for (const span of [1, 3, 17, 64, 500, 5000]) {
      const cuts = seededCuts(buf.length, span, 7 + span);
      const got = frame(buf, cuts, { maxLine });
      assert.deepEqual(got.events, whole.events, `chunks up to ${span} bytes, maxLine ${maxLine}`);
      assert.equal(got.skips, whole.skips, `chunks up to ${span} bytes, maxLine ${maxLine}`);
    }
  }
});

test('a batch of lines that all fail to parse does not hold back the lines after it', () => {
  // Over 64 KB (a batch) of malformed lines, then good ones, all in one chunk: the framer must
  // go on past a batch that yields no event, at the end of input as before it.
  const bad = Array.from({ length: 3000 }, (_, i) => `{"broken":${i},"pad":"${'x'.repeat(40)}"`).join('\n');
  const good = Array.from({ length: 5 }, (_, i) => `{"ok":${i}}`).join('\n');
  const { events, skips } = frame(Buffer.from(`${bad}\n${good}\n`), []);
  assert.deepEqual(
    events.map(([line]) => line),
    [3001, 3002, 3003, 3004, 3005],
  );
  assert.match(skips, /"malformed-json",\{"count":3000/);
});
