-- Audit trails: gateway.enable_audit() puts a row-change trigger (C++,
-- extension/audit/) on a table; each change becomes a row of
-- gateway.audit_log (partitioned by month) that names who made it.

-- Who may read the audit log and the request log besides superusers.
-- Roles belong to the cluster, not to a database: the role stays when the
-- extension is dropped, and a second database's CREATE EXTENSION finds it.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'pg_gateway_auditor') THEN
    CREATE ROLE pg_gateway_auditor NOLOGIN;
  END IF;
END
$$;
