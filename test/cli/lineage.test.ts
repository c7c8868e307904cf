import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTrawl } from '../helpers/trawl.js';

// The xxd process of the SystemKey hit on mac-01 (entity ids are base64 of agent-pid-start).
const XXD = 'OGZhNzA2OWEtM2ZkYi00NTNkLWFhODktOGMxMmY1OTFhY2U3LTYwNjUtMTc5NTI2OTcyMDAwMA==';
const anc = (pidStart: string) => Buffer.from(`8fa7069a-3fdb-453d-aa89-8c12f591ace7-${pidStart}`).toString('base64');

test('trawl lineage prints the ancestry chain and the process, exactly', async () => {
  const r = await runTrawl(['lineage', XXD, 'samples/']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    [
      'host: mac-01',
      `[?]  <unknown>  (not in evidence: ${anc('1-1794902400000')})`,
      `└─ [?]  <unknown>  (not in evidence: ${anc('300-1795154400000')})`,
      `   └─ [?]  <unknown>  (not in evidence: ${anc('313-1795154500000')})`,
      '      └─ [327]  zsh  start=2026-11-20T06:03:20.000Z  (not in evidence)  $ -zsh',
      '         └─ * [6065]  xxd  user=alice  start=2026-11-21T14:02:00.000Z  $ xxd /private/var/db/SystemKey',
      '',
    ].join('\n'),
  );
});

test('trawl lineage --format json; an unknown entity id exits 2', async () => {
  const r = await runTrawl(['lineage', XXD, 'samples/', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const tree = JSON.parse(r.stdout);
  assert.equal(tree.host, 'mac-01');
  assert.equal(tree.ancestors.length, 4);
  assert.equal(tree.process.name, 'xxd');
  const missing = await runTrawl(['lineage', 'bm8tc3VjaA==', 'samples/']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no process with entity id bm8tc3VjaA== in the evidence/);
});

test('trawl lineage within a tight --max-memory: the same tree, a warning, exit 1; a bad size exits 2', async () => {
  const full = await runTrawl(['lineage', XXD, 'samples/']);
  const tight = await runTrawl(['lineage', XXD, 'samples/', '--max-memory', '64KB']);
  assert.equal(tight.code, 1, tight.stderr);
  assert.equal(tight.stdout, full.stdout);
  assert.match(tight.stderr, /^trawl lineage: \d+ event\(s\) of mac-01 not indexed: the host's processes outgrow the lineage index's share of --max-memory 64 KB \(10 KB\), even read again alone/m);
  const bad = await runTrawl(['lineage', XXD, 'samples/', '--max-memory', 'lots']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--max-memory must be a size such as 512MB or 2GB/);
});
