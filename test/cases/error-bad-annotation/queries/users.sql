-- name: GetUser :first
SELECT id, email, display_name FROM users WHERE id = $1;

-- name: ListUsers :many
SELECT id, email FROM users ORDER BY email;
