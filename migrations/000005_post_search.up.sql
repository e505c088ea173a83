ALTER TABLE posts
  ADD COLUMN search tsvector NOT NULL GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') ||
    setweight(to_tsvector('english', body), 'B')
  ) STORED;

CREATE INDEX posts_search_idx ON posts USING gin (search);

COMMENT ON COLUMN posts.search IS 'Full-text document: the title weighs more than the body.';
