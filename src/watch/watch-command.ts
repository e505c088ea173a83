import type { Config } from '../config/config.js';
import type { RunOptions } from '../generate.js';
import { usageError } from '../diagnostics.js';
import type { Reporter } from '../commands/reporter.js';

export interface WatchOptions extends RunOptions {
  /** Loads the config again after it changed. */
  readonly reload: () => Promise<Config>;
}

/** `sqlgen generate --watch`. */
export async function watchCommand(_config: Config, _options: WatchOptions, _reporter: Reporter): Promise<number> {
  throw usageError('--watch is not available yet');
}
