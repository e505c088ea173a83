CREATE VIEW active_customers AS
SELECT id, name, email, priority, labels
FROM customers
WHERE active;

CREATE MATERIALIZED VIEW customer_order_totals AS
SELECT c.id AS customer_id,
       c.name,
       count(o.id) AS order_count,
       sum(o.quantity * o.unit_price) AS total_spent,
       max(o.ordered_on) AS last_ordered_on
FROM customers c
LEFT JOIN orders o ON o.customer_id = c.id AND o.state <> 'cancelled'
GROUP BY c.id, c.name;

CREATE UNIQUE INDEX customer_order_totals_customer_id_idx ON customer_order_totals (customer_id);
