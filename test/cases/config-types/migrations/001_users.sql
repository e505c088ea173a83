CREATE TABLE users (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  display_name   text           NOT NULL,
  balance        numeric(12, 2) NOT NULL DEFAULT 0,
  birthday       date,
  settings       jsonb          NOT NULL DEFAULT '{}',
  metadata       jsonb,
  legacy_profile json,
  friend_ids     bigint[]       NOT NULL DEFAULT '{}',
  vacation_days  date[],
  created_at     timestamptz    NOT NULL DEFAULT now()
);
