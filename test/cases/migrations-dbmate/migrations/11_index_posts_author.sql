-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY posts_author_id_idx ON posts (author_id);

-- migrate:down
DROP INDEX posts_author_id_idx;
