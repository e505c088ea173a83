import { Command, CommanderError } from 'commander';
import { reportDiagnostics, type Reporter } from '../src/commands/reporter.js';
import { redactSecrets, SqlgenFailure } from '../src/diagnostics.js';

// Commands are loaded when they run: `sqlgen --help` or `init` need neither the parser,
// the database drivers nor the config validator.

interface ConfigFlags {
  config?: string;
  databaseUrl?: string;
}

export interface CliContext {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly reporter: Reporter;
}

/**
 * Runs the command line `argv` (without `node sqlgen`) and returns the exit code: 0 success,
 * 1 the input has problems, 2 usage, config or connection errors.
 */
export async function run(argv: readonly string[], context: CliContext): Promise<number> {
  const { cwd, env, reporter } = context;
  let exitCode = 0;

  const config = (flags: ConfigFlags) =>
    import('../src/config/load-config.js').then(({ loadConfig }) => loadConfig({
      cwd,
      env,
      ...(flags.config !== undefined ? { configPath: flags.config } : {}),
      ...(flags.databaseUrl !== undefined ? { databaseUrl: flags.databaseUrl } : {}),
    }));

  const program = new Command('sqlgen')
    .description('Typed TypeScript repositories from a PostgreSQL schema and annotated SQL')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => reporter.out(text.trimEnd()),
      writeErr: (text) => reporter.err(text.trimEnd()),
    });

  program
    .command('generate')
    .description('generate TypeScript modules from the query files')
    .option('-w, --watch', 'regenerate when a query file, migration or the config changes')
    .option('-c, --config <file>', 'config file (default: sqlgen.config.json)')
    .option('--database-url <url>', 'analyse against this server instead of the config\'s database')
    .action(async (flags: ConfigFlags & { watch?: boolean }) => {
      const loaded = await config(flags);
      exitCode = flags.watch
        ? await (await import('../src/watch/watch-command.js')).watchCommand(loaded, { cwd, env, reload: () => config(flags) }, reporter)
        : await (await import('../src/commands/generate-command.js')).generateCommand(loaded, { cwd, env }, reporter);
    });

  program
    .command('check')
    .description('fail when the generated files differ from what the SQL and schema give')
    .option('-c, --config <file>', 'config file (default: sqlgen.config.json)')
    .option('--database-url <url>', 'analyse against this server instead of the config\'s database')
    .action(async (flags: ConfigFlags) => {
      const { checkCommand } = await import('../src/commands/check-command.js');
      exitCode = await checkCommand(await config(flags), { cwd, env }, reporter);
    });

  program
    .command('init')
    .description('create sqlgen.config.json, migrations/ and queries/ in this folder')
    .action(async () => {
      const { initCommand } = await import('../src/commands/init-command.js');
      exitCode = await initCommand(cwd, reporter);
    });

  const migrate = program.command('migrate').description('manage migrations');
  migrate
    .command('new')
    .argument('<name>', 'what the migration does, e.g. add_user_avatar')
    .description('create the next migration file')
    .option('-c, --config <file>', 'config file (default: sqlgen.config.json)')
    .action(async (name: string, flags: ConfigFlags) => {
      const { migrateNewCommand } = await import('../src/commands/migrate-new-command.js');
      exitCode = await migrateNewCommand(await config(flags), name, new Date(), reporter);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      exitCode = error.exitCode === 0 ? 0 : 2;
    } else if (error instanceof SqlgenFailure) {
      reportDiagnostics(reporter, error.diagnostics);
      exitCode = error.exitCode;
    } else {
      reporter.err(`sqlgen: internal error: ${redactSecrets(error instanceof Error ? error.stack ?? error.message : String(error))}`);
      reporter.err('This is a bug in sqlgen; please report it with the input that caused it.');
      exitCode = 1;
    }
  }
  return exitCode;
}
