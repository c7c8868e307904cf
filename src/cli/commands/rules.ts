import type { Command } from 'commander';
import { EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import { stderr, UsageError } from '../output.js';
import { bundledRulesDir, ruleCacheDir } from '../paths.js';

export function registerRules(program: Command): void {
  const rules = program
    .command('rules')
    .summary('list or check detection rules')
    .description('Inspect detection-rules TOML files: list them, or load and compile each and\nreport problems.');

  rules
    .command('list')
    .description('one row per rule: id, name, type, severity')
    .argument('[paths...]', 'rule files or directories (default: the bundled rules/)')
    .option('--include-deprecated', 'include rules from _deprecated folders')
    .option('-f, --format <format>', 'table | json', 'table')
    .action(async (paths: string[], flags: { includeDeprecated?: boolean; format: string }) => {
      const [{ loadRules }, { alignTable }] = await Promise.all([import('../../rules/index.js'), import('../../export/index.js')]);
      const loaded = await loadRules(paths.length ? paths : [bundledRulesDir()], flags);
      const sorted = [...loaded.rules].sort((a, b) => (a.name < b.name ? -1 : 1));
      if (flags.format === 'json') {
        process.stdout.write(
          `${JSON.stringify(sorted.map((r) => ({ rule_id: r.rule_id, name: r.name, type: r.type, language: r.language, severity: r.severity, file: r.file })), null, 2)}\n`,
        );
      } else {
        process.stdout.write(`${alignTable(['ID', 'NAME', 'TYPE', 'SEVERITY'], sorted.map((r) => [r.rule_id, r.name, r.type, r.severity]), 70)}\n`);
      }
      for (const e of loaded.errors) stderr(`error  ${e.file}${e.line ? `:${e.line}:${e.column ?? 1}` : ''}: ${e.message}`);
      process.exitCode = loaded.errors.length ? EXIT_USAGE : EXIT_OK;
    });

  rules
    .command('check')
    .description(
      'Load and compile every rule. JSON output is a stable contract:\n' +
        '  {"total", "compiled",\n' +
        '   "unsupported": [{file, rule_id, name, type, reason}],\n' +
        '   "errors": [{file, rule_id, name, message, line, column}]}\n' +
        '"unsupported" lists only what cannot run offline (machine_learning,\n' +
        'threat_match, ES|QL COMPLETION…). Exit code 0 when there are no errors,\n' +
        '2 otherwise.',
    )
    .argument('[paths...]', 'rule files or directories (default: the bundled rules/)')
    .option('--include-deprecated', 'include rules from _deprecated folders')
    .option('-f, --format <format>', 'table | json', 'table')
    .option('--no-cache', 'parse and compile every rule afresh instead of reusing earlier runs (see trawl hunt --help)')
    .addHelpText('after', '\nExample:\n  trawl rules check detection-rules/rules --format json | jq .errors')
    .action(async (paths: string[], flags: { includeDeprecated?: boolean; format: string; cache: boolean }) => {
      if (!['table', 'json'].includes(flags.format)) throw new UsageError('--format must be table or json');
      const { checkRules } = await import('../../hunt/check-rules.js');
      const { report } = await checkRules(paths.length ? paths : [bundledRulesDir()], {
        includeDeprecated: flags.includeDeprecated,
        cacheDir: flags.cache ? ruleCacheDir() : undefined,
      });
      if (flags.format === 'json') {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      } else {
        const lines = [`${report.total} rules: ${report.compiled} compiled, ${report.unsupported.length} unsupported, ${report.errors.length} errors`];
        for (const e of report.errors) lines.push(`error        ${e.file}${e.line ? `:${e.line}:${e.column ?? 1}` : ''}: ${e.name ? `${e.name}: ` : ''}${e.message}`);
        for (const u of report.unsupported) lines.push(`unsupported  ${u.file}: ${u.name ?? u.rule_id} (${u.type}): ${u.reason}`);
        process.stdout.write(`${lines.join('\n')}\n`);
      }
      process.exitCode = report.errors.length ? EXIT_USAGE : EXIT_OK;
    });
}
