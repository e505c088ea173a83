-- Outer joins, chains of them mixed with inner joins, parenthesized joins, USING, LATERAL.
-- Each query's "expect:" line lists every output column in order; "?" marks the ones that
-- can be NULL (and do, under data.sql).

-- name: EmployeesWithDepartment :many
-- expect: id full_name nickname? department? department_code?
SELECT e.id, e.full_name, e.nickname, d.name AS department, d.code AS department_code
FROM employees e
LEFT JOIN departments d ON d.id = e.department_id
ORDER BY e.id;

-- name: EmployeeDepartmentRows :many
-- expect: full_name id? name? code? parent_id? budget? created_at?
SELECT e.full_name, d.*
FROM employees e
LEFT JOIN departments d ON d.id = e.department_id;

-- name: DepartmentsAndTheirEmployees :many
-- expect: employee? department
SELECT e.full_name AS employee, d.name AS department
FROM employees e
RIGHT JOIN departments d ON d.id = e.department_id;

-- name: EmployeesFullJoinDepartments :many
-- expect: employee? department?
SELECT e.full_name AS employee, d.name AS department
FROM employees e
FULL JOIN departments d ON d.id = e.department_id;

-- name: ProjectLeadDepartments :many
-- expect: project lead lead_department
-- The inner join after the left join drops the rows where no lead was found.
SELECT p.title AS project, l.full_name AS lead, d.name AS lead_department
FROM projects p
LEFT JOIN employees l ON l.id = p.lead_id
JOIN departments d ON d.id = l.department_id;

-- name: ProjectsWithDepartmentAndLead :many
-- expect: title department lead?
SELECT p.title, d.name AS department, l.full_name AS lead
FROM projects p
JOIN departments d ON d.id = p.department_id
LEFT JOIN employees l ON l.id = p.lead_id;

-- name: EmployeesWithManagerDepartment :many
-- expect: employee manager? managers_department?
SELECT e.full_name AS employee, m.full_name AS manager, md.name AS managers_department
FROM employees e
LEFT JOIN employees m ON m.id = e.manager_id
LEFT JOIN departments md ON md.id = m.department_id;

-- name: EmployeesAndManagers :many
-- expect: employee manager manager_nickname?
SELECT e.full_name AS employee, m.full_name AS manager, m.nickname AS manager_nickname
FROM employees e
JOIN employees m ON m.id = e.manager_id;

-- name: EmployeesAndLedProjects :many
-- expect: employee project? project_department?
SELECT e.full_name AS employee, p.title AS project, d.name AS project_department
FROM employees e
LEFT JOIN (projects p JOIN departments d ON d.id = p.department_id) ON p.lead_id = e.id;

-- name: DepartmentProjectsWithLead :many
-- expect: department project lead?
SELECT d.name AS department, p.title AS project, l.full_name AS lead
FROM departments d
JOIN (projects p LEFT JOIN employees l ON l.id = p.lead_id) ON p.department_id = d.id;

-- name: EmployeeAssignmentsRightJoined :many
-- expect: role? project? employee
SELECT a.role, p.title AS project, e.full_name AS employee
FROM assignments a
JOIN projects p ON p.id = a.project_id
RIGHT JOIN employees e ON e.id = a.employee_id;

-- name: DepartmentStaffAndProjectCounts :many
-- expect: department_id headcount? projects?
-- The USING column of a FULL JOIN is COALESCE(left, right): non-null when both sides are.
SELECT department_id, s.headcount, p.projects
FROM (SELECT department_id, count(*) AS headcount FROM employees WHERE department_id IS NOT NULL GROUP BY department_id) s
FULL JOIN (SELECT department_id, count(*) AS projects FROM projects GROUP BY department_id) p USING (department_id)
ORDER BY department_id;

-- name: AssignmentsWithTimesheets :many
-- expect: employee_id project_id role minutes? worked_on?
SELECT employee_id, project_id, a.role, t.minutes, t.worked_on
FROM assignments a
LEFT JOIN timesheets t USING (employee_id, project_id);

-- name: TimesheetsWithAssignments :many
-- expect: employee_id project_id? role? minutes
SELECT employee_id, project_id, a.role, t.minutes
FROM assignments a
RIGHT JOIN timesheets t USING (employee_id, project_id);

-- name: EmployeesLatestProject :many
-- expect: employee latest_project? latest_start?
SELECT e.full_name AS employee, lp.title AS latest_project, lp.starts_on AS latest_start
FROM employees e
LEFT JOIN LATERAL (
  SELECT p.title, p.starts_on
  FROM assignments a
  JOIN projects p ON p.id = a.project_id
  WHERE a.employee_id = e.id
  ORDER BY p.starts_on DESC
  LIMIT 1
) lp ON true;

-- name: EmployeeAssignmentTotals :many
-- expect: employee assignment_count total_hours?
SELECT e.full_name AS employee, s.assignment_count, s.total_hours
FROM employees e
CROSS JOIN LATERAL (
  SELECT count(*) AS assignment_count, sum(a.hours) AS total_hours
  FROM assignments a
  WHERE a.employee_id = e.id
) s;

-- name: EmployeeCertifications :many
-- expect: full_name certification? n
SELECT e.full_name, c.certification, c.n
FROM employees e
CROSS JOIN LATERAL unnest(e.certifications) WITH ORDINALITY AS c(certification, n);

-- name: EmployeeLanguages :many
-- expect: full_name lang?
SELECT e.full_name, l.lang
FROM employees e
LEFT JOIN LATERAL jsonb_array_elements_text(e.profile -> 'langs') AS l(lang) ON true;

-- name: MinutesPerMonth2024 :many
-- expect: month minutes?
SELECT g.month, t.minutes
FROM generate_series(timestamptz '2024-01-01', timestamptz '2024-12-01', interval '1 month') AS g(month)
LEFT JOIN (
  SELECT date_trunc('month', worked_on)::timestamptz AS month, sum(minutes) AS minutes
  FROM timesheets
  GROUP BY 1
) t USING (month)
ORDER BY g.month;

-- name: EmployeesWithDepartmentCode :many
-- expect: full_name department_code
SELECT e.full_name, d.code AS department_code
FROM employees e
LEFT JOIN departments d ON d.id = e.department_id
WHERE d.code IS NOT NULL;

-- name: ReportsOfManager :many
-- expect: full_name manager_name
-- params: {"manager": "Ada Lovelace"}
SELECT e.full_name, m.full_name AS manager_name
FROM employees e
LEFT JOIN employees m ON m.id = e.manager_id
WHERE m.full_name = @manager;

-- name: UnassignedEmployees :many
-- expect: id full_name
SELECT e.id, e.full_name
FROM employees e
LEFT JOIN assignments a ON a.employee_id = e.id
WHERE a.employee_id IS NULL;

-- name: EmployeesInSomeDepartment :many
-- expect: full_name department
SELECT e.full_name, d.name AS department
FROM employees e
LEFT JOIN departments d ON d.id = e.department_id
WHERE d.id IS NOT NULL;

-- name: DepartmentProjectsCommaJoin :many
-- expect: department project lead?
SELECT d.name AS department, p.title AS project, l.full_name AS lead
FROM departments d, projects p
LEFT JOIN employees l ON l.id = p.lead_id
WHERE p.department_id = d.id;

-- name: ProjectHoursBooked :many
-- expect: title hours_booked?
SELECT p.title, h.hours_booked
FROM projects p
LEFT JOIN (SELECT project_id, sum(hours) AS hours_booked FROM assignments GROUP BY project_id) h ON h.project_id = p.id;

-- name: DepartmentParents :many
-- expect: department parent?
SELECT d.name AS department, pd.name AS parent
FROM departments d
LEFT JOIN departments pd ON pd.id = d.parent_id;

-- name: EmployeeProjectsAliasedJoin :many
-- expect: employee project? role?
SELECT e.full_name AS employee, ap.title AS project, ap.role
FROM employees e
LEFT JOIN (assignments a JOIN projects p ON p.id = a.project_id) AS ap ON ap.employee_id = e.id;

-- name: SearchEmployeesFullJoin :many
-- expect: employee department?
-- params: {"pattern": "%a%"}
SELECT e.full_name AS employee, d.name AS department
FROM employees e
FULL JOIN departments d ON d.id = e.department_id
WHERE e.full_name ILIKE @pattern;

-- name: StatusLabels :many
-- expect: status label? headcount
SELECT v.status, l.label, (SELECT count(*) FROM employees e WHERE e.status = v.status) AS headcount
FROM (VALUES ('active'::employee_status), ('on_leave'), ('terminated')) AS v(status)
LEFT JOIN (VALUES ('active'::employee_status, 'Active'), ('on_leave', 'On leave')) AS l(status, label) ON l.status = v.status;

-- name: AllDepartments :many
-- expect: id name code? parent_id? budget? created_at
SELECT * FROM departments ORDER BY id;

-- name: ReportsOfManagers :many
-- expect: full_name manager_id
-- params: {"ids": [1, 2]}
SELECT e.full_name, e.manager_id FROM employees e WHERE e.manager_id = ANY (@ids::int[]);

-- name: EmployeesInListedDepartments :many
-- expect: full_name department_id
SELECT e.full_name, e.department_id FROM employees e WHERE e.department_id IN (SELECT id FROM departments WHERE budget IS NOT NULL);

-- name: RecentLeavers :many
-- expect: full_name left_on
SELECT full_name, left_on FROM employees WHERE left_on BETWEEN date '2020-01-01' AND date '2025-01-01';

-- name: BonusedPay :many
-- expect: full_name total_pay bonus
SELECT full_name, salary + bonus AS total_pay, bonus FROM employees WHERE bonus > 0;

-- name: NicknamesLike :many
-- expect: full_name nickname
-- params: {"prefix": "B%"}
SELECT full_name, nickname FROM employees WHERE nickname LIKE @prefix;

-- name: ThemedEmployees :many
-- expect: full_name theme
SELECT full_name, settings ->> 'theme' AS theme FROM employees WHERE settings ->> 'theme' IS NOT NULL;

-- name: LeftJoinNarrowedInOn :many
-- expect: full_name department? department_budget?
SELECT e.full_name, d.name AS department, d.budget AS department_budget
FROM employees e
LEFT JOIN departments d ON d.id = e.department_id AND d.budget IS NOT NULL;
