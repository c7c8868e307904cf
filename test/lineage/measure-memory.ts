// Rough memory per process of the lineage index: node --expose-gc --import tsx test/lineage/measure-memory.ts
import { LineageIndex } from '../../src/lineage/index.js';
const N = 100_000;
const file = 'evidence/host-a.ndjson';
function ev(i: number) {
  return { file, line: i + 1, doc: {
    '@timestamp': new Date(1.7e12 + i * 1000).toISOString(), host: { name: 'host-a' },
    event: { category: ['process'], type: ['start'], action: 'start' },
    user: { name: 'svc_user' },
    process: { entity_id: `NGM5YzljYjMtZjgwZi00NGQ4LTljODktNjE2ODI0M2I3ZjIxLTI3NzItMTMy${i}`, pid: 1000 + i, name: 'svchost.exe',
      executable: 'C:\\Windows\\System32\\svchost.exe', command_line: `C:\\Windows\\System32\\svchost.exe -k WerSvcGroup -p ${i}`,
      args: ['C:\\Windows\\System32\\svchost.exe', '-k', 'WerSvcGroup', '-p', String(i)], start: new Date(1.7e12 + i * 1000).toISOString(),
      parent: { entity_id: `NGM5YzljYjMtZjgwZi00NGQ4LTljODktNjE2ODI0M2I3ZjIxLTI3NzItMTMy${Math.floor(i / 10)}`, pid: 600, name: 'services.exe' },
      Ext: { ancestry: [`NGM5YzljYjMtZjgwZi00NGQ4LTljODktNjE2ODI0M2I3ZjIxLTI3NzItMTMy${Math.floor(i / 10)}`, 'NGM5YzljYjMtZjgwZi00NGQ4LTljODktNjE2ODI0M2I3ZjIxLTYwMC0xMzI5MzU0OTExMC40NjgyMjI3MDA='] } } } };
}
global.gc!();
const before = process.memoryUsage().heapUsed;
const index = new LineageIndex();
const t = Date.now();
for (let i = 0; i < N; i++) index.add(ev(i));
global.gc!();
const after = process.memoryUsage().heapUsed;
console.log(`records ${index.size}, ${((after - before) / index.size).toFixed(0)} bytes/process, ${Date.now() - t} ms`);
const json = JSON.stringify(index.toJSON());
console.log(`json ${(json.length / index.size).toFixed(0)} bytes/process`);
