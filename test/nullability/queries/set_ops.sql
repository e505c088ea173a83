-- UNION / INTERSECT / EXCEPT and VALUES lists.

-- name: NamesOfEverything :many
-- expect: name kind
SELECT full_name AS name, 'employee' AS kind FROM employees
UNION
SELECT name, 'department' FROM departments;

-- name: LabelsAndCodes :many
-- expect: label code?
SELECT name AS label, code FROM departments
UNION ALL
SELECT title, NULL FROM projects;

-- name: ContactsUnion :many
-- expect: id contact?
SELECT id, email::text AS contact FROM employees
UNION ALL
SELECT id, phone::text FROM employees;

-- name: StaffedProjectDepartments :many
-- expect: department_id
SELECT department_id FROM employees
INTERSECT
SELECT department_id FROM projects;

-- name: DepartmentsWithoutProjects :many
-- expect: department_id?
SELECT department_id FROM employees
EXCEPT
SELECT department_id FROM projects;

-- name: DepartmentsWithoutStaff :many
-- expect: id
SELECT id FROM departments
EXCEPT
SELECT department_id FROM employees;

-- name: ValuesInFrom :many
-- expect: code label?
SELECT v.code, v.label FROM (VALUES ('a', 'Alpha'), ('b', NULL)) AS v(code, label);

-- name: BareValues :many
-- expect: column1 column2?
VALUES (1, 'x'), (2, NULL);

-- name: EmployeesContactKinds :many
-- expect: full_name contact_kind?
SELECT e.full_name, c.kind AS contact_kind
FROM employees e
LEFT JOIN (
  SELECT id, 'phone' AS kind FROM employees WHERE phone IS NOT NULL
  UNION
  SELECT id, 'settings' FROM employees WHERE settings IS NOT NULL
) c ON c.id = e.id;

-- name: ThreeBranches :many
-- expect: word?
SELECT 'x' AS word
UNION ALL
SELECT 'y'
UNION ALL
SELECT NULL;

-- name: PeopleAndLeads :many
-- expect: person project?
SELECT e.full_name AS person, p.title AS project
FROM employees e LEFT JOIN projects p ON p.lead_id = e.id
UNION
SELECT full_name, NULL FROM employees WHERE department_id IS NULL;
