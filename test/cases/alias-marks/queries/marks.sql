-- name: CountOrders :one
SELECT count(*) AS "total!" FROM orders;

-- name: LatestOrder :one
SELECT max(placed_at) AS "latest!", min(placed_at) AS earliest FROM orders;

-- name: CustomerSummaries :many
SELECT c.id,
       c.name AS "name?",
       c.country AS "country!",
       o.id AS "last_order_id!",
       (SELECT count(*) FROM orders x WHERE x.customer_id = c.id) AS "order_count!",
       max(o.placed_at) OVER (PARTITION BY c.id) AS "last seen!"
FROM customers c
LEFT JOIN orders o ON o.customer_id = c.id;

-- name: CreateOrder :one
INSERT INTO orders (id, customer_id, total)
VALUES ($1, $2, $3)
RETURNING id, total * 1.2 AS "gross!", placed_at AS "placed_at?";

-- name: RevenueByCountry :many
WITH revenue AS (
  SELECT c.country, sum(o.total) AS amount
  FROM orders o
  JOIN customers c ON c.id = o.customer_id
  GROUP BY c.country
)
SELECT coalesce(country, 'unknown') AS country, amount AS "amount!"
FROM revenue
ORDER BY amount DESC;
