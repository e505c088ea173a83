CREATE TABLE customers (
  id               integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name             nonempty_text,
  email            text,
  priority         priority    NOT NULL DEFAULT 'normal',
  labels           label_list  NOT NULL DEFAULT '{}',
  phone_numbers    text[],
  monthly_scores   integer[][],
  shipping_address address,
  active           boolean     NOT NULL DEFAULT true,
  created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orders (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id integer      NOT NULL REFERENCES customers (id),
  state       order_state  NOT NULL DEFAULT 'pending',
  quantity    positive_int NOT NULL,
  unit_price  numeric(10, 2) NOT NULL,
  ordered_on  date         NOT NULL DEFAULT current_date
);

CREATE INDEX orders_customer_id_idx ON orders (customer_id);
