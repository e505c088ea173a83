-- name: GetAccount :one
SELECT * FROM accounts WHERE id = $1;

-- name: Deposit :one
UPDATE accounts SET balance = balance + $2 WHERE id = $1 RETURNING balance, updated_at;

-- name: Transfer :one
SELECT transfer(@source, @target, @amount) AS transfer_id;
