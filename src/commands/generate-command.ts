import path from 'node:path';
import type { Config } from '../config/config.js';
import { generate, type RunOptions } from '../generate.js';
import { writeOutput } from '../write/write-output.js';
import { displayFolder, reportDiagnostics, type Reporter } from './reporter.js';

/**
 * `sqlgen generate`: writes the changed files of `out` and prints one summary line,
 * e.g. `42 queries in 7 files -> generated/ (0.31 s)`.
 */
export async function generateCommand(config: Config, options: RunOptions, reporter: Reporter): Promise<number> {
  const started = performance.now();
  const result = await generate(config, options);
  reportDiagnostics(reporter, result.warnings);
  await writeOutput(config.out, result.files);
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const queries = `${result.queryCount} ${result.queryCount === 1 ? 'query' : 'queries'}`;
  const files = `${result.fileCount} ${result.fileCount === 1 ? 'file' : 'files'}`;
  reporter.out(`${queries} in ${files} -> ${displayFolder(options.cwd, config.out, path.relative)} (${seconds} s)`);
  return 0;
}
