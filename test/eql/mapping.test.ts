import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseMapping, type FieldMapping } from '../../src/fields/mapping.js';
import { compileEql, sortEvents, type EqlOptions } from '../../src/lang/eql/index.js';
import { runTrawl } from '../helpers/trawl.js';
import { tempDir } from '../helpers/temp.js';

type Doc = Record<string, unknown>;
const DAY = 1671235200000; // 2022-12-17

const mapping = (properties: Record<string, unknown>, name = 'test'): FieldMapping =>
  parseMapping(JSON.stringify({ properties: { event_type: { type: 'keyword' }, event: { properties: { category: { type: 'alias', path: 'event_type' } } }, ...properties } }), name);
const EU = mapping({ day: { type: 'date', format: 'dd-MM-yyyy' }, flag: { type: 'keyword', null_value: 'NULL' } }, 'eu');
const US = mapping({ day: { type: 'date', format: 'yyyy-MM-dd' } }, 'us');

/** Documents tagged with a mapping each, as the CLI tags them per file. */
function tagged(groups: [FieldMapping | undefined, Doc[]][]): { events: { doc: Doc }[]; options: EqlOptions } {
  const of = new WeakMap<object, FieldMapping>();
  const events = groups.flatMap(([m, docs]) => docs.map((doc) => { if (m) of.set(doc, m); return { doc }; }));
  return { events, options: { mapping: (d) => of.get(d) } };
}

const ids = (events: { doc: Doc }[]) => events.map((e) => e.doc.id);

test('date fields compare as epoch millis, read with each document\'s format; literals too', () => {
  const { events, options } = tagged([
    [EU, [{ id: 1, event_type: 'alert', day: '17-12-2022' }, { id: 2, event_type: 'alert', day: '16-12-2022' }, { id: 3, event_type: 'alert', day: '2022-12-17' }]],
    [US, [{ id: 4, event_type: 'alert', day: '2022-12-17' }]],
    [undefined, [{ id: 5, event: { category: 'alert' }, day: '2022-12-17' }]],
  ]);
  const run = (q: string) => ids(compileEql(q, options).run(events).flatMap((m) => m.events));
  assert.deepEqual(run(`alert where day == ${DAY}`), [1, 4, 5], 'id 3: unreadable in its format (missing); id 5: unmapped, an ISO string');
  assert.deepEqual(run('alert where day == "17-12-2022"'), [1], 'a literal is read with the field\'s format (id 5: unmapped strings differ)');
  // a literal the field's format cannot read is compared as without a mapping (ISO 8601 or epoch millis)
  assert.deepEqual(run('alert where day == "2022-12-17"'), [1, 4, 5]);
  assert.deepEqual(run('alert where day < "17-12-2022"'), [2]);
  assert.deepEqual(run('alert where day in ("16-12-2022", "2022-12-18")'), [2]);
  assert.deepEqual(run('alert where day in ("16-12-2022", "2022-12-17")'), [1, 2, 4, 5]);
  assert.deepEqual(run('alert where day >= 1671148800000 and day <= 1671235200000'), [1, 2, 4, 5]);
  assert.deepEqual(run('alert where day == null'), [3]);
});

test('sample join keys on dates are epoch millis across differently formatted indices', () => {
  const { events, options } = tagged([
    [EU, [{ id: 1, event_type: 'alert', day: '17-12-2022' }, { id: 2, event_type: 'alert', day: '12-12-2022' }]],
    [US, [{ id: 3, event_type: 'failure', day: '2022-12-17' }]],
  ]);
  const matches = compileEql('sample by day [alert where true] [failure where true]', options).run(events);
  assert.deepEqual(matches.map((m) => [m.join_keys, ids(m.events)]), [[[DAY], [1, 3]]]);
  assert.equal(events[0].doc.day, '17-12-2022', 'documents are not modified');
});

test('sequence join keys on dates show in the first event\'s format; order uses the mapped timestamp', () => {
  const m = mapping({ t: { type: 'date', format: 'dd/MM/yyyy HH:mm' }, day: { type: 'date', format: 'dd-MM-yyyy' } });
  const docs: Doc[] = [
    { id: 2, event_type: 'b', t: '17/12/2022 10:05', day: '17-12-2022' },
    { id: 1, event_type: 'a', t: '17/12/2022 09:59', day: '17-12-2022' },
    { id: 3, event_type: 'a', t: '01/01/2023 00:00', day: '17-12-2022' },
  ];
  const options: EqlOptions = { mapping: m, timestampField: 't' };
  const sorted = sortEvents(docs.map((doc) => ({ doc })), options);
  assert.deepEqual(ids(sorted), [1, 2, 3], '"01/01/2023" sorts after "17/12/2022": compared as dates, not strings');
  const q = compileEql('sequence by day with maxspan=10m [a where true] [b where true]', options);
  assert.deepEqual(q.run(sorted).map((x) => [x.join_keys, ids(x.events)]), [[['17-12-2022'], [1, 2]]]);
  const tooLate = compileEql('sequence by day with maxspan=5m [a where true] [b where true]', options);
  assert.deepEqual(tooLate.run(sorted), [], 'maxspan measured on the parsed dates');
});

test('null_value and alias fields', () => {
  const { events, options } = tagged([[EU, [{ id: 4, event_type: 'OPTIONAL', flag: null }, { id: 5, event_type: 'OPTIONAL' }, { id: 6, event_type: 'OPTIONAL', flag: null }]]]);
  const run = (q: string) => ids(compileEql(q, options).run(events).flatMap((m) => m.events));
  assert.deepEqual(run('OPTIONAL where ?flag == null'), [5]);
  assert.deepEqual(run('OPTIONAL where ?flag == "NULL"'), [4, 6]);
  // event.category is an alias of event_type: the default category field reads through it
  assert.deepEqual(run('OPTIONAL where event.category == "OPTIONAL" and id == 5'), [5]);
  const unmapped = ids(compileEql('OPTIONAL where ?flag == null', { eventCategoryField: 'event_type' }).run(events).flatMap((m) => m.events));
  assert.deepEqual(unmapped, [4, 5, 6], 'without a mapping a null is null');
});

test('one mapping for every document; a lookup answering undefined reads the document as it is', () => {
  const q = compileEql('alert where day == 1671235200000', { mapping: EU });
  assert.equal(q.filter({ event_type: 'alert', day: '17-12-2022' }), true);
  const none = compileEql('alert where day == "17-12-2022"', { mapping: () => undefined });
  assert.equal(none.filter({ event: { category: 'alert' }, day: '17-12-2022' }), true);
  assert.equal(none.filter({ event_type: 'alert', day: '17-12-2022' }), false, 'no alias without a mapping');
});

test('CLI: --mapping [GLOB=]FILE, per evidence file; documents printed unchanged; errors exit 2', async () => {
  const dir = tempDir('eql-mapping');
  mkdirSync(path.join(dir, 'eu'));
  mkdirSync(path.join(dir, 'us'));
  const nd = (docs: Doc[]) => docs.map((d) => JSON.stringify(d)).join('\n') + '\n';
  writeFileSync(path.join(dir, 'eu', 'a.ndjson'), nd([{ id: 1, event_type: 'alert', day: '17-12-2022', flag: null }, { id: 2, event_type: 'alert', day: '12-12-2022' }]));
  writeFileSync(path.join(dir, 'us', 'b.ndjson'), nd([{ id: 3, event_type: 'failure', day: '2022-12-17' }]));
  const props = (format: string) => ({ event_type: { type: 'keyword' }, event: { properties: { category: { type: 'alias', path: 'event_type' } } }, day: { type: 'date', format }, flag: { type: 'keyword', null_value: 'NULL' } });
  writeFileSync(path.join(dir, 'eu.json'), JSON.stringify({ mappings: { properties: props('dd-MM-yyyy') } }));
  writeFileSync(path.join(dir, 'us.json'), JSON.stringify({ 'logs-us': { mappings: { properties: props('yyyy-MM-dd') } } }));
  const q = 'sample by day [alert where true] [failure where true]';
  const at = (p: string) => path.join(dir, p);
  const r = await runTrawl(['query', '-l', 'eql', q, at('eu'), at('us'), '--mapping', `${at('eu')}/*.ndjson=${at('eu.json')}`, '--mapping', `${at('us')}=${at('us.json')}`]);
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(rows.length, 1, r.stdout);
  assert.deepEqual(rows[0].join_keys, [DAY]);
  assert.deepEqual(rows[0].events.map((e: Doc) => [e.id, e.day]), [[1, '17-12-2022'], [3, '2022-12-17']], 'original values printed');
  assert.equal(rows[0].events[0].flag, null);

  // without GLOB a mapping applies to every file; a later one wins where both apply
  const both = await runTrawl(['query', '-l', 'eql', `any where day == ${DAY}`, at('eu'), at('us'), '--mapping', at('eu.json'), '--mapping', `${at('us')}/=${at('us.json')}`]);
  assert.equal(both.code, 0, both.stderr);
  assert.deepEqual(both.stdout.trim().split('\n').map((l) => JSON.parse(l).id), [1, 3], 'us/ read with us.json: its date is readable');
  const nulls = await runTrawl(['query', '-l', 'eql', 'alert where flag == "NULL"', at('eu'), '--mapping', at('eu.json')]);
  assert.deepEqual(nulls.stdout.trim().split('\n').map((l) => JSON.parse(l).id), [1]);
  const unused = await runTrawl(['query', '-l', 'eql', 'any where true', at('eu'), '--mapping', `${at('nowhere')}/**=${at('us.json')}`]);
  assert.equal(unused.code, 0, unused.stderr);
  assert.match(unused.stderr, /warning: --mapping \S*nowhere\/\*\*=\S*us\.json: no evidence file was read with it/);

  writeFileSync(path.join(dir, 'bad.json'), '{"properties": {"day": {"type": "date", "format": "yyyy-QQ"}}}');
  const bad = await runTrawl(['query', '-l', 'eql', 'any where true', at('eu'), '--mapping', at('bad.json')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--mapping: \S*bad\.json: field "day": unsupported pattern letter "Q"/);
  assert.doesNotMatch(bad.stderr, /\n\s+at /);
  const kql = await runTrawl(['query', 'day:x', at('eu'), '--mapping', at('eu.json')]);
  assert.equal(kql.code, 2);
  assert.match(kql.stderr, /--mapping applies to EQL queries only/);
});
