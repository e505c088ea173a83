CREATE TYPE priority AS ENUM ('low', 'normal', 'high');
CREATE TYPE order_state AS ENUM ('pending', 'paid', 'shipped', 'cancelled');

-- A NOT NULL domain: columns of this type cannot hold NULL even without a column constraint.
CREATE DOMAIN nonempty_text AS text NOT NULL CHECK (VALUE <> '');
CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
CREATE DOMAIN label_list AS text[] CHECK (cardinality(VALUE) <= 10);

CREATE TYPE address AS (
  street      text,
  city        text,
  postal_code text,
  country     char(2)
);
