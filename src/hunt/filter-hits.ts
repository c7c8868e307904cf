import type { Hit } from '../engine/index.js';

export interface HitFilter {
  /** Keep hits at or after this instant (epoch ms). */
  since?: number;
  until?: number;
  /** Keep hits whose host is one of these (case-insensitive). */
  hosts?: string[];
}

export function filterHits(hits: Hit[], f: HitFilter): Hit[] {
  const hosts = f.hosts?.length ? new Set(f.hosts.map((h) => h.toLowerCase())) : undefined;
  if (f.since === undefined && f.until === undefined && !hosts) return hits;
  return hits.filter((h) => {
    const t = Date.parse(h.timestamp);
    if (f.since !== undefined && !(t >= f.since)) return false;
    if (f.until !== undefined && !(t <= f.until)) return false;
    if (hosts && !(h.host && hosts.has(h.host.toLowerCase()))) return false;
    return true;
  });
}
