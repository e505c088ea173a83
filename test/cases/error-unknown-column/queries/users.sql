-- name: GetUser :one
SELECT id, email, display_name FROM users WHERE id = $1;

-- name: FindUsers :many
-- Active users of one organization whose address matches a pattern.
SELECT id,
       email,
       display_name
FROM users
WHERE organization_id = @organization_id AND emial ILIKE @pattern
  AND deleted_at IS NULL
ORDER BY email;

-- name: DeleteUser :exec
UPDATE users SET deleted_at = now() WHERE id = $1;
