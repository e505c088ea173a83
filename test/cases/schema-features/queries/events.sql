-- name: RecordEvent :exec
INSERT INTO events (occurred_at, kind, customer_id, payload)
VALUES ($1, $2, $3, $4);

-- name: ListEvents :many
SELECT * FROM events
WHERE occurred_at >= @since AND occurred_at < @until
ORDER BY occurred_at;

-- name: CountEvents2024ByKind :many
SELECT kind, count(*) AS total
FROM events_2024
GROUP BY kind
ORDER BY kind;
