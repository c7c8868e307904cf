import { buildProgram } from './program.js';

/** Runs the CLI; resolves to the process exit code (0 clean, 1 skipped input, 2 usage/rule errors). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message?: string };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2;
    }
    process.stderr.write(`trawl: ${e.message ?? String(err)}\n`);
    return 2;
  }
}
