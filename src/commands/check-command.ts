import path from 'node:path';
import type { Config } from '../config/config.js';
import { generate, type RunOptions } from '../generate.js';
import { checkOutput } from '../write/check-output.js';
import { displayFolder, reportDiagnostics, type Reporter } from './reporter.js';

/**
 * `sqlgen check`: generates in memory and compares with `out`. Lists each stale, missing or
 * extra file with a unified diff and returns 1 when anything differs.
 */
export async function checkCommand(config: Config, options: RunOptions, reporter: Reporter): Promise<number> {
  const result = await generate(config, options);
  reportDiagnostics(reporter, result.warnings);
  const drift = await checkOutput(config.out, result.files);
  const folder = displayFolder(options.cwd, config.out, path.relative);
  if (!drift.length) {
    reporter.out(`${folder} is up to date (${result.files.length} files)`);
    return 0;
  }
  for (const file of drift) reporter.out(file.diff.trimEnd());
  for (const file of drift) reporter.err(`${file.status}: ${folder}${file.path}`);
  reporter.err(`${drift.length} generated ${drift.length === 1 ? 'file differs' : 'files differ'} from the SQL; run \`sqlgen generate\``);
  return 1;
}
