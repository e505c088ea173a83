-- The "!" and "?" alias marks override whatever sqlgen infers.

-- name: ProjectDepartmentNames :many
-- expect: title department_name
-- projects.department_id is NOT NULL and a foreign key: the subquery always finds a row.
SELECT p.title, (SELECT d.name FROM departments d WHERE d.id = p.department_id) AS "department_name!"
FROM projects p;

-- name: CompilerSkillPosition :many
-- expect: full_name compilers_at?
SELECT full_name, array_position(skills, 'compilers') AS "compilers_at?" FROM employees;

-- name: DepartmentOfPlacedEmployees :many
-- expect: full_name department
SELECT e.full_name, d.name AS "department!"
FROM employees e
LEFT JOIN departments d ON d.id = e.department_id
WHERE e.department_id IS NOT NULL;

-- name: LatestHireInDepartment :many
-- expect: full_name department_latest_hire
-- The subquery sees the employee's own row, so max() always has a row to work on.
SELECT e.full_name,
       (SELECT max(p.hired_on) FROM employees p WHERE p.department_id = e.department_id) AS "department_latest_hire!"
FROM employees e
WHERE e.department_id IS NOT NULL;

-- name: MaybeLevels :many
-- expect: full_name level?
SELECT full_name, profile ->> 'level' AS "level?" FROM employees;
