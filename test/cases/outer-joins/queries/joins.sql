-- name: LeftJoin :many
SELECT e.id, e.name, d.id AS department_id, d.name AS department_name
FROM employees e
LEFT JOIN departments d ON d.id = e.department_id;

-- name: RightJoin :many
SELECT e.id AS employee_id, e.name AS employee_name, d.id, d.name
FROM employees e
RIGHT JOIN departments d ON d.id = e.department_id;

-- name: FullJoin :many
SELECT e.name AS employee_name, d.name AS department_name
FROM employees e
FULL JOIN departments d ON d.id = e.department_id;

-- name: SelfLeftJoin :many
SELECT e.name, m.name AS manager_name
FROM employees e
LEFT OUTER JOIN employees m ON m.id = e.manager_id;

-- name: LeftJoinNested :many
SELECT d.name AS department_name, p.title, a.hours
FROM departments d
LEFT JOIN (projects p JOIN assignments a ON a.project_id = p.id) ON p.department_id = d.id;

-- name: InnerJoinAfterLeftJoin :many
SELECT e.name, d.name AS department_name, p.title
FROM employees e
LEFT JOIN departments d ON d.id = e.department_id
JOIN projects p ON p.department_id = d.id;

-- name: LeftJoinLateral :many
SELECT d.name, latest.title AS latest_project
FROM departments d
LEFT JOIN LATERAL (
  SELECT p.title FROM projects p WHERE p.department_id = d.id ORDER BY p.id DESC LIMIT 1
) AS latest ON true;

-- name: OuterJoinInSubquery :many
SELECT sub.name, sub.department_name
FROM (
  SELECT e.name, d.name AS department_name
  FROM employees e
  LEFT JOIN departments d ON d.id = e.department_id
) AS sub;

-- name: OuterJoinInCte :many
WITH staffing AS (
  SELECT p.id, p.title, count(a.employee_id) AS people, max(a.hours) AS max_hours
  FROM projects p
  LEFT JOIN assignments a ON a.project_id = p.id
  GROUP BY p.id, p.title
)
SELECT id, title, people, max_hours FROM staffing ORDER BY title;

-- name: OuterJoinInView :many
SELECT employee_id, employee_name, department_name FROM employee_departments;
