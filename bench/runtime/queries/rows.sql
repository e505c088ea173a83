-- name: InsertRow :exec
INSERT INTO bench_rows (n, label, happened_at, amount, note, score)
VALUES (@n, @label, @happened_at, @amount, @note, @score);

-- name: CopyRows :copyfrom
INSERT INTO bench_rows (n, label, happened_at, amount, note, score)
VALUES (@n, @label, @happened_at, @amount, @note, @score);
