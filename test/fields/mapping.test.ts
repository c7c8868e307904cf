import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { compileDateFormat, MappingError, parseMapping, readMappingFile } from '../../src/fields/mapping.js';
import { tempDir } from '../helpers/temp.js';

const DAY = Date.UTC(2022, 11, 17); // 1671235200000
const AT = Date.UTC(2022, 11, 17, 10, 11, 12, 123);

test('date formats: Java patterns, named formats, alternatives', () => {
  const table: [format: string, text: string, ms: number | undefined][] = [
    ['dd-MM-yyyy', '17-12-2022', DAY],
    ['yyyy-MM-dd', '2022-12-17', DAY],
    ['d-M-yyyy', '7-2-2022', Date.UTC(2022, 1, 7)],
    ['yyyyMMdd', '20221217', DAY],
    ['yy-MM-dd', '22-12-17', DAY],
    ['yyyy/MM/dd HH:mm:ss.SSS', '2022/12/17 10:11:12.123', AT],
    ["yyyy-MM-dd'T'HH:mm:ss.SSSXXX", '2022-12-17T12:11:12.123+02:00', AT],
    ["yyyy-MM-dd'T'HH:mm:ss.SSSZ", '2022-12-17T05:11:12.123-0500', AT],
    ["yyyy-MM-dd'T'HH:mm:ss.SSSX", '2022-12-17T10:11:12.123Z', AT],
    ['yyyy-MM-ddTHH:mm:ss', '2022-12-17T10:11:12', AT - 123],
    ["dd/MMM/yyyy:HH:mm:ss Z", '17/Dec/2022:10:11:12 +0000', AT - 123],
    ['EEEE, d MMMM yyyy', 'Saturday, 17 December 2022', DAY],
    ['hh:mm a', '07:30 PM', Date.UTC(1970, 0, 1, 19, 30)],
    ["'day' D 'of' yyyy", 'day 351 of 2022', DAY],
    ['yyyy-MM-dd[ HH:mm[:ss]]', '2022-12-17', DAY],
    ['yyyy-MM-dd[ HH:mm[:ss]]', '2022-12-17 10:11', AT - 12_123],
    ['yyyy-MM-dd[ HH:mm[:ss]]', '2022-12-17 10:11:12', AT - 123],
    ["yyyy-MM-dd 'at' HH 'o''clock'", "2022-12-17 at 10 o'clock", Date.UTC(2022, 11, 17, 10)],
    ['strict_date_optional_time', '2022-12-17', DAY],
    ['strict_date_optional_time', '2022-12-17T10:11:12.123456789Z', AT],
    ['strict_date_optional_time', '2022-12-17T10:11:12.123', AT],
    ['strict_date_optional_time', '2022-12', Date.UTC(2022, 11, 1)],
    ['strict_date_optional_time', '2022-2-17', undefined],
    ['date_optional_time', '2022-2-17', Date.UTC(2022, 1, 17)],
    ['strict_date_optional_time||epoch_millis', '1671235200000', DAY],
    ['epoch_millis', '-1000', -1000],
    ['epoch_second', '1671235200', DAY],
    ['basic_date', '20221217', DAY],
    ['dd-MM-yyyy||yyyy-MM-dd', '2022-12-17', DAY],
    // unreadable: wrong shape, impossible dates, trailing text
    ['dd-MM-yyyy', '2022-12-17', undefined],
    ['dd-MM-yyyy', '31-02-2022', undefined],
    ['dd-MM-yyyy', '17-12-2022 junk', undefined],
    ['yyyy-MM-dd HH:mm', '2022-12-17 24:00', undefined],
    ['epoch_millis', '12abc', undefined],
  ];
  for (const [format, text, ms] of table) assert.equal(compileDateFormat(format).parse(text), ms, `${format} ← ${text}`);
});

test('date formats print with the first alternative, as Elasticsearch shows dates', () => {
  assert.equal(compileDateFormat('dd-MM-yyyy').format(DAY), '17-12-2022');
  assert.equal(compileDateFormat('strict_date_optional_time||epoch_millis').format(AT), '2022-12-17T10:11:12.123Z');
  assert.equal(compileDateFormat('epoch_millis||dd-MM-yyyy').format(DAY), String(DAY));
  assert.equal(compileDateFormat('EEE dd MMM yyyy hh:mm a').format(AT), 'Sat 17 Dec 2022 10:11 AM');
});

test('unsupported date formats are errors when compiled', () => {
  assert.throws(() => compileDateFormat('yyyy-QQ'), /unsupported pattern letter "Q"/);
  assert.throws(() => compileDateFormat('strict_date_optional_nonsense'), /unknown named date format/);
  assert.throws(() => compileDateFormat("yyyy-'MM"), /unterminated quote/);
  assert.throws(() => compileDateFormat('yyyy[-MM'), /unclosed \[/);
});

test('mapping shapes: properties, mappings, GET _mapping response (merged), legacy typed', () => {
  const props = { a: { type: 'date', format: 'dd-MM-yyyy' } };
  for (const json of [
    { properties: props },
    { mappings: { properties: props } },
    { 'logs-1': { mappings: { properties: props } }, 'logs-2': { mappings: { properties: { b: { type: 'keyword' } } } } },
    { mappings: { _doc: { properties: props } } },
  ]) {
    const m = parseMapping(JSON.stringify(json), 'x.json');
    assert.equal(m.typeOf('a'), 'date');
    assert.equal(m.reader('a')?.({ a: '17-12-2022' }), DAY);
  }
  const merged = parseMapping(JSON.stringify({ i1: { mappings: { properties: props } }, i2: { mappings: { properties: { b: { type: 'keyword' } } } } }));
  assert.equal(merged.typeOf('b'), 'keyword');
});

test('nested properties flatten to dotted paths; documents nested, dotted or mixed read alike', () => {
  const m = parseMapping(JSON.stringify({
    properties: { process: { properties: { parent: { properties: { start: { type: 'date', format: 'yyyy-MM-dd' } } }, name: { type: 'keyword' } } } },
  }));
  assert.equal(m.typeOf('process.parent.start'), 'date');
  assert.equal(m.typeOf('process.name'), 'keyword');
  assert.equal(m.typeOf('process'), undefined);
  assert.equal(m.reader('process.name'), undefined, 'a keyword reads as it is: no getter');
  const read = m.reader('process.parent.start')!;
  assert.equal(read({ process: { parent: { start: '2022-12-17' } } }), DAY);
  assert.equal(read({ 'process.parent.start': '2022-12-17' }), DAY);
  assert.equal(read({ process: { 'parent.start': '2022-12-17' } }), DAY);
  assert.deepEqual(read({ process: [{ parent: { start: '2022-12-17' } }, { parent: { start: 'junk' } }, { parent: { start: '2022-12-18' } }] }), [DAY, DAY + 86_400_000]);
  assert.equal(read({ process: { parent: { start: 'junk' } } }), undefined, 'unreadable: missing, not an error');
  assert.equal(read({ process: { parent: {} } }), undefined);
  assert.equal(m.dateFormat('process.parent.start')?.spec, 'yyyy-MM-dd');
});

test('default date format: ISO 8601 or epoch millis, strings or numbers', () => {
  const read = parseMapping('{"properties": {"t": {"type": "date"}}}').reader('t')!;
  assert.equal(read({ t: '2022-12-17T10:11:12.123Z' }), AT);
  assert.equal(read({ t: '1671235200000' }), DAY);
  assert.equal(read({ t: 1671235200000 }), DAY);
  assert.equal(read({ t: true }), undefined);
});

test('null_value: a JSON null (also in an array) reads as the value; an absent field stays missing', () => {
  const m = parseMapping('{"properties": {"f": {"type": "keyword", "null_value": "NULL"}, "d": {"type": "date", "null_value": "1970-01-02"}}}');
  const f = m.reader('f')!;
  assert.equal(f({ f: null }), 'NULL');
  assert.equal(f({}), undefined);
  assert.equal(f({ f: 'x' }), 'x');
  assert.deepEqual(f({ f: ['x', null] }), ['x', 'NULL']);
  assert.equal(f({ f: [] }), undefined);
  assert.equal(f({ 'f': null, nested: 1 }), 'NULL');
  assert.equal(m.reader('d')!({ d: null }), 86_400_000, 'a date null_value is read with the date format');
});

test('alias reads its target (the alias path itself as a fallback); multi-fields read their parent', () => {
  const m = parseMapping(JSON.stringify({
    properties: {
      event_type: { type: 'keyword' },
      event: { properties: { category: { type: 'alias', path: 'event_type' }, created: { type: 'alias', path: 'ts' } } },
      ts: { type: 'date', format: 'dd-MM-yyyy' },
      hostname: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
    },
  }));
  assert.equal(m.typeOf('event.category'), 'alias');
  assert.equal(m.reader('event.category')!({ event_type: 'process' }), 'process');
  assert.equal(m.reader('event.category')!({ event: { category: 'file' } }), 'file');
  assert.equal(m.reader('event.created')!({ ts: '17-12-2022' }), DAY, 'an alias of a date reads as the date');
  assert.equal(m.dateFormat('event.created')?.spec, 'dd-MM-yyyy');
  assert.equal(m.reader('hostname.keyword')!({ hostname: 'web-01' }), 'web-01');
  assert.equal(m.reader('hostname'), undefined);
});

test('bad mappings: clear errors that name the file', () => {
  const bad: [text: string, message: RegExp][] = [
    ['{"properties": ', /^m\.json: not valid JSON/],
    ['[1, 2]', /^m\.json: not an Elasticsearch mapping/],
    ['{"settings": {}}', /^m\.json: not an Elasticsearch mapping/],
    ['{"properties": {"a": 5}}', /^m\.json: field "a": expected an object/],
    ['{"properties": {"a": {"type": "alias"}}}', /^m\.json: alias "a" has no "path"/],
    ['{"properties": {"a": {"type": "alias", "path": "nope"}}}', /^m\.json: alias "a" points to "nope", which the mapping does not define/],
    ['{"properties": {"o": {"properties": {"d": {"type": "date", "format": "yyyy-QQ"}}}}}', /^m\.json: field "o\.d": unsupported pattern letter "Q"/],
  ];
  for (const [text, message] of bad) {
    assert.throws(() => parseMapping(text, 'm.json'), (e: unknown) => e instanceof MappingError && message.test(e.message), text);
  }
  const dir = tempDir('mapping');
  assert.throws(() => readMappingFile(path.join(dir, 'missing.json')), /missing\.json: cannot read the mapping \(no such file\)/);
  writeFileSync(path.join(dir, 'broken.json'), '{"properties": {');
  assert.throws(() => readMappingFile(path.join(dir, 'broken.json')), (e: unknown) => e instanceof MappingError && e.message.startsWith(path.join(dir, 'broken.json')));
  writeFileSync(path.join(dir, 'ok.json'), '\ufeff{"mappings": {"properties": {"a": {"type": "keyword"}}}}');
  assert.equal(readMappingFile(path.join(dir, 'ok.json')).typeOf('a'), 'keyword');
});
