/**
 * The grok library (src/lang/esql/grok-patterns.txt) through compileSearch: every pattern
 * compiles, and on realistic log lines the leftmost match and captured fields equal what JS
 * RegExp reports for the same expansion.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { compileSearch, type EngineChoice } from '../../src/lang/regex/index.js';

const LIB = new Map<string, string>();
for (const line of readFileSync(new URL('../../src/lang/esql/grok-patterns.txt', import.meta.url), 'utf8').split('\n')) {
  if (!line.trim() || line.startsWith('#')) continue;
  const sp = line.indexOf(' ');
  LIB.set(line.slice(0, sp), line.slice(sp + 1));
}

/** %{NAME:field} → (?<fN>…); the same text runs in both engines, fields map back by index. */
function expandGrok(p: string): { source: string; fields: string[] } {
  const fields: string[] = [];
  const expand = (q: string, depth: number): string => {
    assert.ok(depth < 30, 'grok recursion');
    return q.replace(/%\{(\w+)(?::([\w.@\-[\]]+))?(?::(\w+))?\}/g, (_m, name: string, field?: string) => {
      const def = LIB.get(name);
      assert.ok(def !== undefined, `unknown grok pattern ${name}`);
      const inner = expand(def, depth + 1);
      if (!field) return `(?:${inner})`;
      fields.push(field);
      return `(?<f${fields.length - 1}>${inner})`;
    });
  };
  return { source: expand(p, 0), fields };
}

const LINES = [
  '55.3.244.1 GET /index.html 15824 0.043',
  '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326',
  'Mar  7 04:02:14 web-01 sshd[4123]: Failed password for invalid user admin from 203.0.113.77 port 52211 ssh2',
  '2024-01-15T08:30:00.123Z ERROR [main] c.e.Service - connection refused to 10.0.0.12:5432',
  'fe80::1ff:fe23:4567:890a%eth0 -> 2001:db8::ff00:42:8329 blocked',
  '::ffff:192.168.1.1 accepted',
  'user bob.smith+test@mail.example.co.uk logged in from host-7.corp.local',
  'C:\\Windows\\System32\\cmd.exe /c whoami && net user',
  '/usr/bin/python3 /tmp/.x/payload.py --url=https://evil.example.com:8443/a/b?x=1&y=%20z#frag',
  'id=550e8400-e29b-41d4-a716-446655440000 mac=00:1A:2B:3C:4D:5E cisco=001a.2b3c.4d5e win=00-1A-2B-3C-4D-5E',
  'Tue Mar 07 2023 04:02:14 UTC; 03/07/2023-04:02:14; 7.3.2023 12:00:01',
  'level=WARNING msg="disk \\"sda\\" 91% full" code=0x1F float=-0x1.8p3 n=+42 pos=7 nonneg=0',
  'urn:isbn:0451450523 tty /dev/pts/3 <13>1 2003-10-11T22:14:15.003Z',
  '999.999.999.999 256.1.1.1 1.2.3.4.5 01.02.03.04',
  '',
  'ééé 😀 日本語 no ascii words here',
];

const ENGINES: EngineChoice[] = ['auto', 'backtrack', 'pike'];

/**
 * The JS reference. URIPROTO's `(?:[A-Za-z0-9+\-.]+)+` makes RegExp backtrack exponentially
 * (the URI pattern over these lines takes V8 over 30 s; the engines here take a millisecond),
 * so the reference gets the equivalent `[…]+`: same language, same greedy match.
 */
function jsRegex(source: string): RegExp {
  const safe = source.split('(?:[A-Za-z0-9+\\-.]+)+').join('[A-Za-z0-9+\\-.]+');
  try {
    return new RegExp(safe, 'su');
  } catch {
    return new RegExp(safe, 's');
  }
}

function compare(pattern: string, lines: string[]): void {
  const { source, fields } = expandGrok(pattern);
  const js = jsRegex(source);
  for (const engine of ENGINES) {
    const ours = compileSearch(source, { engine });
    for (const line of lines) {
      const want = js.exec(line);
      const got = ours.exec(line);
      const label = `${engine}: ${pattern} on ${JSON.stringify(line)}`;
      assert.equal(got === null, want === null, `match? ${label}`);
      assert.equal(ours.test(line), want !== null, `test() ${label}`);
      if (!got || !want) continue;
      assert.equal(got.index, want.index, `index ${label}`);
      assert.equal(line.slice(got.index, got.end), want[0], `text ${label}`);
      fields.forEach((_f, i) => assert.equal(got.groups[`f${i}`], want.groups?.[`f${i}`], `field ${fields[i]} ${label}`));
    }
  }
}

describe('grok library', () => {
  test('every pattern compiles and agrees with RegExp on sample lines', () => {
    for (const name of LIB.keys()) compare(`%{${name}:value}`, LINES);
  });

  test('composite patterns', () => {
    compare('%{IP:client} %{WORD:method} %{URIPATHPARAM:request} %{NUMBER:bytes} %{NUMBER:duration}', LINES);
    compare('%{IPORHOST:clientip} %{USER:ident} %{USER:auth} \\[%{HTTPDATE:timestamp}\\] "%{WORD:verb} %{NOTSPACE:request} HTTP/%{NUMBER:httpversion}" %{NUMBER:response} %{NUMBER:bytes}', LINES);
    compare('%{SYSLOGTIMESTAMP:ts} %{SYSLOGHOST:host} %{SYSLOGPROG}: %{GREEDYDATA:message}', LINES);
    compare('%{TIMESTAMP_ISO8601:ts} %{LOGLEVEL:level} \\[%{DATA:thread}\\] %{DATA:logger} - %{GREEDYDATA:msg}', LINES);
    compare('%{DATA:a}=%{QS:b}', LINES);
    compare('from %{IP:src} port %{INT:port:int}', LINES);
    compare('%{URIPROTO:proto}://%{URIHOST:host}%{URIPATHPARAM:path}', LINES);
    compare('^%{WINPATH:exe} %{GREEDYDATA:args}$', LINES);
  });

  test('URIPROTO, which RegExp backtracks on exponentially, is linear here', () => {
    const { source } = expandGrok('%{URI:uri}');
    assert.ok(source.includes('(?:[A-Za-z0-9+\\-.]+)+'));
    const line = `${'a'.repeat(5000)}!`;
    for (const engine of ENGINES) {
      const t0 = performance.now();
      assert.equal(compileSearch(source, { engine }).exec(line), null);
      assert.ok(performance.now() - t0 < 2000, engine);
    }
  });

  test('the IPv4 lookarounds keep digits out of the match', () => {
    const { source } = expandGrok('%{IPV4:ip}');
    const re = compileSearch(source);
    assert.equal(re.exec('x 1234.1.1.1 y'), null);
    assert.equal(re.exec('a1.2.3.4b')?.groups.f0, '1.2.3.4');
    assert.equal(re.exec('ip=10.0.0.1:80')?.groups.f0, '10.0.0.1');
  });

  test('lookaround and other constructs the library uses', () => {
    const used = new Set<string>();
    for (const def of LIB.values()) for (const m of def.matchAll(/\(\?(<[=!]|[=!])/g)) used.add(m[1]);
    // IPV4 uses (?<! and (?!, TIME uses (?! — all over single characters, which we support
    assert.deepEqual([...used].sort(), ['!', '<!']);
  });
});
