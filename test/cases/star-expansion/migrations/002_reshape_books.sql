-- SELECT * must skip the dropped column and put the new one last.
ALTER TABLE books DROP COLUMN isbn;
ALTER TABLE books ADD COLUMN published integer;
