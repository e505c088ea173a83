-- +goose Up
CREATE TABLE accounts (
  id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  owner      text        NOT NULL,
  balance    numeric     NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE transfers (
  id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  from_account integer NOT NULL REFERENCES accounts (id),
  to_account   integer NOT NULL REFERENCES accounts (id),
  amount       numeric NOT NULL CHECK (amount > 0)
);

CREATE INDEX transfers_from_account_idx ON transfers (from_account);
CREATE INDEX transfers_to_account_idx ON transfers (to_account);

-- +goose Down
DROP TABLE transfers;
DROP TABLE accounts;
