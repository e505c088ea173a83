-- name: ListPosts :many
SELECT p.id, p.title
FROM post p
WHERE p.author_id = $1;
