import { Command } from 'commander';

export function buildProgram(): Command {
  const program = new Command('trawl')
    .description('Offline forensic log hunting with Elastic detection rules')
    .exitOverride()
    .showHelpAfterError();
  const notYet = (name: string) => () => {
    process.stderr.write(`trawl ${name}: not built yet\n`);
    process.exitCode = 2;
  };
  program.command('hunt', { isDefault: true }).argument('[evidence...]').action(notYet('hunt'));
  program.command('query').argument('<query>').argument('[evidence...]').action(notYet('query'));
  program.command('rules').action(notYet('rules'));
  program.command('view').argument('<hits.json>').action(notYet('view'));
  program.command('lineage').argument('<entity-id>').argument('[evidence...]').action(notYet('lineage'));
  return program;
}
