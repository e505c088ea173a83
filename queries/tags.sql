-- name: UpsertTag :one
-- Creates the tag, or renames it when the slug is already taken.
INSERT INTO tags (organization_id, slug, name)
VALUES (@organization_id, @slug, @name)
ON CONFLICT (organization_id, slug) DO UPDATE SET name = excluded.name
RETURNING *;

-- name: ListTags :many
SELECT t.id, t.slug, t.name, count(pt.post_id) AS post_count
FROM tags t
LEFT JOIN post_tags pt ON pt.tag_id = t.id
WHERE t.organization_id = $1
GROUP BY t.id
ORDER BY t.name;

-- name: ListPostsByTag :many
SELECT p.id, p.slug, p.title, p.published_at
FROM posts p
JOIN post_tags pt ON pt.post_id = p.id
JOIN tags t ON t.id = pt.tag_id
WHERE t.organization_id = @organization_id AND t.slug = @tag_slug AND p.status = 'published'
ORDER BY p.published_at DESC;

-- name: TagPost :exec
INSERT INTO post_tags (post_id, tag_id)
VALUES ($1, $2)
ON CONFLICT DO NOTHING;

-- name: UntagPost :execrows
DELETE FROM post_tags WHERE post_id = $1 AND tag_id = $2;

-- name: AddPostTags :copyfrom
INSERT INTO post_tags (post_id, tag_id) VALUES ($1, $2);
