-- name: GetUser :one
-- Finds one active user by id.
SELECT id, organization_id, email, display_name, role, settings, created_at
FROM users
WHERE id = @id AND deleted_at IS NULL;

-- name: GetUserByEmail :one
-- Email addresses are matched case-insensitively, as the unique index does.
SELECT * FROM users
WHERE lower(email) = lower(sqlc.arg(email)) AND deleted_at IS NULL;

-- name: ListUsersByIds :many
SELECT * FROM users
WHERE id = ANY(@ids::bigint[]) AND deleted_at IS NULL
ORDER BY id;

-- name: ListMembers :many
-- One page of an organization's active members, optionally only those with one role.
SELECT id, email, display_name, role, created_at
FROM users
WHERE organization_id = @organization_id
  AND deleted_at IS NULL
  AND (sqlgen.narg(role)::user_role IS NULL OR role = sqlgen.narg(role))
ORDER BY display_name NULLS LAST, email
LIMIT @page_size OFFSET @page_offset;

-- name: CountMembersByRole :many
SELECT role, count(*) AS "total!"
FROM users
WHERE organization_id = $1 AND deleted_at IS NULL
GROUP BY role
ORDER BY role;

-- name: CreateUser :one
INSERT INTO users (organization_id, email, display_name, role)
VALUES (@organization_id, @email, @display_name, @role)
RETURNING *;

-- name: UpdateUserProfile :one
-- Changes only the fields that are given; null leaves a field as it is.
UPDATE users
SET display_name = coalesce(sqlgen.narg(display_name), display_name),
    settings = coalesce(sqlgen.narg(settings), settings),
    updated_at = now()
WHERE id = sqlgen.arg(id) AND deleted_at IS NULL
RETURNING *;

-- name: MergeUserSettings :exec
-- Shallow-merges the given keys into the user's settings.
UPDATE users
SET settings = settings || @patch::jsonb, updated_at = now()
WHERE id = @id;

-- name: SoftDeleteUser :execrows
-- Returns 0 when the user does not exist or was already deleted.
UPDATE users
SET deleted_at = now()
WHERE id = $1 AND deleted_at IS NULL;
