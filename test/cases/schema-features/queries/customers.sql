-- name: ListCustomers :many
SELECT * FROM customers ORDER BY id;

-- name: GetShippingAddress :one
SELECT shipping_address, (shipping_address).city AS city
FROM customers
WHERE id = $1;

-- name: CreateCustomer :one
INSERT INTO customers (name, email, priority, labels, phone_numbers)
VALUES ($1, $2, $3, $4, $5)
RETURNING id, name, priority, labels;

-- name: ListActiveCustomers :many
SELECT * FROM active_customers
WHERE priority = ANY(@priorities::priority[])
ORDER BY name;
