CREATE TABLE users (
  id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id integer     NOT NULL,
  email           text        NOT NULL,
  display_name    text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  deleted_at      timestamptz
);
