import { QueryError } from '../lang/query-error.js';
import { EXIT_USAGE } from './exit-codes.js';
import { UsageError } from './output.js';
import { buildProgram } from './program.js';

/** Runs the CLI; resolves to the process exit code (0 clean, 1 skipped input, 2 usage/rule errors). */
export async function main(argv: string[]): Promise<number> {
  // A reader that went away (`trawl hunt -f ndjson | head`) is not an error: stop quietly, as
  // Unix tools do when their pipe closes ('exit' listeners still remove spill files).
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message?: string };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : EXIT_USAGE;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`trawl: ${err.message}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof QueryError) {
      process.stderr.write(`${err.format()}\n`);
      return EXIT_USAGE;
    }
    // Anything else is a bug in trawl: say so plainly, with the stack for the report.
    process.stderr.write(`trawl: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    return 3;
  }
}
