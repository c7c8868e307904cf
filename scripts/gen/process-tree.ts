import type { HostProfile } from './hosts.js';
import type { Rng } from './prng.js';

/** A simulated process: what Defend reports about it in every event it appears in. */
export interface Proc {
  entityId: string;
  pid: number;
  name: string;
  executable: string;
  args: string[];
  start: number;
  user: string;
  parent?: Proc;
  workingDirectory: string;
}

/**
 * Processes of one host, as real trees: each child knows its parent, and its ancestry (entity
 * ids nearest first) is derived from the chain. Entity ids are base64 of agent-pid-start, like
 * Defend's.
 */
export class ProcessTree {
  private nextPid = 300;

  constructor(
    private readonly rng: Rng,
    readonly host: HostProfile,
  ) {}

  spawn(parent: Proc | undefined, executable: string, args: string[], start: number, user?: string, pid?: number): Proc {
    const p: Proc = {
      entityId: Buffer.from(`${this.host.agentId}-${pid ?? this.nextPid}-${start}`).toString('base64'),
      pid: pid ?? this.nextPid,
      name: executable.split('/').pop() ?? executable,
      executable,
      args,
      start,
      user: user ?? parent?.user ?? 'root',
      parent,
      workingDirectory: user && user !== 'root' ? `${this.host.os === 'macos' ? '/Users' : '/home'}/${user}` : '/',
    };
    if (pid === undefined) this.nextPid = this.nextPid > 99_000 ? 300 : this.nextPid + this.rng.int(1, 37);
    return p;
  }

  ancestry(p: Proc): string[] {
    const out: string[] = [];
    for (let a = p.parent; a && out.length < 20; a = a.parent) out.push(a.entityId);
    return out;
  }
}
