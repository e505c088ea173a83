// Links node_modules/.bin/sqlgen to this checkout's CLI, so `npx sqlgen` works inside the
// repository itself as it does in a project that depends on sqlgen. npm links the bins of
// dependencies only, never the package's own.
import { chmodSync, existsSync, lstatSync, mkdirSync, symlinkSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'cli', 'sqlgen.js');
const bin = path.join(root, 'node_modules', '.bin');
const link = path.join(bin, 'sqlgen');

if (existsSync(cli) && existsSync(path.join(root, 'node_modules'))) {
  chmodSync(cli, 0o755);
  mkdirSync(bin, { recursive: true });
  if (lstatSync(link, { throwIfNoEntry: false })) unlinkSync(link);
  symlinkSync(path.relative(bin, cli), link);
}
