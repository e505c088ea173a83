CREATE TABLE departments (
  id   integer PRIMARY KEY,
  name text NOT NULL
);

CREATE TABLE employees (
  id            integer PRIMARY KEY,
  name          text NOT NULL,
  department_id integer REFERENCES departments (id),
  manager_id    integer REFERENCES employees (id)
);

CREATE TABLE projects (
  id            integer PRIMARY KEY,
  title         text NOT NULL,
  department_id integer NOT NULL REFERENCES departments (id)
);

CREATE TABLE assignments (
  employee_id integer NOT NULL REFERENCES employees (id),
  project_id  integer NOT NULL REFERENCES projects (id),
  hours       integer NOT NULL,
  PRIMARY KEY (employee_id, project_id)
);

CREATE INDEX employees_department_id_idx ON employees (department_id);
CREATE INDEX employees_manager_id_idx ON employees (manager_id);
CREATE INDEX projects_department_id_idx ON projects (department_id);
CREATE INDEX assignments_project_id_idx ON assignments (project_id);

CREATE VIEW employee_departments AS
SELECT e.id AS employee_id, e.name AS employee_name, d.name AS department_name
FROM employees e
LEFT JOIN departments d ON d.id = e.department_id;
