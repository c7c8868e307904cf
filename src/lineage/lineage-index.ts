import type { Provenance, TrawlEvent } from '../input/event.js';
import { compileField, hostOf, parseTimestamp } from '../fields/index.js';
import {
  emptyRecord,
  factsOf,
  fillActor,
  fillFromDoc,
  makeKey,
  parentOf,
  type ProcessFacts,
  type ProcessRecord,
} from './record.js';
import { recordFromJSON, recordToJSON } from './serialize.js';

/** Evidence lines remembered per process; beyond this the process's timeline is truncated. */
export const MAX_EVENT_REFS = 10_000;

/**
 * What a record and an event reference cost on the heap, roughly: 18,035 records with 40,967
 * references of Defend-shaped evidence took 24 MB (entity ids, keys and ancestry lists are most
 * of a record).
 */
const RECORD_BYTES = 1100;
const REF_BYTES = 48;
const recordBytes = (rec: ProcessRecord) => RECORD_BYTES + REF_BYTES * rec.eventRefs.length;

const timestampOf = compileField('@timestamp');

/**
 * Process tree of the evidence, keyed by host + process.entity_id (or host + pid + start when
 * there is no entity id). Built event by event during a scan; workers' partial indexes merge.
 */
export class LineageIndex {
  private readonly records = new Map<string, ProcessRecord>();
  /** Estimated heap bytes of the records and references held. */
  private bytes = 0;
  /**
   * By host (the host of an event that names none is ''), the events not indexed because the
   * index had reached its budget (a share of --max-memory), and the evidence files they are in
   * (what reading the host again must read). The index grows with the processes in the evidence
   * (~1.4 KB each), ~2 GB over 4 GB of Defend events, where every other part of a hunt stays flat.
   */
  readonly leftOut = new Map<string, { events: number; files: Set<string> }>();

  private readonly byEntity = new Map<string, string | string[]>();
  /** host + pid → keys of processes with that pid and no entity id, for pid-reuse resolution. */
  private readonly byPid = new Map<string, string[]>();
  private childIndex: Map<string, string[]> | undefined;
  /** Set by keepOnly: the hosts whose events are indexed. */
  private only: ReadonlySet<string> | undefined;

  /** @param budget estimated bytes the index may hold; past them, events are counted, not indexed. */
  constructor(readonly budget = Infinity) {}

  /** What the index holds, in the budget's estimated bytes. */
  get heldBytes(): number {
    return this.bytes;
  }

  /** Events not indexed, of every host (see leftOut). */
  get unindexed(): number {
    let n = 0;
    for (const l of this.leftOut.values()) n += l.events;
    return n;
  }

  get size(): number {
    return this.records.size;
  }

  get(key: string): ProcessRecord | undefined {
    return this.records.get(key);
  }

  /** Every record, in insertion order. */
  values(): IterableIterator<ProcessRecord> {
    return this.records.values();
  }

  keyFor(doc: Record<string, unknown>): string | undefined {
    const facts = factsOf(doc);
    if (!facts) return undefined;
    return this.resolvePid(facts, doc) ?? facts.key;
  }

  findByEntityId(entityId: string): ProcessRecord[] {
    const keys = this.byEntity.get(entityId) ?? [];
    return (typeof keys === 'string' ? [keys] : keys).map((k) => this.records.get(k)!).filter(Boolean);
  }

  /** @param always index it even past the budget (the process `trawl lineage` was asked for). */
  add(ev: TrawlEvent, always = false): void {
    const full = this.bytes > this.budget && !always;
    if (full || this.only !== undefined) {
      const host = hostOf(ev.doc) ?? '';
      if (full || !this.only!.has(host)) {
        const l = this.leftOutOf(host);
        l.events++;
        l.files.add(ev.file);
        return;
      }
    }
    const doc = ev.doc;
    const facts = factsOf(doc);
    if (!facts) return;
    const key = this.resolvePid(facts, doc) ?? facts.key;
    let rec = this.records.get(key);
    if (!facts.isProcessEvent) {
      if (!rec) {
        rec = this.create(key, facts.host);
        fillActor(rec, doc, facts);
        this.indexIds(rec);
      }
      this.ref(rec, ev);
      return;
    }
    rec ??= this.create(key, facts.host);
    fillFromDoc(rec, doc, facts, this.ref(rec, ev));
    this.indexIds(rec);
    this.linkParents(rec, doc);
  }

  merge(other: LineageIndex): void {
    for (const [host, l] of other.leftOut) this.leaveOut(host, l.events, l.files);
    this.bytes += other.bytes;
    for (const theirs of other.records.values()) {
      const mine = this.records.get(theirs.key);
      if (!mine) {
        const copy = { ...theirs, eventRefs: theirs.eventRefs.slice(0, MAX_EVENT_REFS) };
        this.records.set(copy.key, copy);
        this.indexIds(copy);
        continue;
      }
      mergeRecord(mine, theirs);
      this.indexIds(mine);
    }
    this.childIndex = undefined;
  }

  /** Parent first, up to the root. Gaps in the parent chain are filled from process.Ext.ancestry. */
  ancestors(key: string): ProcessRecord[] {
    const start = this.records.get(key);
    if (!start) return [];
    const out: ProcessRecord[] = [];
    const seen = new Set([key]);
    let cur = start;
    for (let depth = 0; ; depth++) {
      const nextKey = cur.parentKey ?? this.ancestryKey(start, depth);
      if (!nextKey || seen.has(nextKey)) break;
      const next = this.records.get(nextKey);
      if (!next) break;
      seen.add(nextKey);
      out.push(next);
      cur = next;
    }
    return out;
  }

  children(key: string): ProcessRecord[] {
    const kids = this.childMap().get(key) ?? [];
    return kids.map((k) => this.records.get(k)!).sort(byStart);
  }

  /** Depth-first, children in start order. */
  descendants(key: string): ProcessRecord[] {
    const out: ProcessRecord[] = [];
    const seen = new Set([key]);
    const walk = (k: string) => {
      for (const child of this.children(k)) {
        if (seen.has(child.key)) continue;
        seen.add(child.key);
        out.push(child);
        walk(child.key);
      }
    };
    walk(key);
    return out;
  }

  siblings(key: string): ProcessRecord[] {
    const parent = this.records.get(key)?.parentKey;
    if (!parent) return [];
    return this.children(parent).filter((r) => r.key !== key);
  }

  toJSON(): unknown {
    const unindexed = [...this.leftOut].map(([host, l]) => [host, l.events, [...l.files]]);
    return { version: 1, unindexed, bytes: this.bytes, records: [...this.records.values()].map(recordToJSON) };
  }

  static fromJSON(x: unknown): LineageIndex {
    const index = new LineageIndex();
    const o = x as { records?: unknown; unindexed?: unknown; bytes?: unknown } | null;
    if (Array.isArray(o?.unindexed)) {
      for (const pair of o.unindexed as unknown[]) {
        if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'number' || !(pair[1] > 0)) continue;
        const files = Array.isArray(pair[2]) ? pair[2].filter((f): f is string => typeof f === 'string') : [];
        index.leaveOut(pair[0], pair[1], files);
      }
    }
    if (typeof o?.bytes === 'number' && o.bytes > 0) index.bytes = o.bytes;
    const list = o?.records;
    if (!Array.isArray(list)) return index;
    for (const raw of list) {
      const rec = recordFromJSON(raw);
      if (!rec || index.records.has(rec.key)) continue;
      index.records.set(rec.key, rec);
      index.indexIds(rec);
    }
    return index;
  }

  /** Estimated bytes and event references held, by host. */
  hostUsage(): Map<string, { bytes: number; refs: number }> {
    const out = new Map<string, { bytes: number; refs: number }>();
    for (const rec of this.records.values()) {
      let u = out.get(rec.host);
      if (!u) out.set(rec.host, (u = { bytes: 0, refs: 0 }));
      u.bytes += recordBytes(rec);
      u.refs += rec.eventRefs.length;
    }
    return out;
  }

  /**
   * Forget every record of `hosts`, in one pass, making room in the budget. With `again`, their
   * events are about to be indexed anew (a second pass over the evidence): none count as left
   * out; else the events their records referenced do.
   */
  dropHosts(hosts: ReadonlySet<string>, again: boolean): void {
    for (const [key, rec] of this.records) {
      if (!hosts.has(rec.host)) continue;
      this.records.delete(key);
      this.bytes -= recordBytes(rec);
      if (!again && rec.eventRefs.length > 0) this.leaveOut(rec.host, rec.eventRefs.length, rec.eventRefs.map((r) => r.file));
      const had = rec.entityId === undefined ? undefined : this.byEntity.get(rec.entityId);
      if (had === key) this.byEntity.delete(rec.entityId!);
      else if (Array.isArray(had)) {
        const rest = had.filter((k) => k !== key);
        if (rest.length === 0) this.byEntity.delete(rec.entityId!);
        else this.byEntity.set(rec.entityId!, rest.length === 1 ? rest[0] : rest);
      }
    }
    // byPid keys are host + NUL + pid.
    for (const k of this.byPid.keys()) if (hosts.has(k.slice(0, k.indexOf('\u0000')))) this.byPid.delete(k);
    this.childIndex = undefined;
    if (again) for (const host of hosts) this.leftOut.delete(host);
  }

  /**
   * From now on only events of `hosts` are indexed: the records of every other host are dropped
   * and their events, those already indexed and those to come, count as left out.
   */
  keepOnly(hosts: ReadonlySet<string>): void {
    this.only = hosts;
    this.dropHosts(new Set([...this.hostUsage().keys()].filter((h) => !hosts.has(h))), false);
  }

  /** The evidence files holding events of `hosts`, indexed or left out. */
  filesOf(hosts: ReadonlySet<string>): Set<string> {
    const files = new Set<string>();
    for (const host of hosts) for (const f of this.leftOut.get(host)?.files ?? []) files.add(f);
    for (const rec of this.records.values()) if (hosts.has(rec.host)) for (const r of rec.eventRefs) files.add(r.file);
    return files;
  }

  private leaveOut(host: string, n: number, files: Iterable<string>): void {
    const l = this.leftOutOf(host);
    l.events += n;
    for (const f of files) l.files.add(f);
  }

  private leftOutOf(host: string): { events: number; files: Set<string> } {
    let l = this.leftOut.get(host);
    if (!l) this.leftOut.set(host, (l = { events: 0, files: new Set() }));
    return l;
  }

  private ref(rec: ProcessRecord, ev: Provenance): Provenance | undefined {
    const ref = pushRef(rec, ev);
    if (ref) this.bytes += REF_BYTES;
    return ref;
  }

  private create(key: string, host: string): ProcessRecord {
    this.bytes += RECORD_BYTES;
    const rec = emptyRecord(key, host);
    this.records.set(key, rec);
    this.childIndex = undefined;
    return rec;
  }

  private indexIds(rec: ProcessRecord): void {
    if (rec.entityId) {
      const had = this.byEntity.get(rec.entityId);
      if (had === undefined) this.byEntity.set(rec.entityId, rec.key);
      else if (typeof had === 'string') {
        if (had !== rec.key) this.byEntity.set(rec.entityId, [had, rec.key]);
      } else if (!had.includes(rec.key)) had.push(rec.key);
    }
    else if (rec.pid !== undefined) addUnique(this.byPid, `${rec.host}\u0000${rec.pid}`, rec.key);
  }

  /**
   * A document that names its process by pid alone (no entity id, no start) belongs to the
   * latest process with that pid that had started by the document's time.
   */
  private resolvePid(facts: ProcessFacts, doc: Record<string, unknown>): string | undefined {
    if (facts.entityId || facts.start || facts.pid === undefined) return undefined;
    const keys = this.byPid.get(`${facts.host}\u0000${facts.pid}`);
    if (!keys) return undefined;
    const at = parseTimestamp(timestampOf(doc)) ?? Infinity;
    let best: string | undefined;
    let bestStart = -Infinity;
    for (const k of keys) {
      const s = parseTimestamp(this.records.get(k)?.start);
      if (s === undefined || s > at || s < bestStart) continue;
      best = k;
      bestStart = s;
    }
    return best;
  }

  private linkParents(rec: ProcessRecord, doc: Record<string, unknown>): void {
    const parent = parentOf(doc, rec.host);
    if (parent && parent.key !== rec.key) {
      let p = this.records.get(parent.key);
      if (!p) {
        p = this.create(parent.key, rec.host);
        Object.assign(p, definedOnly({ entityId: parent.entityId, pid: parent.pid, start: parent.start }));
      }
      if (p.placeholder) {
        p.name ??= parent.name;
        p.executable ??= parent.executable;
        p.commandLine ??= parent.commandLine;
        p.args ??= parent.args;
      }
      // The parent record's own key string: one copy per process, not one per child.
      rec.parentKey = p.key;
      this.indexIds(p);
      this.childIndex = undefined;
    }
    const chain = rec.ancestry;
    if (!chain) return;
    // process.Ext.ancestry: [parent, grandparent, …] by entity id. Link the chain, and keep
    // the ancestors' own id strings in rec.ancestry so repeated ids share memory.
    let childKey = !parent || parent.entityId === chain[0] ? rec.key : undefined;
    for (let i = 0; i < chain.length; i++) {
      const k = makeKey(rec.host, chain[i], undefined, undefined)!;
      let a = this.records.get(k);
      if (!a) {
        a = this.create(k, rec.host);
        a.entityId = chain[i];
        this.indexIds(a);
      }
      chain[i] = a.entityId ?? chain[i];
      if (childKey && childKey !== k) {
        const child = this.records.get(childKey)!;
        if (!child.parentKey) {
          child.parentKey = a.key;
          this.childIndex = undefined;
        }
      }
      childKey = a.key;
    }
  }

  private ancestryKey(start: ProcessRecord, depth: number): string | undefined {
    const id = start.ancestry?.[depth];
    return id ? makeKey(start.host, id, undefined, undefined) : undefined;
  }

  private childMap(): Map<string, string[]> {
    if (this.childIndex) return this.childIndex;
    const map = new Map<string, string[]>();
    for (const rec of this.records.values()) {
      if (!rec.parentKey || rec.parentKey === rec.key) continue;
      const list = map.get(rec.parentKey);
      if (list) list.push(rec.key);
      else map.set(rec.parentKey, [rec.key]);
    }
    this.childIndex = map;
    return map;
  }
}

function pushRef(rec: ProcessRecord, ev: Provenance): Provenance | undefined {
  if (rec.eventRefs.length >= MAX_EVENT_REFS) return undefined;
  const ref = { file: ev.file, line: ev.line };
  rec.eventRefs.push(ref);
  return ref;
}

function addUnique(map: Map<string, string[]>, id: string, key: string): void {
  const list = map.get(id);
  if (!list) map.set(id, [key]);
  else if (!list.includes(key)) list.push(key);
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function mergeRecord(mine: ProcessRecord, theirs: ProcessRecord): void {
  const theirsWins = mine.placeholder && !theirs.placeholder;
  for (const k of ['entityId', 'pid', 'name', 'executable', 'commandLine', 'args', 'user', 'start', 'end', 'parentKey', 'ancestry', 'source'] as const) {
    if (theirs[k] !== undefined && (theirsWins || mine[k] === undefined)) (mine as unknown as Record<string, unknown>)[k] = theirs[k];
  }
  mine.placeholder = mine.placeholder && theirs.placeholder;
  const room = MAX_EVENT_REFS - mine.eventRefs.length;
  if (room > 0) for (const r of theirs.eventRefs.slice(0, room)) mine.eventRefs.push(r);
}

function byStart(a: ProcessRecord, b: ProcessRecord): number {
  const sa = parseTimestamp(a.start) ?? Infinity;
  const sb = parseTimestamp(b.start) ?? Infinity;
  if (sa !== sb) return sa < sb ? -1 : 1;
  if ((a.pid ?? -1) !== (b.pid ?? -1)) return (a.pid ?? -1) - (b.pid ?? -1);
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

