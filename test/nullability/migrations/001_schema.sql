-- The nullability corpus schema: a small HR database. Every nullability source sqlgen has
-- to reason about appears here: NOT NULL and nullable columns, self-referencing foreign keys,
-- an enum, a NOT NULL domain and a nullable domain, arrays, jsonb, views (through outer joins
-- and with only NOT NULL columns, one over another), a materialized view and a partitioned table.

CREATE TYPE employee_status AS ENUM ('active', 'on_leave', 'terminated');

-- A NOT NULL domain makes its columns NOT NULL; a plain domain does not.
CREATE DOMAIN work_email AS text NOT NULL CHECK (VALUE LIKE '%@%');
CREATE DOMAIN phone_number AS text CHECK (VALUE ~ '^[0-9+ ()-]+$');

CREATE TABLE departments (
  id integer PRIMARY KEY,
  name text NOT NULL UNIQUE,
  code varchar(8) UNIQUE,
  parent_id integer REFERENCES departments (id),
  budget numeric(12, 2),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE employees (
  id integer PRIMARY KEY,
  department_id integer REFERENCES departments (id),
  manager_id integer REFERENCES employees (id),
  full_name text NOT NULL,
  nickname text,
  email work_email,
  phone phone_number,
  status employee_status NOT NULL DEFAULT 'active',
  salary numeric(10, 2) NOT NULL,
  bonus numeric(10, 2),
  skills text[] NOT NULL DEFAULT '{}',
  certifications text[],
  profile jsonb NOT NULL DEFAULT '{}',
  settings jsonb,
  hired_on date NOT NULL,
  left_on date,
  -- Permanent contracts never end: 'infinity'.
  contract_ends timestamptz NOT NULL DEFAULT 'infinity'
);

CREATE TABLE projects (
  id integer PRIMARY KEY,
  department_id integer NOT NULL REFERENCES departments (id),
  lead_id integer REFERENCES employees (id),
  title text NOT NULL,
  description text,
  tags text[] NOT NULL DEFAULT '{}',
  budget numeric(12, 2),
  starts_on date NOT NULL,
  ends_on date
);

CREATE TABLE assignments (
  employee_id integer NOT NULL REFERENCES employees (id),
  project_id integer NOT NULL REFERENCES projects (id),
  role text NOT NULL,
  hours integer,
  note text,
  PRIMARY KEY (employee_id, project_id)
);

CREATE TABLE timesheets (
  id bigint GENERATED ALWAYS AS IDENTITY,
  employee_id integer NOT NULL REFERENCES employees (id),
  project_id integer REFERENCES projects (id),
  worked_on date NOT NULL,
  minutes integer NOT NULL CHECK (minutes > 0),
  comment text,
  PRIMARY KEY (id, worked_on)
) PARTITION BY RANGE (worked_on);

CREATE TABLE timesheets_2024 PARTITION OF timesheets FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE timesheets_2025 PARTITION OF timesheets FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

-- Temporal rows: the current one is open-ended, [from, infinity).
CREATE TABLE salary_history (
  employee_id integer NOT NULL REFERENCES employees (id),
  salary numeric(10, 2) NOT NULL,
  valid daterange NOT NULL,
  PRIMARY KEY (employee_id, valid)
);

-- Columns through LEFT JOINs: department, department_code and manager can be NULL.
CREATE VIEW employee_directory AS
SELECT e.id, e.full_name, e.email, d.name AS department, d.code AS department_code, m.full_name AS manager
FROM employees e
LEFT JOIN departments d ON d.id = e.department_id
LEFT JOIN employees m ON m.id = e.manager_id;

-- Only NOT NULL columns, through an inner join.
CREATE VIEW project_overview AS
SELECT p.id, p.title, d.name AS department, p.starts_on, p.tags
FROM projects p
JOIN departments d ON d.id = p.department_id;

-- A view over a view, with outer joins of its own.
CREATE VIEW project_staffing AS
SELECT po.id AS project_id, po.title, po.department, a.role, e.full_name AS employee
FROM project_overview po
LEFT JOIN assignments a ON a.project_id = po.id
LEFT JOIN employees e ON e.id = a.employee_id;

CREATE VIEW active_staff AS
SELECT id, full_name, nickname, department_id
FROM employees
WHERE status = 'active';

CREATE MATERIALIZED VIEW department_headcount AS
SELECT d.id, d.name, count(e.id) AS headcount, max(e.salary) AS top_salary
FROM departments d
LEFT JOIN employees e ON e.department_id = d.id
GROUP BY d.id, d.name
WITH NO DATA;
