DROP TABLE users;
DROP TABLE organizations;
DROP DOMAIN email;
DROP TYPE user_role;
