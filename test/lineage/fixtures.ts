import type { TrawlEvent } from '../../src/input/event.js';

export interface ProcSpec {
  host?: string;
  entityId?: string;
  pid?: number;
  name?: string;
  start?: string;
  parent?: { entityId?: string; pid?: number; name?: string; start?: string };
  ancestry?: string[];
  commandLine?: string;
  user?: string;
  action?: 'start' | 'end';
  time?: string;
}

let line = 0;

/** A Defend-shaped process event. */
export function procEvent(p: ProcSpec, file = 'ev.ndjson'): TrawlEvent {
  const process: Record<string, unknown> = {};
  if (p.entityId) process.entity_id = p.entityId;
  if (p.pid !== undefined) process.pid = p.pid;
  if (p.name) process.name = p.name;
  if (p.start) process.start = p.start;
  if (p.commandLine) process.command_line = p.commandLine;
  if (p.ancestry) process.Ext = { ancestry: p.ancestry };
  if (p.parent) {
    process.parent = {
      ...(p.parent.entityId ? { entity_id: p.parent.entityId } : {}),
      ...(p.parent.pid !== undefined ? { pid: p.parent.pid } : {}),
      ...(p.parent.name ? { name: p.parent.name } : {}),
      ...(p.parent.start ? { start: p.parent.start } : {}),
    };
  }
  const doc: Record<string, unknown> = {
    '@timestamp': p.time ?? p.start ?? '2024-01-01T00:00:00Z',
    host: { name: p.host ?? 'h1' },
    event: { category: ['process'], type: [p.action ?? 'start'], action: p.action ?? 'start' },
    process,
  };
  if (p.user) doc.user = { name: p.user };
  return { doc, file, line: ++line };
}

/** A non-process event (file creation) by the process with `entityId`. */
export function fileEvent(actor: { entityId?: string; pid?: number; host?: string; name?: string }, time: string, path: string, file = 'ev.ndjson'): TrawlEvent {
  const process: Record<string, unknown> = {};
  if (actor.entityId) process.entity_id = actor.entityId;
  if (actor.pid !== undefined) process.pid = actor.pid;
  if (actor.name) process.name = actor.name;
  const doc = { '@timestamp': time, host: { name: actor.host ?? 'h1' }, event: { category: ['file'], action: 'creation' }, file: { path }, process };
  return { doc, file, line: ++line };
}

export function resetLines(): void {
  line = 0;
}

/**
 * A small tree on host h1:
 *   init(E0, placeholder known from ancestry) → sshd(E1) → bash(E2) → {curl(E3), sh(E4) → nc(E5)}
 * E0 and E1: bash's ancestry is [E1, E0]; sshd itself never appears as a process event.
 */
export function craftedTree(): TrawlEvent[] {
  resetLines();
  return [
    procEvent({ entityId: 'E2', pid: 200, name: 'bash', start: '2024-01-01T00:00:02Z', user: 'root', commandLine: '-bash', parent: { entityId: 'E1', pid: 100, name: 'sshd' }, ancestry: ['E1', 'E0'] }),
    procEvent({ entityId: 'E4', pid: 400, name: 'sh', start: '2024-01-01T00:00:05Z', user: 'root', commandLine: 'sh -c "nc -l 4444"', parent: { entityId: 'E2', pid: 200 }, ancestry: ['E2', 'E1', 'E0'] }),
    procEvent({ entityId: 'E3', pid: 300, name: 'curl', start: '2024-01-01T00:00:04Z', user: 'root', commandLine: 'curl http://x', parent: { entityId: 'E2', pid: 200 }, ancestry: ['E2', 'E1', 'E0'] }),
    fileEvent({ entityId: 'E3' }, '2024-01-01T00:00:04.5Z', '/tmp/x'),
    procEvent({ entityId: 'E5', pid: 500, name: 'nc', start: '2024-01-01T00:00:06Z', user: 'root', commandLine: 'nc -l 4444', parent: { entityId: 'E4', pid: 400 }, ancestry: ['E4', 'E2', 'E1', 'E0'] }),
    fileEvent({ entityId: 'E2' }, '2024-01-01T00:00:03Z', '/root/.bash_history'),
    procEvent({ entityId: 'E3', pid: 300, name: 'curl', action: 'end', time: '2024-01-01T00:00:07Z', parent: { entityId: 'E2' } }),
  ];
}
