-- INSERT / UPDATE / DELETE ... RETURNING and ON CONFLICT. The test runs each in a
-- transaction that it rolls back.

-- name: AddDepartments :many
-- expect: id name code? parent_id? budget? created_at
INSERT INTO departments (id, name, code, parent_id, budget)
VALUES (10, 'Ops', NULL, 1, NULL), (11, 'Support', 'SUP', NULL, 1000)
RETURNING *;

-- name: HireEmployee :one
-- expect: id label nick? status
INSERT INTO employees (id, full_name, email, salary, hired_on)
VALUES (100, 'New Hire', 'new@corp.example', 50000, current_date)
RETURNING id, upper(full_name) AS label, nickname AS nick, status;

-- name: StaffSalesCrm :many
-- expect: employee_id project_id role hours? note?
INSERT INTO assignments (employee_id, project_id, role)
SELECT e.id, 3, 'support' FROM employees e WHERE e.department_id = 1
RETURNING employee_id, project_id, role, hours, note;

-- name: DoubleEngineeringBonuses :many
-- expect: id nickname? bonus?
UPDATE employees SET bonus = bonus * 2 WHERE department_id = 1 RETURNING id, nickname, bonus;

-- name: LowercaseNicknames :many
-- expect: id nickname
UPDATE employees SET nickname = lower(nickname) WHERE nickname IS NOT NULL RETURNING id, nickname;

-- name: ClearNicknames :many
-- expect: id nickname?
-- RETURNING gives the new value: the WHERE clause narrows the old one only.
UPDATE employees SET nickname = NULL WHERE nickname IS NOT NULL RETURNING id, nickname;

-- name: BumpProjectBudgets :many
-- expect: title department description?
UPDATE projects p SET budget = coalesce(p.budget, 0) + 1
FROM departments d
WHERE d.id = p.department_id
RETURNING p.title, d.name AS department, p.description;

-- name: ZeroBonusesWithDepartment :many
-- expect: id nickname? department?
UPDATE employees e SET bonus = 0
FROM (SELECT x.id, d.name FROM employees x LEFT JOIN departments d ON d.id = x.department_id) s
WHERE s.id = e.id
RETURNING e.id, e.nickname, s.name AS department;

-- name: DeleteNotedAssignments :many
-- expect: employee_id project_id note
DELETE FROM assignments WHERE note IS NOT NULL RETURNING employee_id, project_id, note;

-- name: DeleteOpenProjectAssignments :many
-- expect: employee_id hours? project project_lead?
DELETE FROM assignments a
USING projects p LEFT JOIN employees l ON l.id = p.lead_id
WHERE p.id = a.project_id AND p.ends_on IS NULL
RETURNING a.employee_id, a.hours, p.title AS project, l.full_name AS project_lead;

-- name: UpsertAssignments :many
-- expect: employee_id project_id role hours? note?
INSERT INTO assignments (employee_id, project_id, role, hours)
VALUES (1, 2, 'advisor', NULL), (8, 1, 'owner', 5)
ON CONFLICT (employee_id, project_id) DO UPDATE SET role = excluded.role, hours = excluded.hours
RETURNING *;

-- name: UpsertDepartment :many
-- expect: id name code?
INSERT INTO departments (id, name) VALUES (3, 'Sales'), (12, 'Finance')
ON CONFLICT (id) DO UPDATE SET name = excluded.name
RETURNING id, name, code;

-- name: LogMinutes :many
-- expect: id employee_id project_id? worked_on minutes comment?
INSERT INTO timesheets (employee_id, project_id, worked_on, minutes)
VALUES (1, NULL, '2025-03-03', 60), (2, 1, '2024-03-04', 30)
RETURNING *;

-- name: AddProjectWithLead :many
-- expect: title lead? department
WITH added AS (
  INSERT INTO projects (id, department_id, title, starts_on) VALUES (50, 4, 'Moonshot', '2025-01-01')
  RETURNING id, title, lead_id, department_id
)
SELECT a.title, l.full_name AS lead, d.name AS department
FROM added a
LEFT JOIN employees l ON l.id = a.lead_id
JOIN departments d ON d.id = a.department_id;
