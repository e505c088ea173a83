-- name: GetUser :one
SELECT * FROM users WHERE id = $1;

-- name: ListUsersByIds :many
SELECT id, display_name, friend_ids FROM users WHERE id = ANY(@ids::bigint[]);

-- name: CreateUser :one
INSERT INTO users (display_name, balance, birthday, settings, metadata)
VALUES ($1, $2, $3, $4, $5)
RETURNING id, created_at;

-- name: UpdateSettings :exec
UPDATE users SET settings = $2 WHERE id = $1;

-- name: ListBirthdaysBetween :many
SELECT id, display_name, birthday AS "birthday!"
FROM users
WHERE birthday BETWEEN @from_date AND @to_date
ORDER BY birthday;

-- name: BalanceStats :one
SELECT count(*) AS user_count, sum(balance) AS total_balance, max(birthday) AS youngest_birthday
FROM users;
