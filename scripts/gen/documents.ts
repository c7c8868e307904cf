import { hostBlocks, type HostProfile } from './hosts.js';
import type { Rng } from './prng.js';
import type { Proc, ProcessTree } from './process-tree.js';

/** Defend's timestamp shape: seven fractional digits, UTC. */
export function defendTime(ms: number, rng: Rng): string {
  const iso = new Date(ms).toISOString(); // …sss Z
  return `${iso.slice(0, 23)}${String(rng.int(0, 9999)).padStart(4, '0')}Z`;
}

function processBlock(tree: ProcessTree, p: Proc, rng: Rng, detail: boolean): Record<string, unknown> {
  const parent = p.parent;
  const signed = tree.host.os === 'macos' && p.executable.startsWith('/System/') ? { exists: true, signing_id: `com.apple.${p.name}`, status: 'trusted', team_id: '', trusted: true } : undefined;
  const block: Record<string, unknown> = {
    entity_id: p.entityId,
    pid: p.pid,
    name: p.name,
    executable: p.executable,
    args: p.args,
    args_count: p.args.length,
    command_line: p.args.join(' '),
    working_directory: p.workingDirectory,
    start: new Date(p.start).toISOString(),
    Ext: {
      ancestry: tree.ancestry(p),
      ...(detail ? { authentication_id: '0x3e7', session_info: { logon_type: 'Interactive', id: 1 } } : {}),
    },
    group_leader: { entity_id: (parent ?? p).entityId, pid: (parent ?? p).pid, name: (parent ?? p).name },
    session_leader: { entity_id: (parent?.parent ?? parent ?? p).entityId, pid: (parent?.parent ?? parent ?? p).pid, name: (parent?.parent ?? parent ?? p).name },
    ...(signed ? { code_signature: signed } : {}),
    ...(detail ? { hash: { md5: rng.hex(32), sha1: rng.hex(40), sha256: rng.hex(64) } } : {}),
  };
  if (parent) {
    block.parent = {
      entity_id: parent.entityId,
      pid: parent.pid,
      name: parent.name,
      executable: parent.executable,
      args: parent.args,
      args_count: parent.args.length,
      command_line: parent.args.join(' '),
      working_directory: parent.workingDirectory,
      start: new Date(parent.start).toISOString(),
    };
  }
  return block;
}

function userBlock(p: Proc): Record<string, unknown> {
  const id = p.user === 'root' ? '0' : '501';
  return { id, name: p.user, Ext: { real: { id, name: p.user } }, group: { id: p.user === 'root' ? '0' : '20', name: p.user === 'root' ? 'wheel' : 'staff' } };
}

function base(tree: ProcessTree, dataset: string, ts: number, rng: Rng, seq: number): Record<string, unknown> {
  return {
    '@timestamp': defendTime(ts, rng),
    ...hostBlocks(tree.host),
    data_stream: { dataset, namespace: 'default', type: 'logs' },
  };
}

function eventBlock(category: string, type: string[], action: string, dataset: string, ts: number, rng: Rng, seq: number): Record<string, unknown> {
  return {
    action,
    category: [category],
    created: new Date(ts).toISOString(),
    dataset,
    id: rng.hex(8) + '-' + rng.hex(4) + '-' + rng.hex(12),
    ingested: new Date(ts + rng.int(800, 3500)).toISOString().replace('.000Z', 'Z'),
    kind: 'event',
    module: 'endpoint',
    outcome: 'success',
    sequence: seq,
    type,
  };
}

let sequence = 100000;

export function processEvent(tree: ProcessTree, p: Proc, kind: 'start' | 'end', ts: number, rng: Rng, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const dataset = 'endpoint.events.process';
  const doc = base(tree, dataset, ts, rng, sequence);
  const action = kind === 'start' ? (tree.host.os === 'macos' ? 'exec' : 'exec') : 'end';
  doc.event = eventBlock('process', kind === 'start' ? ['start'] : ['end'], action, dataset, ts, rng, sequence++);
  doc.message = 'Endpoint process event';
  doc.process = { ...processBlock(tree, p, rng, true), ...(kind === 'end' ? { end: new Date(ts).toISOString(), exit_code: 0 } : {}) };
  mergeDeep(doc.process as Record<string, unknown>, extra);
  doc.user = userBlock(p);
  return doc;
}

export function fileEvent(tree: ProcessTree, p: Proc, action: string, type: string[], path: string, ts: number, rng: Rng): Record<string, unknown> {
  const dataset = 'endpoint.events.file';
  const doc = base(tree, dataset, ts, rng, sequence);
  doc.event = eventBlock('file', type, action, dataset, ts, rng, sequence++);
  doc.message = 'Endpoint file event';
  const name = path.split('/').pop() ?? path;
  const dot = name.lastIndexOf('.');
  doc.file = {
    path,
    name,
    ...(dot > 0 ? { extension: name.slice(dot + 1) } : {}),
    directory: path.slice(0, path.length - name.length - 1) || '/',
    size: rng.int(40, 90000),
    Ext: { entropy: Math.round(rng.next() * 8000) / 1000, header_bytes: rng.hex(32), monotonic_id: rng.int(1, 99999) },
  };
  doc.process = processBlock(tree, p, rng, false);
  doc.user = userBlock(p);
  return doc;
}

export function networkEvent(tree: ProcessTree, p: Proc, ts: number, rng: Rng, dest: string, port: number): Record<string, unknown> {
  const dataset = 'endpoint.events.network';
  const doc = base(tree, dataset, ts, rng, sequence);
  doc.event = eventBlock('network', ['start'], 'connection_attempted', dataset, ts, rng, sequence++);
  doc.message = 'Endpoint network event';
  doc.network = { direction: 'egress', transport: 'tcp', type: 'ipv4' };
  doc.source = { address: tree.host.ip, ip: tree.host.ip, port: rng.int(49152, 65535) };
  doc.destination = { address: dest, ip: dest, port };
  doc.process = processBlock(tree, p, rng, false);
  doc.user = userBlock(p);
  return doc;
}

function mergeDeep(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(from)) {
    const cur = into[k];
    if (v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur)) {
      mergeDeep(cur as Record<string, unknown>, v as Record<string, unknown>);
    } else into[k] = v;
  }
}

export type { HostProfile };
