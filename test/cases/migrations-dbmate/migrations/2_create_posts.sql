-- migrate:up
CREATE TABLE posts (
  id        integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  author_id integer NOT NULL REFERENCES users (id),
  title     text    NOT NULL
);

-- migrate:down
DROP TABLE posts;
