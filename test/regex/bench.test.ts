/**
 * ns per match against JS RegExp on typical rule patterns and grok lines. Skipped unless
 * REGEX_BENCH=1 (timing a shared machine is not a test):
 *   REGEX_BENCH=1 node --import tsx --test test/regex/bench.test.ts
 */
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileLucene, compileSearch } from '../../src/lang/regex/index.js';

const LIB = new Map<string, string>();
for (const line of readFileSync(new URL('../../src/lang/esql/grok-patterns.txt', import.meta.url), 'utf8').split('\n')) {
  if (!line.trim() || line.startsWith('#')) continue;
  LIB.set(line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1));
}
function grok(p: string): string {
  let n = 0;
  const expand = (q: string): string =>
    q.replace(/%\{(\w+)(?::([\w.@\-[\]]+))?(?::(\w+))?\}/g, (_m, name: string, field?: string) => {
      const inner = expand(LIB.get(name)!);
      return field ? `(?<f${n++}>${inner})` : `(?:${inner})`;
    });
  return expand(p);
}

let sink = 0;
function time(f: () => void, inputs: number): number {
  for (let i = 0; i < 200; i++) f(); // warm up
  let reps = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) f();
    const ns = Number(process.hrtime.bigint() - t0);
    if (ns > 200_000_000 || reps > 1 << 22) return ns / reps / inputs;
    reps *= 2;
  }
}

const PATHS = [
  'C:\\Windows\\System32\\kernel32.dll',
  'C:\\Users\\bob\\AppData\\Local\\Temp\\invoice.pdf.exe',
  '/usr/bin/python3',
  'C:\\Program Files\\Mozilla Firefox\\firefox.exe',
  'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
  '\\Device\\HarddiskVolume3\\Windows\\explorer.exe',
  'cmd.exe /c "whoami && net user admin P@ss /add"',
  'd41d8cd98f00b204e9800998ecf8427e',
];

const LINES = [
  '55.3.244.1 GET /index.html 15824 0.043',
  '10.12.0.7 POST /api/v1/login?user=admin 512 1.5',
  '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326',
  'Mar  7 04:02:14 web-01 sshd[4123]: Failed password for invalid user admin from 203.0.113.77 port 52211 ssh2',
  'garbage line without the expected shape at all, just words and words',
];

test('benchmark vs RegExp', { skip: process.env.REGEX_BENCH ? false : 'set REGEX_BENCH=1' }, () => {
  const rows: string[] = [];
  const row = (label: string, ours: number, js: number) =>
    rows.push(`${label.padEnd(58)} ours ${ours.toFixed(0).padStart(6)} ns   RegExp ${js.toFixed(0).padStart(6)} ns   ×${(ours / js).toFixed(2)}`);

  const lucene: [string, boolean][] = [
    ['.*\\.(exe|dll)', false],
    ['.*\\.(exe|dll)', true],
    ['.*\\\\(cmd|powershell)\\.exe', true],
    ['c:\\\\windows\\\\.*', true],
    ['.*\\\\temp\\\\.*', true],
    ['[a-f0-9]{32}', false],
    ['.*[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}.*', false],
    ['(c|C):\\\\(w|W)indows\\\\.*\\.exe', false],
    ['.*(whoami|net user|mimikatz).*', false],
  ];
  for (const [p, ci] of lucene) {
    const ours = compileLucene(p, { caseInsensitive: ci });
    const js = new RegExp(`^(?:${p})$`, ci ? 'si' : 's');
    for (const s of PATHS) if (ours.test(s) !== js.test(s)) throw new Error(`disagree on ${p} ${s}`);
    const o = time(() => {
      for (const s of PATHS) sink += ours.test(s) ? 1 : 0;
    }, PATHS.length);
    const j = time(() => {
      for (const s of PATHS) sink += js.test(s) ? 1 : 0;
    }, PATHS.length);
    row(`lucene test /${p}/${ci ? 'i' : ''}`, o, j);
  }

  const greps = [
    '%{IP:client} %{WORD:method} %{URIPATHPARAM:request} %{NUMBER:bytes} %{NUMBER:duration}',
    '%{IPORHOST:clientip} %{USER:ident} %{USER:auth} \\[%{HTTPDATE:timestamp}\\] "%{WORD:verb} %{NOTSPACE:request} HTTP/%{NUMBER:httpversion}" %{NUMBER:response} %{NUMBER:bytes}',
    '%{SYSLOGTIMESTAMP:ts} %{SYSLOGHOST:host} %{SYSLOGPROG}: %{GREEDYDATA:message}',
    'user %{USERNAME:user} from %{IP:src}',
    '%{GREEDYDATA:all}',
  ];
  for (const g of greps) {
    const src = grok(g);
    const ours = compileSearch(src);
    const js = new RegExp(src, 's');
    for (const s of LINES) {
      const a = ours.exec(s);
      const b = js.exec(s);
      if ((a === null) !== (b === null) || (a && b && a.index !== b.index)) throw new Error(`disagree on ${g} ${s}`);
    }
    const o = time(() => {
      for (const s of LINES) sink += ours.exec(s)?.index ?? 0;
    }, LINES.length);
    const j = time(() => {
      for (const s of LINES) sink += js.exec(s)?.index ?? 0;
    }, LINES.length);
    row(`grok exec ${g.slice(0, 46)}`, o, j);
  }
  console.log(`\n${rows.join('\n')}\n(sink ${sink})`);
});
