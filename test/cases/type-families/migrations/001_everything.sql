CREATE EXTENSION IF NOT EXISTS citext;
CREATE EXTENSION IF NOT EXISTS hstore;

CREATE TYPE mood AS ENUM ('happy', 'sad', 'it''s "complicated"');
CREATE DOMAIN positive_int AS integer NOT NULL CHECK (VALUE > 0);
CREATE DOMAIN short_text AS text CHECK (length(VALUE) < 100);
CREATE TYPE address AS (street text, zip integer, lines text[]);

CREATE TABLE everything (
  id positive_int PRIMARY KEY,
  i2 smallint,
  i4 integer,
  i8 bigint,
  f4 real,
  f8 double precision,
  num numeric(20, 6),
  cash money,
  flag boolean,
  txt text,
  vc varchar(20),
  ch char(3),
  ci citext,
  uid uuid,
  ip inet,
  net cidr,
  mac macaddr,
  tsv tsvector,
  bits bit(4),
  tstz timestamptz,
  ts timestamp,
  d date,
  t time,
  ttz timetz,
  iv interval,
  bin bytea,
  js json,
  jsb jsonb,
  m mood,
  moods mood[],
  st short_text,
  sts short_text[],
  addr address,
  addrs address[],
  i4r int4range,
  tstzr tstzrange,
  dr daterange,
  hs hstore,
  cis citext[],
  i4s integer[],
  i8s bigint[],
  nums numeric[],
  txts text[],
  tstzs timestamptz[],
  ds date[],
  bools boolean[],
  jsbs jsonb[],
  uids uuid[],
  grid integer[][]
);
