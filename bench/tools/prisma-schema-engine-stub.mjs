#!/usr/bin/env node
// Stands in for Prisma's schema engine, a native binary that `prisma generate` wants to find on
// disk (and would otherwise download). Generating the engine-free client never runs it; if
// anything does, it says so and fails instead of pretending to work.
if (process.argv.includes('--version')) {
  process.stdout.write('schema-engine-cli 0.0.0 (sqlgen bench stub)\n');
  process.exit(0);
}
process.stderr.write(`sqlgen bench: the Prisma schema engine stub was asked to run: ${process.argv.slice(2).join(' ')}\n`);
process.exit(1);
