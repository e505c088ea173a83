-- name: GetPost :one
-- The author fields are null once the author has been deleted.
SELECT p.id, p.slug, p.title, p.body, p.status, p.tags, p.published_at, p.version,
       p.author_id, u.display_name AS author_name, u.email AS author_email
FROM posts p
LEFT JOIN users u ON u.id = p.author_id AND u.deleted_at IS NULL
WHERE p.id = $1;

-- name: GetPostBySlug :one
SELECT id, title, body, status, tags, published_at, version
FROM posts
WHERE organization_id = $1 AND slug = $2;

-- name: ListFeed :many
-- Newest published posts first, a page at a time. For the next page pass the
-- published_at and id of the last row; leave them null for the first page.
SELECT id, slug, title, tags, published_at AS "published_at!"
FROM posts
WHERE organization_id = @organization_id
  AND status = 'published'
  AND (sqlgen.narg(before_published_at)::timestamptz IS NULL
       OR (published_at, id) < (sqlgen.narg(before_published_at), sqlgen.narg(before_id)::bigint))
ORDER BY published_at DESC, id DESC
LIMIT @page_size;

-- name: SearchPosts :many
-- Full-text search over titles and bodies, best match first.
SELECT id, slug, title,
       ts_headline('english', body, websearch_to_tsquery('english', @query)) AS snippet,
       ts_rank(search, websearch_to_tsquery('english', @query)) AS rank
FROM posts
WHERE organization_id = @organization_id
  AND status = 'published'
  AND search @@ websearch_to_tsquery('english', @query)
ORDER BY rank DESC, id DESC
LIMIT @max_results;

-- name: ListAuthorPosts :many
SELECT p.id, p.title, p.status, p.updated_at,
       count(c.id) AS comment_count,
       max(c.created_at) AS "last_comment_at?"
FROM posts p
LEFT JOIN comments c ON c.post_id = p.id
WHERE p.author_id = $1
GROUP BY p.id
ORDER BY p.updated_at DESC
LIMIT $2 OFFSET $3;

-- name: CreatePost :one
INSERT INTO posts (organization_id, author_id, slug, title, body, tags)
VALUES (@organization_id, @author_id, @slug, @title, @body, @tags)
RETURNING id, slug, status, version, created_at;

-- name: UpdatePost :one
-- Saves an edit only if nobody else saved since the editor loaded the post:
-- returns null when the version is stale.
UPDATE posts
SET title = @title,
    body = @body,
    tags = @tags,
    version = version + 1,
    updated_at = now()
WHERE id = @id AND version = @version
RETURNING id, version, updated_at;

-- name: PublishPost :execrows
UPDATE posts
SET status = 'published', published_at = now(), version = version + 1, updated_at = now()
WHERE id = $1 AND status = 'draft';

-- name: ArchivePosts :execrows
UPDATE posts
SET status = 'archived', version = version + 1, updated_at = now()
WHERE id = ANY(@ids::bigint[]) AND status <> 'archived';
