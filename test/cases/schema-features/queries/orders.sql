-- name: CreateOrder :one
INSERT INTO orders (customer_id, quantity, unit_price)
VALUES ($1, $2, $3)
RETURNING *;

-- name: ListOrderTotals :many
SELECT * FROM customer_order_totals
WHERE order_count >= $1
ORDER BY total_spent DESC NULLS LAST;

-- name: RefreshOrderTotals :exec
REFRESH MATERIALIZED VIEW CONCURRENTLY customer_order_totals;
