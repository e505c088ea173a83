-- name: ListPostsByAuthor :many
SELECT p.id, p.title, u.email AS author_email
FROM posts p
JOIN users u ON u.id = p.author_id
WHERE p.author_id = $1;
