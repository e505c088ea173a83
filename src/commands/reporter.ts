import { formatDiagnostic, redactSecrets, type Diagnostic } from '../diagnostics.js';

/** Where a command prints: results to `out`, diagnostics to `err`. */
export interface Reporter {
  out(line: string): void;
  err(line: string): void;
}

export const consoleReporter: Reporter = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export function reportDiagnostics(reporter: Reporter, diagnostics: readonly Diagnostic[]): void {
  for (const diagnostic of diagnostics) reporter.err(redactSecrets(formatDiagnostic(diagnostic)));
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (errors > 1) reporter.err(`${errors} errors`);
}

/** `generated/` as the user would write it: relative to the working directory, with a slash. */
export function displayFolder(cwd: string, folder: string, relative: (from: string, to: string) => string): string {
  const shown = relative(cwd, folder) || '.';
  return `${shown.split('\\').join('/')}/`;
}
