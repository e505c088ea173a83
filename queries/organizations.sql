-- name: GetOrganization :one
SELECT * FROM organizations WHERE id = $1;

-- name: GetOrganizationBySlug :one
SELECT * FROM organizations WHERE slug = @slug;

-- name: CreateOrganization :one
INSERT INTO organizations (slug, name)
VALUES ($1, $2)
RETURNING *;

-- name: RenameOrganization :execrows
UPDATE organizations
SET name = sqlgen.arg(name), updated_at = now()
WHERE id = sqlgen.arg(id);

-- name: ListOrganizationStats :many
-- Active members and published posts per organization, for the admin dashboard.
WITH members AS (
  SELECT organization_id, count(*) AS total
  FROM users
  WHERE deleted_at IS NULL
  GROUP BY organization_id
), published AS (
  SELECT organization_id, count(*) AS total, max(published_at) AS latest
  FROM posts
  WHERE status = 'published'
  GROUP BY organization_id
)
SELECT
  o.id,
  o.slug,
  o.name,
  coalesce(m.total, 0) AS member_count,
  coalesce(p.total, 0) AS post_count,
  p.latest AS last_published_at
FROM organizations o
LEFT JOIN members m ON m.organization_id = o.id
LEFT JOIN published p ON p.organization_id = o.id
ORDER BY o.name;
