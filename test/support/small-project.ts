import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A two-table project for the check and watch tests: users and their posts. */
export const smallProject = {
  migration: `CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL,
  display_name text
);

CREATE TABLE posts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  author_id bigint NOT NULL REFERENCES users (id),
  title text NOT NULL
);
`,
  usersSql: `-- name: GetUser :one
SELECT * FROM users WHERE id = @id;

-- name: ListUsers :many
SELECT id, email FROM users ORDER BY id;
`,
  postsSql: `-- name: ListPosts :many
SELECT id, title FROM posts WHERE author_id = @author_id;
`,
} as const;

/** Writes migrations/001_init.sql and queries/{users,posts}.sql into `dir`. */
export function writeSmallProject(dir: string): void {
  mkdirSync(path.join(dir, 'migrations'), { recursive: true });
  mkdirSync(path.join(dir, 'queries'), { recursive: true });
  writeFileSync(path.join(dir, 'migrations', '001_init.sql'), smallProject.migration);
  writeFileSync(path.join(dir, 'queries', 'users.sql'), smallProject.usersSql);
  writeFileSync(path.join(dir, 'queries', 'posts.sql'), smallProject.postsSql);
}
