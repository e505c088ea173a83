-- migrate:up
ALTER TABLE tags ADD COLUMN color text NOT NULL DEFAULT 'gray';

-- migrate:down
ALTER TABLE tags DROP COLUMN color;
