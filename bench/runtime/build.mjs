// Builds what the runtime and bulk benchmarks import: the sqlgen-generated modules (generated
// by the built CLI from runtime/queries/ against a database with runtime/migrations/ applied)
// and Prisma's engine-free client, both compiled with tsc into runtime/.build/.
import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { run, runOk } from '../lib/proc.mjs';

export const migrationSql = (bench) => readFileSync(path.join(bench, 'runtime', 'migrations', '000001_bench.up.sql'), 'utf8');

let built;

/**
 * Generates and compiles once per process. Returns `{ generated, prisma }`: import URLs of the
 * compiled `generated/index.js` and of Prisma's `client.js` (`prisma` is `{ error }` when Prisma
 * could not generate here).
 */
export function buildRuntime(ctx, databaseUrl) {
  built ??= build(ctx, databaseUrl);
  return built;
}

async function build(ctx, databaseUrl) {
  const dir = path.join(ctx.bench, 'runtime');
  for (const folder of ['generated', 'prisma-client', '.build']) rmSync(path.join(dir, folder), { recursive: true, force: true });
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.SQLGEN_CACHE_DIR;

  ctx.log('runtime: generating the sqlgen modules');
  await runOk(process.execPath, [path.join(ctx.root, 'dist', 'cli', 'sqlgen.js'), 'generate', '--database-url', databaseUrl], { cwd: dir, env, timeoutMs: 120_000 });

  // Prisma 7's client needs no query engine; `prisma generate` still looks for the schema engine
  // binary (and would download it), so it is pointed at a stub that never runs.
  ctx.log('runtime: generating the Prisma client (engine-free, schema engine stubbed)');
  const stub = path.join(ctx.bench, 'tools', 'prisma-schema-engine-stub.mjs');
  chmodSync(stub, 0o755);
  const prismaCli = path.join(ctx.bench, 'node_modules', 'prisma', 'build', 'index.js');
  const prisma = await run(process.execPath, [prismaCli, 'generate', '--schema', path.join('prisma', 'schema.prisma')], {
    cwd: dir,
    env: { ...env, PRISMA_SCHEMA_ENGINE_BINARY: stub, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1', PRISMA_SKIP_POSTINSTALL_GENERATE: '1' },
    timeoutMs: 120_000,
  });
  const prismaError = prisma.code === 0 ? undefined : `prisma generate failed (exit ${prisma.code}): ${(prisma.stdout + prisma.stderr).trim().split('\n').slice(-5).join(' ')}`;
  if (prismaError) ctx.log(`runtime: ${prismaError}`);

  ctx.log('runtime: compiling the generated code (tsc)');
  const tsc = await run(process.execPath, [path.join(ctx.bench, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: dir, timeoutMs: 300_000 });
  const generated = path.join(dir, '.build', 'generated', 'index.js');
  if (!existsSync(generated)) throw new Error(`tsc did not compile the generated code:\n${tsc.stdout}${tsc.stderr}`);
  if (tsc.code !== 0) ctx.log(`runtime: tsc reported type errors (the code was emitted anyway):\n${(tsc.stdout + tsc.stderr).slice(0, 3000)}`);
  const prismaClient = path.join(dir, '.build', 'prisma-client', 'client.js');
  return {
    generated: pathToFileURL(generated).href,
    prisma: !prismaError && existsSync(prismaClient) ? { url: pathToFileURL(prismaClient).href } : { error: prismaError ?? 'prisma-client was not compiled' },
  };
}
