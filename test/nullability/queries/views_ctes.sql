-- Views (analysed through their definitions), CTEs (recursive and data-modifying) and
-- subqueries in FROM.

-- name: Directory :many
-- expect: id full_name email department? department_code? manager?
SELECT * FROM employee_directory ORDER BY id;

-- name: ProjectOverview :many
-- expect: id title department starts_on tags
SELECT id, title, department, starts_on, tags FROM project_overview;

-- name: ProjectStaffing :many
-- expect: project_id title department role? employee?
SELECT * FROM project_staffing;

-- name: ActiveStaff :many
-- expect: id full_name nickname? department_id?
SELECT id, full_name, nickname, department_id FROM active_staff;

-- name: DepartmentsWithDirectory :many
-- expect: name full_name? manager?
SELECT d.name, ed.full_name, ed.manager
FROM departments d
LEFT JOIN employee_directory ed ON ed.department = d.name;

-- name: DirectoryWithDepartment :many
-- expect: full_name department
SELECT full_name, department FROM employee_directory WHERE department IS NOT NULL;

-- name: DepartmentHeadcount :many
-- expect: id name headcount top_salary?
SELECT id, name, headcount, top_salary FROM department_headcount;

-- name: StaffFromCte :many
-- expect: id full_name department?
WITH staff AS (
  SELECT e.id, e.full_name, d.name AS department
  FROM employees e
  LEFT JOIN departments d ON d.id = e.department_id
)
SELECT id, full_name, department FROM staff;

-- name: EmployeesWhoLead :many
-- expect: full_name lead_id?
WITH leads AS (SELECT DISTINCT lead_id FROM projects WHERE lead_id IS NOT NULL)
SELECT e.full_name, l.lead_id
FROM employees e
LEFT JOIN leads l ON l.lead_id = e.id;

-- name: MinutesPerEmployee :many
-- expect: full_name minutes?
WITH totals AS (SELECT employee_id, sum(minutes) AS minutes FROM timesheets GROUP BY employee_id)
SELECT e.full_name, t.minutes
FROM employees e
LEFT JOIN totals t ON t.employee_id = e.id;

-- name: OrgChart :many
-- expect: id full_name manager_id? depth
WITH RECURSIVE chain AS (
  SELECT id, full_name, manager_id, 0 AS depth FROM employees WHERE manager_id IS NULL
  UNION ALL
  SELECT e.id, e.full_name, e.manager_id, c.depth + 1
  FROM employees e
  JOIN chain c ON e.manager_id = c.id
)
SELECT id, full_name, manager_id, depth FROM chain ORDER BY depth, id;

-- name: ReportingLines :many
-- expect: id label? boss_label?
-- Each employee's label (the nickname below the top) and the label of their boss.
WITH RECURSIVE lines AS (
  SELECT id, full_name AS label, 'board'::text AS boss_label FROM employees WHERE manager_id IS NULL
  UNION ALL
  SELECT e.id, e.nickname, l.label
  FROM employees e
  JOIN lines l ON e.manager_id = l.id
)
SELECT id, label, boss_label FROM lines;

-- name: ReportingLinesNamedColumns :many
-- expect: id label? boss_label?
WITH RECURSIVE lines (id, label, boss_label) AS (
  SELECT id, full_name, 'board'::text FROM employees WHERE manager_id IS NULL
  UNION ALL
  SELECT e.id, e.nickname, l.label
  FROM employees e
  JOIN lines l ON e.manager_id = l.id
)
SELECT id, label, boss_label FROM lines;

-- name: DepartmentTreeProjects :many
-- expect: path parent_id? title?
WITH RECURSIVE tree AS (
  SELECT id, name, parent_id, name AS path FROM departments WHERE parent_id IS NULL
  UNION ALL
  SELECT d.id, d.name, d.parent_id, t.path || ' / ' || d.name
  FROM departments d
  JOIN tree t ON d.parent_id = t.id
)
SELECT t.path, t.parent_id, p.title
FROM tree t
LEFT JOIN projects p ON p.department_id = t.id;

-- name: RaiseActiveSalaries :many
-- expect: full_name salary bonus?
WITH raised AS (
  UPDATE employees SET salary = salary * 1.05 WHERE status = 'active'
  RETURNING id, full_name, salary, bonus
)
SELECT full_name, salary, bonus FROM raised;

-- name: EmployeeDepartmentCodes :many
-- expect: full_name code?
WITH dept AS (SELECT id, name, code FROM departments)
SELECT e.full_name, (SELECT dept.code FROM dept WHERE dept.id = e.department_id) AS code
FROM employees e;

-- name: StaffOutsideSales :many
-- expect: full_name department
SELECT s.full_name, s.department
FROM (
  SELECT e.full_name, d.name AS department
  FROM employees e
  LEFT JOIN departments d ON d.id = e.department_id
) s
WHERE s.department <> 'Sales';

-- name: ProjectLeadsSubquery :many
-- expect: title lead?
SELECT s.title, s.lead
FROM (
  SELECT p.title, l.full_name AS lead
  FROM projects p
  LEFT JOIN employees l ON l.id = p.lead_id
) s
ORDER BY s.title;

-- name: LeadsFromCteLeftJoin :many
-- expect: title lead_name? lead_projects?
WITH lead_load AS (
  SELECT lead_id, count(*) AS lead_projects FROM projects WHERE lead_id IS NOT NULL GROUP BY lead_id
)
SELECT p.title, l.full_name AS lead_name, ll.lead_projects
FROM projects p
LEFT JOIN (employees l JOIN lead_load ll ON ll.lead_id = l.id) ON l.id = p.lead_id;

-- name: TimesheetsWithPartition :many
-- expect: partition employee_id project_id? worked_on minutes comment?
SELECT tableoid::regclass::text AS partition, employee_id, project_id, worked_on, minutes, comment
FROM timesheets
ORDER BY id;

-- name: Timesheets2024 :many
-- expect: worked_on minutes comment?
SELECT worked_on, minutes, comment FROM timesheets_2024;

-- name: ProjectsPerLeadCte :many
-- expect: lead? title
WITH lead_projects AS (
  SELECT l.full_name AS lead, p.title
  FROM employees l
  RIGHT JOIN projects p ON p.lead_id = l.id
)
SELECT lead, title FROM lead_projects ORDER BY title;

-- name: AssignmentCountsLateral :many
-- expect: full_name assignment_count
-- An aggregate without GROUP BY always yields one row, so the LEFT JOIN always matches.
SELECT e.full_name, s.assignment_count
FROM employees e
LEFT JOIN LATERAL (SELECT count(*) AS assignment_count FROM assignments a WHERE a.employee_id = e.id) s ON true;

-- name: LanguageValues :many
-- expect: full_name lang_value
SELECT e.full_name, l.value AS lang_value
FROM employees e
CROSS JOIN LATERAL jsonb_array_elements(e.profile -> 'langs') AS l;
