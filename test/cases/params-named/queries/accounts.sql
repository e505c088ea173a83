-- name: GetAccountByEmail :one
SELECT id, email FROM accounts WHERE email = $1;

-- name: ListAccountsByDisplayName :many
SELECT a.id, a.email FROM accounts AS a WHERE a.display_name = $1;

-- name: ListAccountsByZipCode :many
SELECT id, email FROM accounts WHERE "zip code" = $1;

-- name: CreateAccount :one
INSERT INTO accounts (email, display_name, "zip code")
VALUES ($1, $2, $3)
RETURNING id;

-- name: SetDisplayName :exec
UPDATE accounts SET display_name = $1 WHERE id = $2;

-- name: ListAccounts :many
SELECT id, email FROM accounts ORDER BY id LIMIT $1 OFFSET $2;

-- name: ListAccountsCreatedBetween :many
SELECT id, email FROM accounts WHERE created_at >= $1 AND created_at < $2 ORDER BY created_at;

-- name: LoginCountAfter :one
SELECT login_count + $1::integer AS projected FROM accounts WHERE id = $2;

-- name: SearchAccounts :many
SELECT id, email FROM accounts
WHERE email ILIKE @pattern OR display_name ILIKE @pattern
ORDER BY email
LIMIT @max_results;

-- name: ListAccountsByIds :many
SELECT id, email FROM accounts WHERE id = ANY(@ids::bigint[]);

-- name: UpdateAccount :exec
UPDATE accounts
SET display_name = sqlgen.narg(display_name),
    "zip code" = sqlgen.narg(zip_code)
WHERE id = sqlgen.arg(account_id);

-- name: ChangeEmail :execrows
UPDATE accounts
SET email = sqlc.arg('new_email'),
    display_name = coalesce(sqlc.narg(display_name), display_name)
WHERE id = sqlc.arg(account_id) AND email = sqlc.arg('old_email');
