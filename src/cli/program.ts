import { Command } from 'commander';
import { registerHunt } from './commands/hunt.js';
import { registerLineage } from './commands/lineage.js';
import { registerQuery } from './commands/query.js';
import { registerRules } from './commands/rules.js';
import { registerView } from './commands/view.js';
import { packageVersion } from './paths.js';

export function buildProgram(): Command {
  const program = new Command('trawl')
    .description(
      'Offline forensic log hunting with Elastic detection rules.\n' +
        'Streams NDJSON / gzip / Elasticsearch exports of ECS events and runs KQL,\n' +
        'EQL, ES|QL, new_terms and threshold rules over them: no Elasticsearch, no\n' +
        'network.',
    )
    .version(packageVersion())
    .exitOverride()
    .showHelpAfterError('(add --help for usage and examples)')
    .configureHelp({ showGlobalOptions: true });
  registerHunt(program);
  registerQuery(program);
  registerRules(program);
  registerView(program);
  registerLineage(program);
  program.addHelpText(
    'after',
    `
Examples:
  trawl samples/                                 hunt the bundled samples with the bundled rules
  trawl hunt evidence/ -r detection-rules/rules -f json -o hits.json
  trawl query 'process.name:python* and event.action:exec' evidence/
  trawl rules check detection-rules/rules --format json

Exit codes: 0 clean, 1 completed but some input was skipped, 2 usage or rule errors.`,
  );
  return program;
}
