-- Tags used to live only in posts.tags. They get their own table so that an
-- organization can rename a tag and list its posts; posts.tags stays as a
-- denormalised copy that lists can render without a join.
CREATE TABLE tags (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id bigint      NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  slug            text        NOT NULL,
  name            text        NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, slug)
);

CREATE TABLE post_tags (
  post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  tag_id  bigint NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  PRIMARY KEY (post_id, tag_id)
);

CREATE INDEX post_tags_tag_id_idx ON post_tags (tag_id);

INSERT INTO tags (organization_id, slug, name)
SELECT DISTINCT p.organization_id, t.slug, t.slug
FROM posts p, unnest(p.tags) AS t (slug);

INSERT INTO post_tags (post_id, tag_id)
SELECT DISTINCT p.id, tags.id
FROM posts p
CROSS JOIN unnest(p.tags) AS t (slug)
JOIN tags ON tags.organization_id = p.organization_id AND tags.slug = t.slug;

COMMENT ON COLUMN posts.tags IS 'Tag slugs, a denormalised copy of post_tags.';
