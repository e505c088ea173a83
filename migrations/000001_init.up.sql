CREATE TYPE user_role AS ENUM ('owner', 'admin', 'editor', 'member');

CREATE DOMAIN email AS text
  CHECK (VALUE ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$');

CREATE TABLE organizations (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug       text        NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name       text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id bigint      NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  email           email       NOT NULL,
  display_name    text,
  role            user_role   NOT NULL DEFAULT 'member',
  settings        jsonb       NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  deleted_at      timestamptz
);

CREATE INDEX users_organization_id_idx ON users (organization_id);
-- A soft-deleted user frees their address for a new account.
CREATE UNIQUE INDEX users_email_key ON users (lower(email)) WHERE deleted_at IS NULL;

COMMENT ON COLUMN users.display_name IS 'Shown instead of the email address when set.';
COMMENT ON COLUMN users.settings IS 'Per-user preferences: theme, locale, notification flags.';
COMMENT ON COLUMN users.deleted_at IS 'When the user was soft-deleted; NULL while the account is active.';
