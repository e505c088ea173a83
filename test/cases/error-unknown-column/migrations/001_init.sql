CREATE TABLE users (
  id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id integer     NOT NULL,
  email           text        NOT NULL,
  display_name    text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  deleted_at      timestamptz
);

CREATE TABLE posts (
  id        integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  author_id integer NOT NULL REFERENCES users (id),
  title     text    NOT NULL
);

CREATE INDEX posts_author_id_idx ON posts (author_id);
