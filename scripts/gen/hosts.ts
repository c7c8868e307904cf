import type { Rng } from './prng.js';

export interface HostProfile {
  name: string;
  id: string;
  agentId: string;
  os: 'macos' | 'linux';
  user: string;
  ip: string;
  mac: string;
}

const OS = {
  macos: { family: 'darwin', platform: 'darwin', name: 'macOS', version: '15.1.1', kernel: '24.1.0', full: 'macOS 15.1.1' },
  linux: { family: 'ubuntu', platform: 'ubuntu', name: 'Linux', version: '22.04.5', kernel: '6.8.0-1017-aws', full: 'Ubuntu 22.04.5' },
} as const;

export function makeHost(rng: Rng, name: string, os: 'macos' | 'linux', user: string): HostProfile {
  return {
    name,
    id: rng.hex(32),
    agentId: rng.uuid(),
    os,
    user,
    ip: `10.${rng.int(0, 40)}.${rng.int(0, 255)}.${rng.int(2, 250)}`,
    mac: Array.from({ length: 6 }, () => rng.hex(2)).join('-'),
  };
}

/** The `host`, `agent`, `ecs`, `elastic` blocks every Defend document carries. */
export function hostBlocks(h: HostProfile): Record<string, unknown> {
  const os = OS[h.os];
  return {
    agent: { id: h.agentId, type: 'endpoint', version: '8.16.1' },
    ecs: { version: '8.11.0' },
    elastic: { agent: { id: h.agentId } },
    host: {
      architecture: h.os === 'macos' ? 'arm64' : 'x86_64',
      hostname: h.name,
      id: h.id,
      ip: [h.ip, '127.0.0.1', '::1'],
      mac: [h.mac],
      name: h.name,
      os: { Ext: { variant: os.name }, family: os.family, full: os.full, kernel: os.kernel, name: os.name, platform: os.platform, type: h.os, version: os.version },
    },
  };
}
