import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Hit } from '../../engine/index.js';
import type { HuntSummary } from '../../hunt/summary.js';
import { EXIT_OK } from '../exit-codes.js';
import { UsageError } from '../output.js';

export function registerView(program: Command): void {
  program
    .command('view')
    .summary('browse a saved JSON hit export in the terminal UI')
    .argument('<hits.json>', 'a file written by `trawl hunt -f json -o hits.json` or the TUI export')
    .addHelpText('after', '\nExample:\n  trawl hunt evidence/ -f json -o hits.json && trawl view hits.json')
    .action(async (file: string) => {
      let parsed: { hits?: Hit[]; summary?: HuntSummary };
      try {
        parsed = JSON.parse(await readFile(file, 'utf8'));
      } catch (err) {
        throw new UsageError(`${file}: not a trawl JSON export (${(err as Error).message})`);
      }
      if (!Array.isArray(parsed.hits) || typeof parsed.summary !== 'object') {
        throw new UsageError(`${file}: not a trawl JSON export (expected {"hits": [...], "summary": {...}})`);
      }
      if (!process.stdout.isTTY) throw new UsageError('trawl view needs a terminal');
      const { runTui } = await import('../../tui/index.js');
      await runTui({ hits: parsed.hits, summary: parsed.summary as HuntSummary });
      process.exitCode = EXIT_OK;
    });
}
