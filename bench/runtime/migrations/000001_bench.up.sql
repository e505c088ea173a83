-- The runtime and bulk-insert benchmarks' tables.

-- Primary-key lookups and 100-row pages: 10,000 rows, every client reads the same columns.
CREATE TABLE bench_users (
  id bigint PRIMARY KEY,
  email text NOT NULL,
  display_name text,
  score integer NOT NULL,
  active boolean NOT NULL,
  created_at timestamptz NOT NULL
);

-- Bulk insert: int, text, timestamptz, numeric and nullable columns.
CREATE TABLE bench_rows (
  n integer NOT NULL,
  label text NOT NULL,
  happened_at timestamptz NOT NULL,
  amount numeric(12, 2) NOT NULL,
  note text,
  score integer
);
