/**
 * Benchmark evidence: realistic Elastic Defend NDJSON of a requested total size across many
 * hosts and files, gzip and plain, streamed to disk (flat memory), seeded and deterministic.
 *
 *   node --import tsx scripts/gen-evidence.ts --size 2GB --out DIR [--gzip-ratio 0.5] [--hosts 50] [--seed 1]
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import type { Writable } from 'node:stream';
import { background, bootHost } from './gen/activity.js';
import { fileEvent, processEvent } from './gen/documents.js';
import { hostBlocks, makeHost, type HostProfile } from './gen/hosts.js';
import { Rng } from './gen/prng.js';
import { ProcessTree, type Proc } from './gen/process-tree.js';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

export function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)?$/i.exec(s.trim());
  if (!m) throw new Error(`--size: cannot read "${s}" (e.g. 512MB, 2GB)`);
  const unit = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9 }[(m[2] ?? 'MB').toUpperCase() as 'B'] ?? 1e6;
  return Math.round(Number(m[1]) * unit);
}

interface HostState {
  /** agent/ecs/elastic/host serialized once: the same for every document of a host. */
  hostJson: string;
  host: HostProfile;
  tree: ProcessTree;
  roots: { shells: Proc[]; daemons: Proc[] };
}

async function main(): Promise<void> {
  const total = parseSize(arg('size', '256MB'));
  const out = path.resolve(arg('out', 'bench-out/evidence'));
  const gzipRatio = Number(arg('gzip-ratio', '0.5'));
  const hostCount = Number(arg('hosts', '50'));
  const rng = new Rng(Number(arg('seed', '1')));
  mkdirSync(out, { recursive: true });
  const perFile = Math.max(8e6, Math.min(256e6, Math.ceil(total / 8)));
  const files = Math.max(1, Math.round(total / perFile));
  const t0 = Date.UTC(2026, 10, 18);
  const span = 3 * 86_400_000;
  const hosts: HostState[] = Array.from({ length: hostCount }, (_, i) => {
    const os = i % 3 === 0 ? 'macos' : 'linux';
    const host = makeHost(rng, `${os === 'macos' ? 'mac' : 'srv'}-${String(i).padStart(3, '0')}`, os, os === 'macos' ? 'analyst' : 'svc');
    const tree = new ProcessTree(rng, host);
    const hb = JSON.stringify(hostBlocks(host));
    return { hostJson: hb.slice(1, -1), host, tree, roots: bootHost(tree, t0) };
  });
  const started = Date.now();
  let written = 0;
  let events = 0;
  for (let f = 0; f < files; f++) {
    const gzip = f < Math.round(files * gzipRatio);
    const name = path.join(out, `evidence-${String(f).padStart(3, '0')}.ndjson${gzip ? '.gz' : ''}`);
    const file = createWriteStream(name, { highWaterMark: 1 << 20 });
    const gz = gzip ? createGzip({ level: 1 }) : undefined;
    if (gz) gz.pipe(file);
    const sink: Writable = gz ?? file;
    let raw = 0;
    const target = Math.min(perFile, total - written);
    while (raw < target) {
      const h = hosts[rng.int(0, hosts.length - 1)];
      const from = t0 + Math.floor(rng.next() * span);
      const docs = background(h.tree, rng, h.roots, from, from + 600_000, 200);
      if (rng.next() < 0.02) docs.push(...plant(h, rng, from));
      let chunk = '';
      for (const d of docs) chunk += serialize(d, h);
      raw += Buffer.byteLength(chunk);
      events += docs.length;
      if (!sink.write(chunk)) await once(sink, 'drain');
    }
    sink.end();
    await once(file, 'close');
    written += raw;
    process.stderr.write(`  ${path.basename(name)}: ${(raw / 1e6).toFixed(0)} MB of NDJSON\n`);
  }
  const secs = (Date.now() - started) / 1000;
  process.stderr.write(`wrote ${(written / 1e6).toFixed(0)} MB (${events} events) in ${files} files to ${out} at ${(written / 1e6 / secs).toFixed(0)} MB/s\n`);
}

const HOST_KEYS = ['agent', 'ecs', 'elastic', 'host'] as const;

/** One NDJSON line: the per-host blocks are spliced in pre-serialized (the hot path of the generator). */
function serialize(d: Record<string, unknown>, h: HostState): string {
  for (const k of HOST_KEYS) delete d[k];
  const rest = JSON.stringify(d);
  return `{${h.hostJson},${rest.slice(1)}\n`;
}

/** Some true positives for the bundled rules (credential file access by python, SystemKey reads). */
function plant(h: HostState, rng: Rng, t: number) {
  const shell = h.roots.shells[0];
  if (h.host.os === 'macos') {
    const py = h.tree.spawn(shell, '/usr/bin/python3', ['python3', 'x.py'], t);
    const key = h.tree.spawn(shell, '/usr/bin/xxd', ['xxd', '/var/db/SystemKey'], t + 2000);
    return [
      processEvent(h.tree, py, 'start', t, rng),
      fileEvent(h.tree, py, 'open', ['access'], `/Users/analyst/.ssh/id_${rng.pick(['rsa', 'ed25519', 'ecdsa'])}`, t + 1000, rng),
      processEvent(h.tree, key, 'start', t + 2000, rng),
    ];
  }
  const dropper = h.tree.spawn(shell, '/tmp/.x/dropper', ['/tmp/.x/dropper'], t);
  return [fileEvent(h.tree, dropper, 'creation', ['creation'], '/usr/lib/python3.11/sitecustomize.py', t + 500, rng)];
}

await main();
