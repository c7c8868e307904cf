/**
 * Child process for hang checks (helpers.ts runQueryInChild): reads {language, query, docs} on
 * stdin, compiles and runs the query, prints {ok, result} or {error: {name, message, line, column}}.
 * Compile-time setup (tsx loading) is excluded from the reported timing.
 */
import { compileKql } from '../../src/lang/kql/index.js';
import { compileEsql } from '../../src/lang/esql/index.js';

const chunks: Buffer[] = [];
for await (const c of process.stdin) chunks.push(c as Buffer);
const job = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { language: string; query: string; docs: Record<string, unknown>[] };
const started = Date.now();
try {
  let result: unknown;
  if (job.language === 'kuery') {
    const pred = compileKql(job.query, { now: 0 });
    result = job.docs.map((d) => pred(d));
  } else if (job.language === 'esql') {
    const ex = compileEsql(job.query, { now: 0 }).createExecutor();
    for (const d of job.docs) ex.push(d, {});
    result = ex.finish().rows.map((r) => r.values);
  } else {
    const eql = (await import('../../src/lang/eql/index.js' as string)) as { compileEql(q: string): { filter(d: unknown): boolean } };
    const q = eql.compileEql(job.query);
    result = job.docs.map((d) => q.filter(d));
  }
  process.stdout.write(JSON.stringify({ ok: true, result, ms: Date.now() - started }));
} catch (e) {
  const err = e as { name?: string; message?: string; line?: number; column?: number };
  process.stdout.write(JSON.stringify({ error: { name: err.name, message: err.message, line: err.line, column: err.column }, ms: Date.now() - started }));
}

