-- pgTAP: who may read, write and manage the audit trail.
BEGIN;
SELECT plan(24);

CREATE ROLE tap_owner;
CREATE ROLE tap_stranger;
CREATE ROLE tap_reader IN ROLE gateway_auditor;
GRANT CREATE ON SCHEMA public TO tap_owner;

SET ROLE tap_owner;
CREATE TABLE public.tap_audited (id int PRIMARY KEY, v text);
SELECT lives_ok($$SELECT gateway.enable_audit('public.tap_audited')$$,
                'a table''s owner (not a superuser) enables its audit');
SELECT lives_ok($$INSERT INTO public.tap_audited VALUES (1, 'a')$$,
                'the owner''s writes are audited without any right on the log');
SELECT throws_ok($$SELECT count(*) FROM gateway.audit_log$$, '42501', NULL,
                 'the owner cannot read the log');
SELECT throws_ok($$INSERT INTO gateway.audit_log (at, clock_at, txid, table_oid, table_schema, table_name, operation, session_role, acting_role)
                   VALUES (now(), now(), 1, 1, 's', 't', 'INSERT', 'x', 'y')$$,
                 '42501', NULL, 'the owner cannot write the log');
SELECT is((SELECT count(*)::int FROM gateway.audited_tables), 1, 'the owner sees its audited table');
RESET ROLE;

SET ROLE tap_stranger;
SELECT throws_ok($$SELECT gateway.enable_audit('public.tap_audited', '{v}')$$, '42501', NULL,
                 'a stranger cannot change the audit');
SELECT throws_ok($$SELECT gateway.disable_audit('public.tap_audited')$$, '42501', NULL,
                 'a stranger cannot stop the audit');
SELECT is((SELECT count(*)::int FROM gateway.audited_tables), 0, 'a stranger sees no audited table');
SELECT is((SELECT count(*)::int FROM gateway.audit_tables), 0, 'nor its settings row');
SELECT throws_ok($$INSERT INTO gateway.audit_tables (relation) VALUES ('public.tap_audited')$$,
                 '42501', NULL, 'a stranger cannot write audit settings for another''s table');
SELECT throws_ok($$DELETE FROM gateway.audit_log$$, '42501', NULL, 'a stranger cannot delete log rows');
SELECT throws_ok($$SELECT * FROM gateway.audit_history('public.tap_audited', '{"id": 1}')$$,
                 '42501', NULL, 'nor read a row''s history');
SELECT throws_ok($$SELECT * FROM gateway.verify_audit_chain('public.tap_audited')$$,
                 '42501', NULL, 'nor verify the chain');
RESET ROLE;

SET ROLE tap_reader;
SELECT is((SELECT new_record ->> 'v' FROM gateway.audit_history('public.tap_audited', '{"id": 1}')),
          'a', 'an auditor reads a row''s history');
SELECT is((SELECT count(*)::int FROM gateway.audited_tables WHERE table_name = 'tap_audited'), 1,
          'an auditor sees every audited table');
SELECT lives_ok($$SELECT * FROM gateway.verify_audit_chain('public.tap_audited')$$,
                'an auditor verifies the chain');
SELECT throws_ok($$UPDATE gateway.audit_log SET operation = 'DELETE'$$, '42501', NULL,
                 'an auditor cannot change the log');
SELECT throws_ok($$TRUNCATE gateway.audit_log$$, '42501', NULL, 'nor truncate it');
RESET ROLE;

SELECT is((SELECT acting_role FROM gateway.audit_log WHERE table_name = 'tap_audited'), 'tap_owner',
          'the row names the writer, not the log''s owner');
SELECT throws_ok($$SET pg_gateway.audit_hash_chain = off$$ || '; SET ROLE tap_stranger; SET pg_gateway.audit_hash_chain = off',
                 '42501', NULL, 'only superusers turn the hash chain on or off');

-- Row level security on the log, as the user's guide shows: a support role
-- reads its tenant's rows, auditors keep reading all, writes go on.
CREATE ROLE tap_support;
SET pg_gateway.audit_claims = 'tenant';
ALTER TABLE gateway.audit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY tap_auditors ON gateway.audit_log FOR SELECT TO gateway_auditor USING (true);
CREATE POLICY tap_tenant ON gateway.audit_log FOR SELECT TO tap_support
  USING (jwt_claims ->> 'tenant' = current_setting('app.tenant', true));
GRANT SELECT ON gateway.audit_log TO tap_support;
SET ROLE tap_owner;
DO $$ BEGIN PERFORM set_config('request.jwt.claims', '{"sub": "t1", "tenant": "acme"}', true); END $$;
INSERT INTO public.tap_audited VALUES (2, 'acme row');
DO $$ BEGIN PERFORM set_config('request.jwt.claims', '{"sub": "t2", "tenant": "other"}', true); END $$;
SELECT lives_ok($$INSERT INTO public.tap_audited VALUES (3, 'other row')$$,
                'writes go on under row level security');
RESET ROLE;
SET ROLE tap_support;
DO $$ BEGIN PERFORM set_config('app.tenant', 'acme', true); END $$;
SELECT is((SELECT array_agg(jwt_sub) FROM gateway.audit_log), ARRAY['t1'],
          'a support role reads only its tenant''s rows');
RESET ROLE;
SET ROLE tap_reader;
SELECT is((SELECT count(*)::int FROM gateway.audit_log WHERE table_name = 'tap_audited'), 3,
          'auditors read every row through their policy');
RESET ROLE;
SET ROLE tap_stranger;
SELECT throws_ok($$SELECT count(*) FROM gateway.audit_log$$, '42501', NULL,
                 'others still cannot read the log');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
