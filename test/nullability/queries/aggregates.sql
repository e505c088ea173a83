-- Aggregates (with and without GROUP BY, FILTER, HAVING, grouping sets) and window functions.

-- name: ResearchPayroll :one
-- expect: headcount with_bonus total_salary? top_salary? names? name_list?
-- Without GROUP BY an aggregate over no rows is NULL (count is 0).
SELECT count(*) AS headcount, count(bonus) AS with_bonus, sum(salary) AS total_salary, max(salary) AS top_salary,
       array_agg(full_name) AS names, string_agg(full_name, ', ') AS name_list
FROM employees
WHERE department_id = 4;

-- name: PayrollByStatus :many
-- expect: status headcount top_salary first_hire names payroll avg_salary name_list
SELECT status, count(*) AS headcount, max(salary) AS top_salary, min(hired_on) AS first_hire,
       array_agg(full_name ORDER BY full_name) AS names, sum(salary) AS payroll, avg(salary) AS avg_salary,
       string_agg(full_name, ', ') AS name_list
FROM employees
GROUP BY status;

-- name: BonusesByDepartment :many
-- expect: department_id? headcount top_bonus? nicknames
SELECT department_id, count(*) AS headcount, max(bonus) AS top_bonus, array_agg(nickname) AS nicknames
FROM employees
GROUP BY department_id;

-- name: FilteredAggregates :many
-- expect: status max_with_bonus? leavers total
SELECT status, max(salary) FILTER (WHERE bonus IS NOT NULL) AS max_with_bonus,
       count(*) FILTER (WHERE left_on IS NOT NULL) AS leavers, count(*) AS total
FROM employees
GROUP BY status;

-- name: DepartmentPayroll :many
-- expect: department headcount payroll? newest_hire? members
SELECT d.name AS department, count(e.id) AS headcount, sum(e.salary) AS payroll, max(e.hired_on) AS newest_hire,
       array_agg(e.full_name) AS members
FROM departments d
LEFT JOIN employees e ON e.department_id = d.id
GROUP BY d.name;

-- name: EmptyGroupingSet :one
-- expect: top_salary? total?
-- GROUP BY () is one group even over no rows.
SELECT max(salary) AS top_salary, sum(salary) AS total
FROM employees
WHERE department_id = 4
GROUP BY ();

-- name: HeadcountRollup :many
-- expect: department_id? status? headcount top_bonus?
SELECT department_id, status, count(*) AS headcount, max(bonus) AS top_bonus
FROM employees
GROUP BY ROLLUP (department_id, status);

-- name: PayrollGroupingSets :many
-- expect: department_id? status? headcount payroll by_department
SELECT department_id, status, count(*) AS headcount, sum(salary) AS payroll, grouping(status) AS by_department
FROM employees
GROUP BY GROUPING SETS ((department_id), (status));

-- name: BusyProjects :many
-- expect: project_id total_hours
SELECT project_id, sum(hours) AS total_hours
FROM assignments
GROUP BY project_id
HAVING sum(hours) > 10;

-- name: ProjectRoles :many
-- expect: project_id roles all_have_hours longest_note?
SELECT project_id, count(DISTINCT role) AS roles, bool_and(hours IS NOT NULL) AS all_have_hours, max(note) AS longest_note
FROM assignments
GROUP BY project_id;

-- name: PeopleJsonByDepartment :many
-- expect: department_id? people
SELECT department_id, jsonb_agg(jsonb_build_object('name', full_name, 'nick', nickname)) AS people
FROM employees
GROUP BY department_id;

-- name: MinutesOfEmployee :one
-- expect: total_minutes average?
-- params: {"employee_id": 5}
SELECT coalesce(sum(minutes), 0) AS total_minutes, avg(minutes) AS average
FROM timesheets
WHERE employee_id = @employee_id;

-- name: EmployeeCount :one
-- expect: total distinct_departments
SELECT count(*) AS total, count(DISTINCT department_id) AS distinct_departments FROM employees;

-- name: WindowRanks :many
-- expect: full_name rn salary_rank dept_rank previous_hire? next_hire? total
SELECT full_name,
       row_number() OVER (ORDER BY hired_on) AS rn,
       rank() OVER (ORDER BY salary DESC) AS salary_rank,
       dense_rank() OVER (PARTITION BY department_id ORDER BY salary) AS dept_rank,
       lag(full_name) OVER (ORDER BY hired_on) AS previous_hire,
       lead(hired_on) OVER (ORDER BY hired_on) AS next_hire,
       count(*) OVER () AS total
FROM employees;

-- name: WindowAggregates :many
-- expect: full_name dept_payroll previous_salary
SELECT full_name,
       sum(salary) OVER (PARTITION BY department_id) AS dept_payroll,
       lag(salary, 1, 0::numeric) OVER (ORDER BY hired_on) AS previous_salary
FROM employees;

-- name: WindowBuckets :many
-- expect: full_name quartile pct second_hire?
SELECT full_name, ntile(4) OVER (ORDER BY salary) AS quartile, percent_rank() OVER (ORDER BY salary) AS pct,
       nth_value(full_name, 2) OVER (PARTITION BY department_id ORDER BY hired_on) AS second_hire
FROM employees;

-- name: LateHires :many
-- expect: department_id? newest_hire newest_nick?
SELECT department_id, max(hired_on) AS newest_hire, max(nickname) AS newest_nick
FROM employees
GROUP BY department_id;

-- name: NicknamesOnly :many
-- expect: department_id? nick_count longest_nick
SELECT department_id, count(*) AS nick_count, max(nickname) AS longest_nick
FROM employees
WHERE nickname IS NOT NULL
GROUP BY department_id;
