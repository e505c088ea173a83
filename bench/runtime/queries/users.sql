-- name: GetUser :one
SELECT id, email, display_name, score, active, created_at FROM bench_users WHERE id = @id;

-- name: ListUsers :many
SELECT id, email, display_name, score, active, created_at
FROM bench_users
WHERE id > @after
ORDER BY id
LIMIT 100;
