-- name: GetNote :one
SELECT id, title, body, pinned FROM notes WHERE id = $1;

-- name: CountNotes :one
SELECT count(*) AS total FROM notes;

-- name: ListNotes :many
SELECT id, title, pinned FROM notes ORDER BY created_at DESC;

-- name: ListPinnedNotes :many
SELECT id, title FROM notes WHERE pinned = $1 ORDER BY id;

-- name: PinNote :exec
UPDATE notes SET pinned = true WHERE id = $1;

-- name: DeleteOldNotes :execrows
DELETE FROM notes WHERE created_at < $1 AND NOT pinned;

-- name: ImportNotes :copyfrom
INSERT INTO notes (title, body, pinned) VALUES ($1, $2, $3);
