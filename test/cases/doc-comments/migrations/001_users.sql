CREATE TABLE users (
  id           integer PRIMARY KEY,
  email        text        NOT NULL,
  display_name text,
  karma        integer     NOT NULL DEFAULT 0,
  active       boolean     NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE users IS 'People who can sign in.';
COMMENT ON COLUMN users.email IS 'Login address, stored as typed.';
COMMENT ON COLUMN users.display_name IS 'Shown next to posts.
Falls back to the email address when NULL.';
COMMENT ON COLUMN users.karma IS 'Reputation points; never */ negative.';
