-- Expressions: literals, casts, operators, COALESCE / NULLIF / CASE, EXISTS, subqueries,
-- NULL tests, comparisons, functions, jsonb, arrays, parameters.

-- name: Literals :one
-- expect: one greeting flag nothing? today stamp
SELECT 1 AS one, 'hello' AS greeting, true AS flag, NULL::text AS nothing, current_date AS today, now() AS stamp;

-- name: Casts :many
-- expect: id_text bonus_text? salary_int hired
SELECT id::text AS id_text, bonus::text AS bonus_text, salary::int AS salary_int, CAST(hired_on AS timestamp) AS hired
FROM employees;

-- name: PayArithmetic :many
-- expect: total_pay? yearly monthly
SELECT salary + bonus AS total_pay, salary * 12 AS yearly, round(salary / 12, 2) AS monthly
FROM employees;

-- name: StringOperators :many
-- expect: badge nick_badge? name_len initial
SELECT full_name || ' <' || email || '>' AS badge, nickname || '!' AS nick_badge,
       length(full_name) AS name_len, upper(left(full_name, 1)) AS initial
FROM employees;

-- name: Coalesces :many
-- expect: display_name contact? department
SELECT coalesce(e.nickname, e.full_name) AS display_name,
       coalesce(e.phone, e.settings ->> 'phone') AS contact,
       coalesce(d.name, 'Unassigned') AS department
FROM employees e
LEFT JOIN departments d ON d.id = e.department_id;

-- name: NullIfs :many
-- expect: unusual_status? skill_count?
SELECT nullif(status::text, 'active') AS unusual_status, nullif(cardinality(skills), 0) AS skill_count
FROM employees;

-- name: CaseWithElse :many
-- expect: band tenure_state
SELECT CASE WHEN salary >= 200000 THEN 'high' WHEN salary >= 140000 THEN 'mid' ELSE 'low' END AS band,
       CASE status WHEN 'active' THEN 'current' ELSE 'former' END AS tenure_state
FROM employees;

-- name: CaseWithoutElse :many
-- expect: warning?
SELECT CASE WHEN left_on IS NOT NULL THEN 'left on ' || left_on END AS warning FROM employees;

-- name: CaseWithNullableBranch :many
-- expect: shown_name?
SELECT CASE WHEN status = 'active' THEN nickname ELSE full_name END AS shown_name FROM employees;

-- name: ExistsFlags :many
-- expect: full_name leads_something no_timesheets
SELECT e.full_name,
       EXISTS (SELECT 1 FROM projects p WHERE p.lead_id = e.id) AS leads_something,
       NOT EXISTS (SELECT 1 FROM timesheets t WHERE t.employee_id = e.id) AS no_timesheets
FROM employees e;

-- name: ScalarSubqueries :many
-- expect: title lead? assignments booked_hours
SELECT p.title,
       (SELECT e.full_name FROM employees e WHERE e.id = p.lead_id) AS lead,
       (SELECT count(*) FROM assignments a WHERE a.project_id = p.id) AS assignments,
       coalesce((SELECT sum(a.hours) FROM assignments a WHERE a.project_id = p.id), 0) AS booked_hours
FROM projects p;

-- name: TopSalaryPerDepartment :many
-- expect: name top_salary?
SELECT d.name, (SELECT max(salary) FROM employees e WHERE e.department_id = d.id) AS top_salary
FROM departments d;

-- name: ProjectMembers :many
-- expect: title members
SELECT p.title, ARRAY(SELECT a.employee_id FROM assignments a WHERE a.project_id = p.id ORDER BY 1) AS members
FROM projects p;

-- name: NullTests :many
-- expect: full_name no_phone has_bonus nick_differs
SELECT full_name, phone IS NULL AS no_phone, bonus IS NOT NULL AS has_bonus,
       nickname IS DISTINCT FROM full_name AS nick_differs
FROM employees;

-- name: Comparisons :many
-- expect: well_paid big_bonus? early_hire name_starts_a in_core_departments? same_team?
SELECT salary > 150000 AS well_paid, bonus > 1000 AS big_bonus, hired_on < date '2018-01-01' AS early_hire,
       full_name LIKE 'A%' AS name_starts_a, department_id IN (1, 2) AS in_core_departments,
       department_id = 1 AS same_team
FROM employees;

-- name: NeverNullFunctions :many
-- expect: lower_name name_length trimmed hash at joined card
SELECT lower(full_name) AS lower_name, length(full_name) AS name_length, btrim(full_name) AS trimmed,
       md5(full_name) AS hash, now() AS at, concat(full_name, ' ', nickname) AS joined,
       jsonb_build_object('id', id, 'nick', nickname) AS card
FROM employees;

-- name: FunctionsOfNullables :many
-- expect: lower_nick? nick_length? phone_digits? label formatted
SELECT lower(nickname) AS lower_nick, length(nickname) AS nick_length, replace(phone, ' ', '') AS phone_digits,
       concat_ws(' ', full_name, nickname) AS label, format('%s (%s)', full_name, nickname) AS formatted
FROM employees;

-- name: JsonFields :many
-- expect: level? theme? langs? level_text? level_value?
SELECT profile ->> 'level' AS level, settings ->> 'theme' AS theme, profile -> 'langs' AS langs,
       profile #>> '{level}' AS level_text, profile['level'] AS level_value
FROM employees;

-- name: JsonNonNull :many
-- expect: profile_type has_level is_remote profile_text
SELECT jsonb_typeof(profile) AS profile_type, profile ? 'level' AS has_level,
       profile @> '{"remote": true}' AS is_remote, profile::text AS profile_text
FROM employees;

-- name: Arrays :many
-- expect: skills first_skill? skill_count certifications? more_skills skill_list
SELECT skills, skills[1] AS first_skill, cardinality(skills) AS skill_count, certifications,
       array_append(skills, 'sql') AS more_skills, array_to_string(skills, ', ') AS skill_list
FROM employees;

-- name: EnumAndDomains :many
-- expect: status email phone? status_label
SELECT status, email, phone, status::text AS status_label FROM employees;

-- name: Dates :many
-- expect: hired_year tenure left_year? hired_month
SELECT extract(year FROM hired_on) AS hired_year, age(now(), hired_on::timestamptz) AS tenure,
       date_part('year', left_on) AS left_year, date_trunc('month', hired_on) AS hired_month
FROM employees;

-- name: EmployeesEarningAtLeast :many
-- expect: full_name threshold note?
-- params: {"min_salary": 150000, "note": null}
SELECT full_name, @min_salary::numeric AS threshold, sqlgen.narg(note)::text AS note
FROM employees
WHERE salary >= @min_salary;

-- name: GreatestLeast :many
-- expect: last_event bonus_floor bigger_bonus?
SELECT greatest(hired_on, left_on) AS last_event, greatest(bonus, 0) AS bonus_floor,
       greatest(bonus, bonus * 2) AS bigger_bonus
FROM employees;

-- name: BooleanLogic :many
-- expect: active_and_paid remote_or_bonus?
SELECT status = 'active' AND salary > 0 AS active_and_paid,
       (profile ->> 'remote')::boolean OR bonus > 0 AS remote_or_bonus
FROM employees;

-- name: AnyComparisons :many
-- expect: full_name knows_compilers? aws_certified?
SELECT full_name, 'compilers' = ANY (skills) AS knows_compilers,
       'AWS' = ANY (certifications) AS aws_certified
FROM employees;

-- name: KeysetFlags :many
-- expect: full_name before_cursor?
-- Row comparison: NULL when a compared field is NULL and the earlier ones are equal.
SELECT full_name, (department_id, hired_on) < (2, date '2020-01-01') AS before_cursor FROM employees;

-- name: SeniorByJsonPath :many
-- expect: full_name is_senior?
-- A jsonpath predicate is NULL when its comparison is unknown (a number against a string).
SELECT full_name, profile @@ '$.level == "senior"' AS is_senior FROM employees;

-- name: ProjectVersions :many
-- expect: title version?
-- substring(... from pattern) is NULL when the pattern does not match.
SELECT title, substring(title from '[0-9]+') AS version FROM projects;

-- name: SkillPositions :many
-- expect: full_name compilers_at? skill_len? skill_dims?
-- array_position finds nothing, array_length and array_dims of an empty array: NULL.
SELECT full_name, array_position(skills, 'compilers') AS compilers_at, array_length(skills, 1) AS skill_len,
       array_dims(skills) AS skill_dims
FROM employees;

-- name: ContractEnds :many
-- expect: full_name contract_end_label? contract_end_month? contract_end_year
-- to_char and extract(month ...) of 'infinity' are NULL.
SELECT full_name, to_char(contract_ends, 'YYYY-MM-DD') AS contract_end_label,
       extract(month FROM contract_ends) AS contract_end_month, extract(year FROM contract_ends) AS contract_end_year
FROM employees;

-- name: WholeRowsAndRows :many
-- expect: full_name pair id_list
SELECT full_name, ROW(id, nickname) AS pair, ARRAY[id, manager_id] AS id_list FROM employees;

-- name: SessionValues :one
-- expect: db_user today_start stamp_text
SELECT current_user AS db_user, date_trunc('day', now()) AS today_start, to_char(now(), 'YYYY') AS stamp_text;

-- name: SkillRows :many
-- expect: full_name skill?
SELECT full_name, unnest(skills) AS skill FROM employees;

-- name: SalaryPeriods :many
-- lower() and upper() of a range are NULL for an unbounded side (and for an empty range).
-- expect: employee_id salary valid_from valid_until? is_current
SELECT employee_id, salary, lower(valid) AS valid_from, upper(valid) AS valid_until, upper_inf(valid) AS is_current
FROM salary_history;
