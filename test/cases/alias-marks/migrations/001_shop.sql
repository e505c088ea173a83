CREATE TABLE customers (
  id      integer PRIMARY KEY,
  name    text NOT NULL,
  country text
);

CREATE TABLE orders (
  id          integer PRIMARY KEY,
  customer_id integer     NOT NULL REFERENCES customers (id),
  total       numeric     NOT NULL,
  placed_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX orders_customer_id_idx ON orders (customer_id);
