-- Queries about users. This header is not attached to any query.

-- name: GetUser :one
-- Finds one user by id.
SELECT id, email, display_name, karma FROM users WHERE id = $1;

-- name: ListActiveUsers :many
-- Lists users who can still sign in, newest first.
--
-- Deactivated users are left out; see `DeactivateUser`.
SELECT id, email, display_name, created_at
FROM users
WHERE active
ORDER BY created_at DESC;

-- name: ListUsers :many
-- @deprecated Use ListActiveUsers, which leaves out deactivated users.
SELECT id, email FROM users ORDER BY id;

-- name: TopUsers :many
--Karma ranking. A comment may contain */ without ending the JSDoc.
SELECT id, display_name, karma
FROM users
-- Ties go to the older account.
ORDER BY karma DESC, created_at
LIMIT $1;

-- name: DeactivateUser :execrows
UPDATE users SET active = false WHERE id = $1 AND active;
