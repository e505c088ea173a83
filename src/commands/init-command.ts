import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { usageError } from '../diagnostics.js';
import type { Reporter } from './reporter.js';

const config = `{
  "$schema": "./node_modules/sqlgen/sqlgen.schema.json",
  "database": "\${DATABASE_URL}",
  "migrations": "migrations",
  "queries": ["queries/**/*.sql"],
  "out": "generated"
}
`;

const migration = `CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL UNIQUE,
  display_name text,
  created_at timestamptz NOT NULL DEFAULT now()
);
`;

const queries = `-- name: GetUser :one
SELECT * FROM users WHERE id = @id;

-- name: CreateUser :one
INSERT INTO users (email, display_name) VALUES (@email, @display_name)
RETURNING *;
`;

/** `sqlgen init`: a config, a first migration and a first query file; never overwrites. */
export async function initCommand(cwd: string, reporter: Reporter): Promise<number> {
  const files: [string, string][] = [
    ['sqlgen.config.json', config],
    ['migrations/000001_create_users.up.sql', migration],
    ['migrations/000001_create_users.down.sql', 'DROP TABLE users;\n'],
    ['queries/users.sql', queries],
  ];
  for (const [file] of files) {
    if (await stat(path.join(cwd, file)).then(() => true, () => false)) {
      throw usageError(`${file} already exists; sqlgen init only starts new projects`);
    }
  }
  for (const [file, contents] of files) {
    await mkdir(path.dirname(path.join(cwd, file)), { recursive: true });
    await writeFile(path.join(cwd, file), contents, { flag: 'wx' });
    reporter.out(`created ${file}`);
  }
  reporter.out('next: sqlgen generate (with DATABASE_URL unset, it uses the embedded PostgreSQL)');
  return 0;
}
