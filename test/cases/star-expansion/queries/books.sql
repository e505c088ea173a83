-- name: ListBooks :many
SELECT * FROM books ORDER BY book_id;

-- name: ListBooksWithAuthorName :many
SELECT b.*, a.name AS author_name
FROM books b
JOIN authors a ON a.author_id = b.author_id;

-- name: ListBooksUsing :many
SELECT * FROM books JOIN authors USING (author_id);

-- name: ListRecentBooks :many
SELECT * FROM (
  SELECT book_id, title, published FROM books WHERE published > $1
) AS recent
ORDER BY published DESC;

-- name: ListStarTitles :many
/* a * in a comment */
SELECT * FROM books WHERE title LIKE '%*%';

-- name: CountBooks :one
SELECT count(*) AS total FROM books;

-- name: CreateBook :one
INSERT INTO books (author_id, title, published) VALUES ($1, $2, $3) RETURNING *;

-- name: RetitleBook :one
UPDATE books SET title = $2 WHERE book_id = $1 RETURNING *;

-- name: DeleteAuthor :one
DELETE FROM authors WHERE author_id = $1 RETURNING *;
