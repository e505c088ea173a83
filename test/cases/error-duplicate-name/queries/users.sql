-- name: GetUser :one
SELECT id, email, display_name FROM users WHERE id = $1;

-- name: ListUsers :many
SELECT id, email FROM users ORDER BY email;

-- name: GetUser :one
SELECT id, email FROM users WHERE lower(email) = lower($1);
