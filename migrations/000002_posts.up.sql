CREATE TYPE post_status AS ENUM ('draft', 'published', 'archived');

CREATE TABLE posts (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id bigint      NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  author_id       bigint      NOT NULL REFERENCES users (id),
  slug            text        NOT NULL,
  title           text        NOT NULL,
  body            text        NOT NULL DEFAULT '',
  status          post_status NOT NULL DEFAULT 'draft',
  tags            text[]      NOT NULL DEFAULT '{}',
  published_at    timestamptz,
  version         integer     NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, slug),
  CHECK (status = 'draft' OR published_at IS NOT NULL)
);

CREATE INDEX posts_author_id_idx ON posts (author_id);
-- Serves the newest-first keyset pagination of published posts.
CREATE INDEX posts_feed_idx ON posts (organization_id, published_at DESC, id DESC)
  WHERE status = 'published';

COMMENT ON COLUMN posts.slug IS 'URL segment, unique within the organization.';
COMMENT ON COLUMN posts.published_at IS 'When the post went live; NULL while it is a draft.';
COMMENT ON COLUMN posts.version IS 'Incremented by every edit, for optimistic locking.';
