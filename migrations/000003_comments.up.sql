CREATE TABLE comments (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  post_id    bigint      NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  author_id  bigint      NOT NULL REFERENCES users (id),
  parent_id  bigint      REFERENCES comments (id) ON DELETE CASCADE,
  body       text        NOT NULL CHECK (body <> ''),
  created_at timestamptz NOT NULL DEFAULT now(),
  edited_at  timestamptz
);

CREATE INDEX comments_post_id_created_at_idx ON comments (post_id, created_at);
CREATE INDEX comments_author_id_idx ON comments (author_id);
CREATE INDEX comments_parent_id_idx ON comments (parent_id);

COMMENT ON COLUMN comments.parent_id IS 'The comment replied to; NULL for a top-level comment.';
