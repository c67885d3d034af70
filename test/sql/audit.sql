-- Audit trails: gateway.enable_audit(), the C++ trigger, what it records,
-- the errors, ALTER/DROP TABLE, the hash chain and the partitions.
SET client_min_messages = warning;
CREATE TABLE people (id int PRIMARY KEY, name text, ssn text, note text);
SELECT gateway.enable_audit('people', '{ssn}');
SELECT gateway.enable_audit('people', '{ssn}');  -- idempotent
SELECT relation, table_schema, table_name, columns_excluded, log_statement, trigger_enabled
  FROM gateway.audited_tables;
SELECT tgname FROM pg_trigger WHERE tgrelid = 'people'::regclass ORDER BY 1;

-- Each operation; an update of excluded columns only, or of nothing, writes no row.
INSERT INTO people VALUES (1, 'ann', '111', 'x'), (2, 'bob', '222', NULL);
UPDATE people SET name = 'anne' WHERE id = 1;
UPDATE people SET ssn = '999' WHERE id = 2;
UPDATE people SET name = name;
DELETE FROM people WHERE id = 2;
-- A rolled-back savepoint takes its audit row with it.
BEGIN;
INSERT INTO people VALUES (3, 'cy', '333', NULL);
SAVEPOINT s;
INSERT INTO people VALUES (4, 'di', '444', NULL);
ROLLBACK TO s;
COMMIT;
BEGIN;
INSERT INTO people VALUES (5, 'ed', '555', NULL);
ROLLBACK;
SELECT operation, record_id, old_record, new_record, changed,
       session_role = session_user AS session_ok, acting_role = current_user AS acting_ok,
       table_schema, table_name, table_oid = 'people'::regclass AS oid_ok,
       txid > 0 AS has_txid, at <= clock_at AS times_ok, statement, hash
  FROM gateway.audit_log ORDER BY id;
SELECT operation, new_record ->> 'name' AS name FROM gateway.audit_history('people', '{"id": 1}');

-- The actor: settings a pg_gateway request (or a PostgREST-style session) sets.
SET pg_gateway.audit_claims = 'email, org';
BEGIN;
SELECT set_config('request.jwt.claims', '{"sub": "user-7", "role": "web_user", "email": "a@example.com", "org": 3, "other": 1}', true),
       set_config('request.id', 'req-42', true),
       set_config('request.method', 'POST', true),
       set_config('request.path', '/graphql', true),
       set_config('request.graphql_operation', 'Rename', true),
       set_config('request.client_addr', '192.0.2.7', true);
UPDATE people SET note = 'by request' WHERE id = 1;
COMMIT;
BEGIN;
SELECT set_config('job.id', '1234', true), set_config('job.task', 'cleanup', true),
       set_config('request.client_addr', 'not an address', true),
       set_config('request.jwt.claims', 'not json', true);
UPDATE people SET note = 'by job' WHERE id = 1;
COMMIT;
SELECT changed, jwt_sub, jwt_role, jwt_claims, request_id, request_method, request_path,
       graphql_operation, client_addr, job_id, job_task
  FROM gateway.audit_log WHERE operation = 'UPDATE' AND changed ? 'note' ORDER BY id;
RESET pg_gateway.audit_claims;

-- log_statement records the top-level statement.
SELECT gateway.enable_audit('people', '{ssn}', log_statement => true);
UPDATE people SET note = 'logged' WHERE id = 1;
SELECT statement FROM gateway.audit_log ORDER BY id DESC LIMIT 1;
SELECT gateway.enable_audit('people', '{ssn}');

-- Bad input: a clear error, and nothing changes.
CREATE VIEW people_view AS SELECT * FROM people;
CREATE TABLE no_key (a int, b text);
SELECT gateway.enable_audit('people_view');
SELECT gateway.enable_audit('no_key');
SELECT gateway.enable_audit('people', '{nope}');
SELECT gateway.enable_audit('people', '{id}');
SELECT gateway.enable_audit('gateway.audit_log');
SELECT gateway.enable_audit('gateway.audit_tables');
CREATE ROLE audit_stranger;
SET ROLE audit_stranger;
SELECT gateway.enable_audit('people');
SELECT gateway.disable_audit('people');
RESET ROLE;
SELECT relation, columns_excluded, log_statement FROM gateway.audit_tables;
DROP VIEW people_view;

-- ALTER TABLE: new columns appear, dropped ones go, renames follow; an
-- excluded column cannot be renamed (it would start being logged), and a
-- dropped excluded column is forgotten.
ALTER TABLE people ADD COLUMN email text;
UPDATE people SET email = 'ann@example.com' WHERE id = 1;
ALTER TABLE people DROP COLUMN note;
ALTER TABLE people RENAME COLUMN name TO full_name;
UPDATE people SET full_name = 'Ann' WHERE id = 1;
SELECT operation, new_record, changed FROM gateway.audit_log ORDER BY id DESC LIMIT 2;
ALTER TABLE people RENAME COLUMN ssn TO national_id;
ALTER TABLE people DROP COLUMN ssn;
SELECT relation, columns_excluded FROM gateway.audit_tables;
INSERT INTO people VALUES (6, 'fay', 'fay@example.com');
SELECT new_record FROM gateway.audit_log ORDER BY id DESC LIMIT 1;

-- TRUNCATE is one statement-level row.
TRUNCATE people;
SELECT operation, record_id, old_record, new_record FROM gateway.audit_log ORDER BY id DESC LIMIT 1;

-- A partitioned table: one enable_audit covers its partitions, and the rows
-- name the audited table.
CREATE TABLE events (id int, day date, what text, PRIMARY KEY (id, day)) PARTITION BY RANGE (day);
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
SELECT gateway.enable_audit('events_2026');
SELECT gateway.enable_audit('events');
INSERT INTO events VALUES (1, '2026-05-01', 'launch');
SELECT table_name, record_id, new_record FROM gateway.audit_log ORDER BY id DESC LIMIT 1;

-- DROP TABLE keeps the history and forgets the setting.
DROP TABLE events;
SELECT count(*) AS events_history FROM gateway.audit_log WHERE table_name = 'events';
SELECT relation FROM gateway.audit_tables ORDER BY 1;

-- The hash chain: every row linked to the one before it; a changed or
-- removed row is found.
CREATE TABLE ledger (id int PRIMARY KEY, amount numeric);
SELECT gateway.enable_audit('ledger');
SET pg_gateway.audit_hash_chain = on;
INSERT INTO ledger SELECT g, g * 10 FROM generate_series(1, 5) g;
UPDATE ledger SET amount = amount + 1 WHERE id = 3;
DELETE FROM ledger WHERE id = 5;
SELECT count(*) AS links, count(DISTINCT hash) AS distinct_links
  FROM gateway.audit_log WHERE table_name = 'ledger' AND hash IS NOT NULL;
SELECT * FROM gateway.verify_audit_chain('ledger');
-- Tampering (as a superuser can): the first broken link is reported.
UPDATE gateway.audit_log SET new_record = '{"id": 2, "amount": 2000}'
 WHERE table_name = 'ledger' AND record_id = '{"id": 2}' AND operation = 'INSERT';
SELECT v.id = (SELECT min(l.id) FROM gateway.audit_log l WHERE l.table_name = 'ledger'
                  AND l.record_id = '{"id": 2}') AS tampered_row_found,
       v.problem ~ '^the link does not follow row [0-9]+ \(a row was changed, added or removed\)$' AS says_why
  FROM gateway.verify_audit_chain('ledger') v;
UPDATE gateway.audit_log SET new_record = '{"id": 2, "amount": 20}'
 WHERE table_name = 'ledger' AND record_id = '{"id": 2}' AND operation = 'INSERT';
SELECT count(*) AS problems FROM gateway.verify_audit_chain('ledger');
DELETE FROM gateway.audit_log WHERE id = (SELECT max(id) FROM gateway.audit_log WHERE table_name = 'ledger');
SELECT problem ~ 'rows were removed' AS tail_removed FROM gateway.verify_audit_chain('ledger');
RESET pg_gateway.audit_hash_chain;

-- Partitions: this month and two ahead, plus the default; retention drops
-- whole old months and never touches the others.
SELECT count(*) AS monthly FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE i.inhparent = 'gateway.audit_log'::regclass AND c.relname ~ '^audit_log_p[0-9]{6}$';
SELECT count(*) AS default_partition FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE i.inhparent = 'gateway.audit_log'::regclass AND c.relname = 'audit_log_default';
CREATE TABLE gateway.audit_log_p202001 PARTITION OF gateway.audit_log
  FOR VALUES FROM ('2020-01-01 00:00+00') TO ('2020-02-01 00:00+00');
SELECT * FROM gateway.maintain_audit_log('13 months');
SELECT * FROM gateway.maintain_audit_log('13 months');
SELECT * FROM gateway.maintain_audit_log('-1 day', -1);
SELECT * FROM gateway.maintain_partitions('people');
-- Each partition has the log's indexes.
SELECT count(*) AS partitions, sum((SELECT count(*) FROM pg_index x WHERE x.indrelid = i.inhrelid)) AS indexes
  FROM pg_inherits i WHERE i.inhparent = 'gateway.audit_log'::regclass;
-- Rows that reached the default partition move into their month when it is created.
INSERT INTO gateway.audit_log (at, clock_at, txid, table_oid, table_schema, table_name,
                               operation, session_role, acting_role)
VALUES (now() + interval '30 months', now(), 1, 0, 'public', 'future', 'TRUNCATE', 'x', 'y');
SELECT tableoid::regclass AS partition FROM gateway.audit_log WHERE table_name = 'future';
SELECT action FROM gateway.maintain_audit_log(NULL, 36)
 WHERE partition = 'audit_log_p' || to_char((now() AT TIME ZONE 'UTC') + interval '30 months', 'YYYYMM');
SELECT tableoid::regclass::text = 'gateway.audit_log_p' || to_char((now() AT TIME ZONE 'UTC') + interval '30 months', 'YYYYMM') AS moved
  FROM gateway.audit_log WHERE table_name = 'future';
ALTER SYSTEM SET pg_gateway.audit_retention = '-2 months';
ALTER SYSTEM SET pg_gateway.audit_retention = 'soon';

-- disable_audit: idempotent, keeps the history.
SELECT gateway.disable_audit('people');
SELECT gateway.disable_audit('people');
INSERT INTO people VALUES (7, 'gus', NULL);
SELECT count(*) AS people_rows FROM gateway.audit_log WHERE table_name = 'people';
SELECT tgname FROM pg_trigger WHERE tgrelid = 'people'::regclass;
SELECT relation FROM gateway.audit_tables ORDER BY 1;

-- Called by hand, the trigger function says how to use it.
CREATE TABLE misuse (id int PRIMARY KEY);
CREATE TRIGGER bad BEFORE INSERT ON misuse FOR EACH ROW EXECUTE FUNCTION gateway.audit_trigger();
INSERT INTO misuse VALUES (1);
DROP TABLE misuse, no_key, ledger CASCADE;
DROP TABLE people;
DROP ROLE audit_stranger;
