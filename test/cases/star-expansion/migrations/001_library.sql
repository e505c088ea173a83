CREATE TABLE authors (
  author_id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name      text NOT NULL,
  born      integer
);

CREATE TABLE books (
  book_id   integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  author_id integer NOT NULL REFERENCES authors (author_id),
  title     text NOT NULL,
  isbn      text
);

CREATE INDEX books_author_id_idx ON books (author_id);
