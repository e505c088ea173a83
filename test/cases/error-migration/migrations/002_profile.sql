ALTER TABLE users ADD COLUMN bio text;
ALTER TABLE users ADD COLUMN website text;
ALTER TABLE users ADD COLUMN age integr;
ALTER TABLE users ADD COLUMN avatar_url text;
