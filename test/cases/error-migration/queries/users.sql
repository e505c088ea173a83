-- name: GetUser :one
SELECT id, email, display_name FROM users WHERE id = $1;
