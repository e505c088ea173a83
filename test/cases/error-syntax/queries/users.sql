-- name: GetUser :one
SELECT id, email, display_name FROM users WHERE id = $1;

-- name: ListUsers :many
SELECT id, email
FROM users
WHERE deleted_at IS NULL
ORDER BY email
LIMT 10;
