-- name: ListComments :many
-- A post's comments, oldest first. The author's name is null once the author
-- has been deleted.
SELECT c.id, c.parent_id, c.author_id, c.body, c.created_at, c.edited_at,
       u.display_name AS author_name
FROM comments c
LEFT JOIN users u ON u.id = c.author_id AND u.deleted_at IS NULL
WHERE c.post_id = $1
ORDER BY c.created_at, c.id;

-- name: GetThread :many
-- A comment and every reply beneath it, depth-first.
WITH RECURSIVE thread AS (
  SELECT id, parent_id, author_id, body, created_at, 0 AS depth, ARRAY[id] AS path
  FROM comments
  WHERE id = @root_id
  UNION ALL
  SELECT c.id, c.parent_id, c.author_id, c.body, c.created_at, t.depth + 1, t.path || c.id
  FROM comments c
  JOIN thread t ON c.parent_id = t.id
)
SELECT id, parent_id, author_id, body, created_at, depth
FROM thread
ORDER BY path;

-- name: CountComments :many
SELECT post_id, count(*) AS "total!"
FROM comments
WHERE post_id = ANY(@post_ids::bigint[])
GROUP BY post_id;

-- name: CreateComment :one
INSERT INTO comments (post_id, author_id, parent_id, body)
VALUES (sqlc.arg(post_id), sqlc.arg(author_id), sqlc.narg(parent_id), sqlc.arg(body))
RETURNING *;

-- name: EditComment :one
UPDATE comments
SET body = $2, edited_at = now()
WHERE id = $1
RETURNING *;

-- name: ImportComments :copyfrom
-- Bulk-loads comments, e.g. from another blogging platform.
INSERT INTO comments (post_id, author_id, body, created_at)
VALUES ($1, $2, $3, $4);

-- name: DeleteComment :exec
DELETE FROM comments WHERE id = $1 AND author_id = $2;
