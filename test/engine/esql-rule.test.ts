import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ev, makeRule, run } from './fixtures.js';

const proc = (time: string, host: string, parent: string, name: string, args: string, file = 'f.ndjson') =>
  ev(
    time,
    {
      data_stream: { dataset: 'endpoint.events.process', namespace: 'default' },
      event: { category: ['process'], type: ['start'], action: 'exec' },
      host: { name: host, id: `${host}-id`, os: { type: 'linux' } },
      process: { name, args: [name, '-c', args], command_line: `${name} -c ${args}`, parent: { name: parent } },
    },
    file,
  );

test('esql without STATS: every row is a hit carrying its source event', () => {
  const rule = makeRule({
    type: 'esql',
    query: 'FROM logs-endpoint.events.process-* | WHERE process.name == "sh" | KEEP @timestamp, host.name, process.command_line',
  });
  const events = [proc('2026-11-20T10:00:00Z', 'web1', 'python3', 'sh', 'whoami'), proc('2026-11-20T10:00:01Z', 'web1', 'bash', 'ls', '-la')];
  const { hits } = run([rule], events);
  assert.equal(hits.length, 1);
  assert.equal(hits[0].row?.['process.command_line'], 'sh -c whoami');
  assert.deepEqual(hits[0].source, { file: events[0].file, line: events[0].line });
  assert.equal(hits[0].host, 'web1');
});

test('esql STATS by a time bucket is evaluated once over all evidence: one hit per group', () => {
  const rule = makeRule({
    type: 'esql',
    query: `FROM logs-endpoint.events.process-*
| WHERE process.parent.name LIKE "python*" AND process.name IN ("sh", "bash")
| EVAL Esql.time_window = DATE_TRUNC(1 minutes, @timestamp)
| STATS Esql.count = COUNT(*), Esql.args = COUNT_DISTINCT(process.command_line) BY Esql.time_window, host.name
| WHERE Esql.args >= 3`,
  });
  const events = [
    // Three distinct commands within one minute on web1 (split over files, out of order): a hit.
    proc('2026-11-20T10:00:50Z', 'web1', 'python3', 'sh', 'uname -a', 'b.ndjson'),
    proc('2026-11-20T10:00:10Z', 'web1', 'python3', 'sh', 'whoami', 'a.ndjson'),
    proc('2026-11-20T10:00:20Z', 'web1', 'python3.11', 'bash', 'id', 'a.ndjson'),
    // Same on web2 but spread over two minutes: two buckets of 2 and 1, no hit.
    proc('2026-11-20T10:00:10Z', 'web2', 'python3', 'sh', 'whoami'),
    proc('2026-11-20T10:00:20Z', 'web2', 'python3', 'sh', 'id'),
    proc('2026-11-20T10:01:10Z', 'web2', 'python3', 'sh', 'uname'),
  ];
  const { hits } = run([rule], events);
  assert.equal(hits.length, 1);
  assert.equal(hits[0].row?.['host.name'], 'web1');
  assert.equal(hits[0].row?.['Esql.count'], 3);
  assert.equal(hits[0].host, 'web1');
});
