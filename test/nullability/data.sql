-- Rows under which every column the corpus expects nullable returns NULL at least once.
INSERT INTO departments (id, name, code, parent_id, budget, created_at) VALUES
  (1, 'Engineering', 'ENG', NULL, 1000000, '2015-01-01T00:00:00Z'),
  (2, 'Platform', 'PLT', 1, NULL, '2016-01-01T00:00:00Z'),
  (3, 'Sales', NULL, NULL, 500000, '2017-01-01T00:00:00Z'),
  (4, 'Research', 'RES', 1, 250000, '2018-01-01T00:00:00Z'),
  (5, 'Legal', 'LEG', NULL, NULL, '2019-01-01T00:00:00Z');

INSERT INTO employees (id, department_id, manager_id, full_name, nickname, email, phone, status, salary, bonus,
                       skills, certifications, profile, settings, hired_on, left_on, contract_ends) VALUES
  (1, 1, NULL, 'Ada Lovelace', 'Ada', 'ada@corp.example', '+44 20 7946 0001', 'active', 250000, 5000,
   '{math,engines}', '{PMP}', '{"level": "principal", "langs": ["en", "fr"], "remote": true}',
   '{"theme": "dark", "phone": "+44 1"}', '2015-01-05', NULL, 'infinity'),
  (2, 1, 1, 'Grace Hopper', NULL, 'grace@corp.example', NULL, 'active', 200000, NULL,
   '{cobol,compilers}', NULL, '{"level": "senior", "langs": ["en"]}', NULL, '2016-03-01', NULL, 'infinity'),
  (3, 2, 2, 'Linus Torvalds', 'linus', 'linus@corp.example', '+358 9 0000', 'on_leave', 150000, NULL,
   '{}', '{AWS,NULL}', '{"level": 3, "langs": []}', '{"theme": "light"}', '2018-07-01', NULL, '2026-12-31T00:00:00Z'),
  (4, NULL, 1, 'Margaret Hamilton', 'Maggie', 'margaret@corp.example', NULL, 'terminated', 180000, 2000,
   '{apollo}', '{}', '{}', NULL, '2017-02-01', '2023-06-30', '2023-06-30T00:00:00Z'),
  (5, 3, NULL, 'Alan Turing', NULL, 'alan@corp.example', '+44 161 000', 'active', 120000, NULL,
   '{crypto,math}', NULL, '{"level": "senior", "remote": false}', NULL, '2019-09-01', NULL, 'infinity'),
  (6, 2, 3, 'Barbara Liskov', 'Barb', 'barbara@corp.example', NULL, 'active', 160000, 1000,
   '{types,compilers}', '{CKA}', '{"langs": ["en", null]}', NULL, '2020-01-15', NULL, 'infinity'),
  (7, NULL, NULL, 'Ken Thompson', 'ken', 'ken@corp.example', NULL, 'active', 140000, NULL,
   '{unix,NULL}', NULL, '{}', NULL, '2021-05-01', NULL, 'infinity'),
  (8, 5, 1, 'Frances Allen', NULL, 'frances@corp.example', NULL, 'active', 130000, 500,
   '{compilers}', NULL, '{}', NULL, '2022-01-10', NULL, 'infinity');

INSERT INTO projects (id, department_id, lead_id, title, description, tags, budget, starts_on, ends_on) VALUES
  (1, 1, 2, 'Compiler 2', 'Next compiler', '{lang,tools}', 100000, '2024-01-01', NULL),
  (2, 1, 1, 'Analytical Engine', NULL, '{}', NULL, '2023-05-01', '2024-12-31'),
  (3, 3, NULL, 'Sales CRM', 'CRM rollout', '{crm}', 50000, '2024-03-01', NULL),
  (4, 2, 3, 'Kernel', NULL, '{os}', NULL, '2024-06-01', NULL),
  (5, 4, 1, 'Quantum', 'Research', '{}', NULL, '2025-01-01', NULL);

INSERT INTO assignments (employee_id, project_id, role, hours, note) VALUES
  (1, 2, 'lead', 100, 'founder'),
  (2, 1, 'lead', NULL, NULL),
  (2, 2, 'reviewer', 10, 'part time'),
  (3, 4, 'dev', 40, NULL),
  (6, 4, 'dev', 20, NULL),
  (5, 3, 'analyst', NULL, 'kickoff');

INSERT INTO timesheets (employee_id, project_id, worked_on, minutes, comment) VALUES
  (1, 2, '2024-02-01', 120, 'design'),
  (2, 1, '2024-03-05', 60, NULL),
  (3, 4, '2024-07-01', 240, NULL),
  (6, NULL, '2025-01-10', 30, 'training'),
  (2, 1, '2025-02-01', 90, 'review'),
  (8, NULL, '2025-02-02', 45, NULL);

INSERT INTO salary_history (employee_id, salary, valid) VALUES
  (1, 200000, '[2015-01-05,2020-01-01)'),
  (1, 250000, '[2020-01-01,)'),
  (2, 200000, '[2016-03-01,)');

REFRESH MATERIALIZED VIEW department_headcount;
