-- Inbound webhooks: the sources (POST /webhooks/{name}), their signing
-- secrets, the deliveries received, and the functions that configure
-- sources, turn a verified delivery into a job exactly once, replay a
-- stored delivery and prune old ones. The HTTP worker verifies the
-- signature (core/webhooks/) and then calls receive_webhook() in the
-- request's transaction; everything about deduplication, backlog and the
-- job itself is decided here, in SQL, where it is tested.

-- One row per source. Not readable by PUBLIC, like routes and tasks: it
-- holds no secret, but it names the task a forged request would run, the
-- role that may read the jobs and the limits an attacker would probe.
-- Administrators may GRANT SELECT to monitoring roles.
CREATE TABLE @extschema@.webhook_sources (
    name            text        PRIMARY KEY
                    CONSTRAINT webhook_sources_name_check CHECK (name ~ '^[A-Za-z0-9_.-]{1,64}$'),
    verifier        text        NOT NULL
                    CONSTRAINT webhook_sources_verifier_check
                    CHECK (verifier IN ('standard_webhooks', 'stripe', 'github', 'slack', 'twilio', 'hmac')),
    options         jsonb       NOT NULL DEFAULT '{}'
                    CONSTRAINT webhook_sources_options_check CHECK (jsonb_typeof(options) = 'object'),
    tolerance       interval    NOT NULL DEFAULT '5 minutes'
                    CONSTRAINT webhook_sources_tolerance_check
                    CHECK (tolerance > interval '0' AND tolerance <= interval '1 day'),
    task_identifier text        NOT NULL
                    CONSTRAINT webhook_sources_task_identifier_check
                    CHECK (task_identifier ~ '^[A-Za-z0-9_.:-]{1,128}$' AND task_identifier NOT IN ('http', 'email')),
    queue_name      text
                    CONSTRAINT webhook_sources_queue_name_check CHECK (length(queue_name) BETWEEN 1 AND 128),
    max_body_bytes  integer     NOT NULL DEFAULT 1048576
                    CONSTRAINT webhook_sources_max_body_bytes_check CHECK (max_body_bytes BETWEEN 1 AND 67108864),
    wait            interval    NOT NULL DEFAULT '10 seconds'
                    CONSTRAINT webhook_sources_wait_check
                    CHECK (wait >= interval '0' AND wait <= interval '14 seconds'),
    respond         text        NOT NULL DEFAULT 'result'
                    CONSTRAINT webhook_sources_respond_check CHECK (respond IN ('result', 'empty', 'accepted')),
    max_backlog     integer
                    CONSTRAINT webhook_sources_max_backlog_check CHECK (max_backlog >= 1),
    job_role        regrole,
    keep_headers    text[]      NOT NULL DEFAULT ARRAY[
                        'content-type', 'user-agent', 'x-request-id', 'x-forwarded-for',
                        'webhook-id', 'webhook-timestamp',
                        'stripe-signature',
                        'x-github-event', 'x-github-delivery', 'x-github-hook-id',
                        'x-github-hook-installation-target-id', 'x-github-hook-installation-target-type',
                        'x-slack-request-timestamp', 'x-slack-retry-num', 'x-slack-retry-reason',
                        'x-twilio-signature', 'i-twilio-idempotency-token']::text[]
                    CONSTRAINT webhook_sources_keep_headers_check
                    CHECK (array_position(keep_headers, NULL) IS NULL),
    enabled         boolean     NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE @extschema@.webhook_sources IS
    'Inbound webhook sources, served at POST /webhooks/{name}; edit with add_webhook_source(), alter_webhook_source() and remove_webhook_source()';
COMMENT ON COLUMN @extschema@.webhook_sources.options IS
    'Verifier options: for hmac header (required), algorithm (sha256|sha512), encoding (hex|base64), prefix, timestamp_header, signed_content, event_id_header; for twilio public_url';
COMMENT ON COLUMN @extschema@.webhook_sources.wait IS
    'How long the HTTP worker waits for the job before answering 202 (providers give up at about 15 s)';
COMMENT ON COLUMN @extschema@.webhook_sources.respond IS
    'result: 200 with the job''s result; empty: 204 once the job succeeded; accepted: 202 at once';
COMMENT ON COLUMN @extschema@.webhook_sources.max_backlog IS
    'Refuse deliveries (503) while this many jobs of the source''s task and queue wait; NULL: no limit';
COMMENT ON COLUMN @extschema@.webhook_sources.job_role IS
    'The role that may read the source''s jobs with GET /jobs/{id}; NULL: superusers only';
COMMENT ON COLUMN @extschema@.webhook_sources.keep_headers IS
    'The request headers (lower case) stored with each delivery; the others are dropped';
REVOKE ALL ON @extschema@.webhook_sources FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.webhook_sources', '');

-- Signing secrets, several per source while rotating (the verifiers try
-- each active one). Superusers only: nothing is granted, and the
-- functions that write it check for a superuser.
CREATE TABLE @extschema@.webhook_secrets (
    source     text        NOT NULL
               REFERENCES @extschema@.webhook_sources (name) ON DELETE CASCADE ON UPDATE CASCADE,
    secret     text        NOT NULL CONSTRAINT webhook_secrets_secret_check CHECK (secret <> ''),
    added_at   timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz,
    PRIMARY KEY (source, secret)
);
COMMENT ON TABLE @extschema@.webhook_secrets IS
    'Webhook signing secrets; a secret is active until expires_at (NULL: no expiry); superusers only';
REVOKE ALL ON @extschema@.webhook_secrets FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.webhook_secrets', '');

-- Every delivery received (verified) or replayed, with what is needed to
-- replay it. Not configuration, so not dumped: pruned with
-- prune_webhook_deliveries(). The unique (source, event_id) is the
-- deduplication of redeliveries; a NULL event id is never a duplicate.
-- source has no foreign key: deliveries outlive a removed source until
-- they are pruned.
CREATE TABLE @extschema@.webhook_deliveries (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source       text        NOT NULL,
    event_id     text        CONSTRAINT webhook_deliveries_event_id_check CHECK (length(event_id) BETWEEN 1 AND 512),
    received_at  timestamptz NOT NULL DEFAULT now(),
    headers      jsonb       NOT NULL,
    body         bytea       NOT NULL,
    content_type text,
    remote_addr  inet,
    verification text        NOT NULL
                 CONSTRAINT webhook_deliveries_verification_check CHECK (verification ~ '^[a-z_]{1,32}$'),
    job_id       bigint,
    replay_of    bigint,
    CONSTRAINT webhook_deliveries_source_event_id_key UNIQUE (source, event_id)
);
COMMENT ON TABLE @extschema@.webhook_deliveries IS
    'Webhook deliveries received or replayed, with their job; pruned with prune_webhook_deliveries()';
COMMENT ON COLUMN @extschema@.webhook_deliveries.verification IS
    'How the delivery was accepted: verified (signature checked) or replayed (replay_webhook())';
REVOKE ALL ON @extschema@.webhook_deliveries FROM PUBLIC;
-- The unique constraint's index leads with source, which serves lookups by
-- source; pruning deletes oldest first.
CREATE INDEX webhook_deliveries_received_at ON @extschema@.webhook_deliveries (received_at);

-- The job's payload from the raw body (core/webhooks/job_payload.cpp, the
-- same function the HTTP worker uses): a JSON body is its parsed value, a
-- form post an object of its fields, other text {"body": text}, bytes
-- {"body_base64": ...}. In C so that a replay gets exactly the payload
-- the original delivery got.
CREATE FUNCTION @extschema@.webhook_payload(body bytea, content_type text)
RETURNS jsonb
LANGUAGE c
IMMUTABLE
STRICT
AS 'MODULE_PATHNAME', 'pg_gateway_webhook_payload';
COMMENT ON FUNCTION @extschema@.webhook_payload(bytea, text) IS
    'The job payload of a webhook body: JSON parsed, a form as an object, other text as {"body"}, bytes as {"body_base64"}';

-- What is wrong with a verifier's options, or NULL: the workers' own
-- reading of them (core/webhooks/source_verifier.cpp), so that SQL accepts
-- exactly what the workers can use.
CREATE FUNCTION @extschema@.webhook_options_error(verifier text, options jsonb)
RETURNS text
LANGUAGE c IMMUTABLE STRICT
AS 'MODULE_PATHNAME', 'pg_gateway_webhook_options_error';
COMMENT ON FUNCTION @extschema@.webhook_options_error(text, jsonb) IS
    'What is wrong with a webhook verifier''s options, or NULL when the workers can use them';

-- add_webhook_source() and alter_webhook_source() check a whole row with
-- this, so that both give the same errors, and errors that say what is
-- wrong rather than which CHECK constraint failed (the constraints stay,
-- for rows written by hand).
CREATE FUNCTION @extschema@.check_webhook_source(s @extschema@.webhook_sources)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
DECLARE
  hdr text;
BEGIN
  IF s.name IS NULL OR s.name !~ '^[A-Za-z0-9_.-]{1,64}$' THEN
    RAISE EXCEPTION 'invalid webhook source name "%"', s.name
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'A source name has 1 to 64 letters, digits, "_", "." or "-": it is the path /webhooks/{name}.';
  END IF;
  IF s.verifier IS NULL
     OR s.verifier NOT IN ('standard_webhooks', 'stripe', 'github', 'slack', 'twilio', 'hmac') THEN
    RAISE EXCEPTION 'unknown webhook verifier "%"', s.verifier
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Use standard_webhooks, stripe, github, slack, twilio or hmac.';
  END IF;
  IF s.task_identifier IN ('http', 'email') THEN
    RAISE EXCEPTION 'a webhook cannot enqueue the built-in task "%"', s.task_identifier
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'Its payload comes from the sender, who would choose what the server sends.',
            HINT = 'Register a SQL task with register_task() and use its identifier.';
  END IF;
  IF s.task_identifier IS NULL OR s.task_identifier !~ '^[A-Za-z0-9_.:-]{1,128}$' THEN
    RAISE EXCEPTION 'invalid task identifier "%"', s.task_identifier
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'A task identifier has 1 to 128 letters, digits, "_", ".", ":" or "-".';
  END IF;
  IF length(s.queue_name) NOT BETWEEN 1 AND 128 THEN
    RAISE EXCEPTION 'invalid queue name "%"', s.queue_name
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'A queue name has 1 to 128 characters; NULL means no named queue.';
  END IF;
  IF s.tolerance IS NULL OR s.tolerance <= interval '0' OR s.tolerance > interval '1 day' THEN
    RAISE EXCEPTION 'webhook tolerance % is out of range', s.tolerance
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'The tolerance for the signed timestamp must be more than 0 and at most 1 day.';
  END IF;
  IF s.max_body_bytes IS NULL OR s.max_body_bytes NOT BETWEEN 1 AND 67108864 THEN
    RAISE EXCEPTION 'max_body_bytes % is out of range', s.max_body_bytes
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'A webhook body may be limited to 1 byte up to 64 MiB (67108864).';
  END IF;
  IF s.wait IS NULL OR s.wait < interval '0' OR s.wait > interval '14 seconds' THEN
    RAISE EXCEPTION 'webhook wait % is out of range', s.wait
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'The wait for the job must be 0 to 14 seconds: providers give up after about 15.';
  END IF;
  IF s.respond IS NULL OR s.respond NOT IN ('result', 'empty', 'accepted') THEN
    RAISE EXCEPTION 'invalid respond "%"', s.respond
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Use ''result'' (200 with the job''s result), ''empty'' (204) or ''accepted'' (202 at once).';
  END IF;
  IF s.max_backlog < 1 THEN
    RAISE EXCEPTION 'max_backlog must be at least 1'
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'NULL means no limit.';
  END IF;
  IF s.keep_headers IS NULL OR array_position(s.keep_headers, NULL) IS NOT NULL THEN
    RAISE EXCEPTION 'keep_headers cannot be or contain NULL'
      USING ERRCODE = 'null_value_not_allowed',
            HINT = 'Pass ''{}'' to keep no header.';
  END IF;
  SELECT h INTO hdr FROM unnest(s.keep_headers) h WHERE h !~ '^[a-z0-9!#$%&''*+.^_`|~-]+$' LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'invalid header name "%" in keep_headers', hdr
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'Header names are HTTP tokens, in lower case.';
  END IF;
  IF s.options IS NULL OR jsonb_typeof(s.options) <> 'object' THEN
    RAISE EXCEPTION 'webhook options must be a JSON object'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;

  -- The options, checked by the code that reads them
  -- (core/webhooks/source_verifier.cpp): an unknown key is an error, so
  -- that a misspelt option is not ignored.
  hdr := @extschema@.webhook_options_error(s.verifier, s.options);
  IF hdr IS NOT NULL THEN
    RAISE EXCEPTION 'invalid options for the % verifier: %', s.verifier, hdr
      USING ERRCODE = 'invalid_parameter_value',
            HINT = CASE s.verifier
                     WHEN 'hmac' THEN 'The hmac verifier takes header (required), algorithm, encoding, prefix, timestamp_header, signed_content and event_id_header.'
                     WHEN 'twilio' THEN 'The twilio verifier takes public_url.'
                     ELSE 'The ' || s.verifier || ' verifier takes no options.' END;
  END IF;
  IF s.options ? 'public_url' AND s.options->>'public_url' !~ '^https?://[^/?#]+(/[^?#]*)?$' THEN
    RAISE EXCEPTION 'invalid public_url "%"', s.options->>'public_url'
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'The URL Twilio was configured with, as http(s)://host/path, without a query.';
  END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.check_webhook_source(@extschema@.webhook_sources) IS
    'Raises an error saying what is wrong with a webhook source''s settings';
REVOKE ALL ON FUNCTION @extschema@.check_webhook_source(@extschema@.webhook_sources) FROM PUBLIC;

-- Secrets are checked where it is cheap: present, and for Standard
-- Webhooks in its own spelling (whsec_ + base64 for a symmetric key,
-- whpk_ for a public key). Errors never quote a secret.
CREATE FUNCTION @extschema@.check_webhook_secrets(verifier text, secrets text[])
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM unnest(secrets) s WHERE s IS NULL OR s = '') THEN
    RAISE EXCEPTION 'a webhook secret cannot be NULL or empty'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF verifier = 'standard_webhooks'
     AND EXISTS (SELECT 1 FROM unnest(secrets) s WHERE s !~ '^(whsec|whpk)_[A-Za-z0-9+/]+={0,2}$') THEN
    RAISE EXCEPTION 'a standard_webhooks secret must start with "whsec_" or "whpk_" followed by base64'
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Pass the secret exactly as the provider shows it, e.g. whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw.';
  END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.check_webhook_secrets(text, text[]) IS
    'Raises an error when a webhook secret is empty or not in its verifier''s format';
REVOKE ALL ON FUNCTION @extschema@.check_webhook_secrets(text, text[]) FROM PUBLIC;

-- Only a superuser configures webhook sources: the secrets decide who may
-- enqueue jobs. Checked inside as well as by the missing grant, so that
-- granting EXECUTE by mistake does not hand out the secrets.
CREATE FUNCTION @extschema@.add_webhook_source(
    name            text,
    verifier        text,
    task_identifier text,
    secrets         text[],
    queue_name      text     DEFAULT NULL,
    tolerance       interval DEFAULT '5 minutes',
    max_body_bytes  integer  DEFAULT 1048576,
    wait            interval DEFAULT '10 seconds',
    respond         text     DEFAULT 'result',
    options         jsonb    DEFAULT '{}',
    max_backlog     integer  DEFAULT NULL,
    job_role        regrole  DEFAULT NULL,
    keep_headers    text[]   DEFAULT NULL)
RETURNS @extschema@.webhook_sources
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
DECLARE
  s @extschema@.webhook_sources;
BEGIN
  IF NOT coalesce((SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = current_user), false) THEN
    RAISE EXCEPTION 'only a superuser may add a webhook source'
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'Its secrets decide who may enqueue jobs; ask a superuser to add it.';
  END IF;
  IF secrets IS NULL OR cardinality(secrets) = 0 THEN
    RAISE EXCEPTION 'a webhook source needs at least one secret'
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Pass the signing secret the provider shows, as secrets => ARRAY[''...''].';
  END IF;
  s.name := name;
  s.verifier := verifier;
  s.options := options;
  s.tolerance := tolerance;
  s.task_identifier := task_identifier;
  s.queue_name := queue_name;
  s.max_body_bytes := max_body_bytes;
  s.wait := wait;
  s.respond := respond;
  s.max_backlog := max_backlog;
  s.job_role := job_role;
  s.keep_headers := (SELECT array_agg(DISTINCT lower(h) ORDER BY lower(h)) FROM unnest(keep_headers) h);
  IF keep_headers IS NULL THEN
    s.keep_headers := '{}';  -- the column's default allow-list, set below
  ELSIF cardinality(keep_headers) = 0 THEN
    s.keep_headers := '{}';
  END IF;
  s.enabled := true;
  s.created_at := now();
  s.updated_at := now();
  PERFORM @extschema@.check_webhook_source(s);
  PERFORM @extschema@.check_webhook_secrets(s.verifier, secrets);
  IF EXISTS (SELECT 1 FROM @extschema@.webhook_sources w WHERE w.name = s.name) THEN
    RAISE EXCEPTION 'webhook source "%" already exists', s.name
      USING ERRCODE = 'unique_violation',
            HINT = 'Change it with alter_webhook_source(), or remove it first with remove_webhook_source().';
  END IF;
  INSERT INTO @extschema@.webhook_sources SELECT s.*;
  IF keep_headers IS NULL THEN
    UPDATE @extschema@.webhook_sources w SET keep_headers = DEFAULT WHERE w.name = s.name
    RETURNING * INTO s;
  END IF;
  INSERT INTO @extschema@.webhook_secrets (source, secret)
  SELECT DISTINCT s.name, x FROM unnest(secrets) x;
  RETURN s;
END
$$;
COMMENT ON FUNCTION @extschema@.add_webhook_source(text, text, text, text[], text, interval, integer, interval, text, jsonb, integer, regrole, text[]) IS
    'Adds a webhook source served at POST /webhooks/{name}, with its signing secrets (superuser only)';
REVOKE ALL ON FUNCTION @extschema@.add_webhook_source(text, text, text, text[], text, interval, integer, interval, text, jsonb, integer, regrole, text[]) FROM PUBLIC;

-- Changes a source; a NULL argument leaves that setting unchanged. To
-- clear one: queue_name => '' (no named queue), max_backlog => 0 (no
-- limit), job_role => '-' (the regrole 0: superusers only). Secret
-- rotation in one call: add_secrets => the new one, expire_secrets_after
-- => the overlap, which sets expires_at on the secrets that existed before
-- the call; remove_secrets removes at once. Expired secrets are deleted
-- here. The source must keep at least one secret that does not expire, so
-- that it cannot silently stop accepting deliveries.
CREATE FUNCTION @extschema@.alter_webhook_source(
    name                 text,
    verifier             text     DEFAULT NULL,
    task_identifier      text     DEFAULT NULL,
    queue_name           text     DEFAULT NULL,
    tolerance            interval DEFAULT NULL,
    max_body_bytes       integer  DEFAULT NULL,
    wait                 interval DEFAULT NULL,
    respond              text     DEFAULT NULL,
    options              jsonb    DEFAULT NULL,
    max_backlog          integer  DEFAULT NULL,
    job_role             regrole  DEFAULT NULL,
    keep_headers         text[]   DEFAULT NULL,
    enabled              boolean  DEFAULT NULL,
    add_secrets          text[]   DEFAULT NULL,
    remove_secrets       text[]   DEFAULT NULL,
    expire_secrets_after interval DEFAULT NULL)
RETURNS @extschema@.webhook_sources
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
DECLARE
  s @extschema@.webhook_sources;
  n bigint;
BEGIN
  IF NOT coalesce((SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = current_user), false) THEN
    RAISE EXCEPTION 'only a superuser may alter a webhook source'
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'Its secrets decide who may enqueue jobs; ask a superuser to change it.';
  END IF;
  SELECT * INTO s FROM @extschema@.webhook_sources w WHERE w.name = alter_webhook_source.name FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'webhook source "%" does not exist', name
      USING ERRCODE = 'undefined_object',
            HINT = 'Add it with add_webhook_source().';
  END IF;
  IF expire_secrets_after < interval '0' THEN
    RAISE EXCEPTION 'expire_secrets_after cannot be negative'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  s.verifier := coalesce(verifier, s.verifier);
  s.task_identifier := coalesce(task_identifier, s.task_identifier);
  s.queue_name := CASE WHEN queue_name = '' THEN NULL ELSE coalesce(queue_name, s.queue_name) END;
  s.tolerance := coalesce(tolerance, s.tolerance);
  s.max_body_bytes := coalesce(max_body_bytes, s.max_body_bytes);
  s.wait := coalesce(wait, s.wait);
  s.respond := coalesce(respond, s.respond);
  s.options := coalesce(options, s.options);
  s.max_backlog := CASE WHEN max_backlog = 0 THEN NULL ELSE coalesce(max_backlog, s.max_backlog) END;
  s.job_role := CASE WHEN job_role = 0::oid THEN NULL ELSE coalesce(job_role, s.job_role) END;
  IF keep_headers IS NOT NULL THEN
    s.keep_headers := coalesce((SELECT array_agg(DISTINCT lower(h) ORDER BY lower(h)) FROM unnest(keep_headers) h),
                               '{}');
  END IF;
  s.enabled := coalesce(enabled, s.enabled);
  s.updated_at := now();
  PERFORM @extschema@.check_webhook_source(s);
  PERFORM @extschema@.check_webhook_secrets(s.verifier, add_secrets);

  IF remove_secrets IS NOT NULL THEN
    IF EXISTS (SELECT 1 FROM unnest(remove_secrets) x
                WHERE NOT EXISTS (SELECT 1 FROM @extschema@.webhook_secrets k
                                   WHERE k.source = s.name AND k.secret = x)) THEN
      RAISE EXCEPTION 'a secret to remove is not one of webhook source "%"''s secrets', s.name
        USING ERRCODE = 'invalid_parameter_value';
    END IF;
    DELETE FROM @extschema@.webhook_secrets k WHERE k.source = s.name AND k.secret = ANY (remove_secrets);
  END IF;
  IF expire_secrets_after IS NOT NULL THEN
    UPDATE @extschema@.webhook_secrets k
       SET expires_at = least(coalesce(k.expires_at, 'infinity'), now() + expire_secrets_after)
     WHERE k.source = s.name;
  END IF;
  IF add_secrets IS NOT NULL THEN
    INSERT INTO @extschema@.webhook_secrets AS k (source, secret)
    SELECT DISTINCT s.name, x FROM unnest(add_secrets) x
    ON CONFLICT ON CONSTRAINT webhook_secrets_pkey DO UPDATE SET expires_at = NULL;
  END IF;
  DELETE FROM @extschema@.webhook_secrets k WHERE k.source = s.name AND k.expires_at <= now();
  IF verifier IS NOT NULL THEN
    -- The secrets kept must suit the new verifier too.
    PERFORM @extschema@.check_webhook_secrets(
      s.verifier, ARRAY(SELECT k.secret FROM @extschema@.webhook_secrets k WHERE k.source = s.name));
  END IF;
  SELECT count(*) INTO n FROM @extschema@.webhook_secrets k WHERE k.source = s.name AND k.expires_at IS NULL;
  IF n = 0 THEN
    RAISE EXCEPTION 'webhook source "%" would have no secret left that does not expire', s.name
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'Its deliveries would be refused once the last secret expired.',
            HINT = 'Add the new secret with add_secrets in the same call, or disable the source with enabled => false.';
  END IF;

  UPDATE @extschema@.webhook_sources w
     SET verifier = s.verifier, options = s.options, tolerance = s.tolerance,
         task_identifier = s.task_identifier, queue_name = s.queue_name,
         max_body_bytes = s.max_body_bytes, wait = s.wait, respond = s.respond,
         max_backlog = s.max_backlog, job_role = s.job_role, keep_headers = s.keep_headers,
         enabled = s.enabled, updated_at = s.updated_at
   WHERE w.name = s.name;
  RETURN s;
END
$$;
COMMENT ON FUNCTION @extschema@.alter_webhook_source(text, text, text, text, interval, integer, interval, text, jsonb, integer, regrole, text[], boolean, text[], text[], interval) IS
    'Changes a webhook source (NULL: unchanged; '''' / 0 / ''-'' clear queue_name / max_backlog / job_role) and rotates its secrets (superuser only)';
REVOKE ALL ON FUNCTION @extschema@.alter_webhook_source(text, text, text, text, interval, integer, interval, text, jsonb, integer, regrole, text[], boolean, text[], text[], interval) FROM PUBLIC;

-- Removes a source and (by the foreign key) its secrets; its deliveries
-- stay until pruned, and its jobs are left alone.
CREATE FUNCTION @extschema@.remove_webhook_source(name text)
RETURNS boolean
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
BEGIN
  IF NOT coalesce((SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = current_user), false) THEN
    RAISE EXCEPTION 'only a superuser may remove a webhook source'
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'Disable it instead, or ask a superuser.';
  END IF;
  DELETE FROM @extschema@.webhook_sources w WHERE w.name = remove_webhook_source.name;
  RETURN FOUND;
END
$$;
COMMENT ON FUNCTION @extschema@.remove_webhook_source(text) IS
    'Removes a webhook source and its secrets (superuser only); its deliveries stay until pruned';
REVOKE ALL ON FUNCTION @extschema@.remove_webhook_source(text) FROM PUBLIC;

-- The HTTP worker calls this, after verifying the signature, in the
-- transaction that answers the request, so the delivery and its job are
-- committed together or not at all. A redelivery (same source and event
-- id) returns the first delivery and its job with duplicate = true and
-- enqueues nothing.
--
-- Two deliveries of one event at once: both may miss each other in the
-- first look, but only one INSERT ... ON CONFLICT DO NOTHING inserts; the
-- other waits on the unique index until the first transaction ends. If it
-- committed, the second inserts nothing and (READ COMMITTED: a new
-- snapshot for the next statement) reads the winner's row, job_id
-- included, since the winner set it in the same transaction; if it rolled
-- back, the second inserts. Under REPEATABLE READ the second fails with a
-- serialization error instead, which the sender's retry answers. Either
-- way exactly one job results. The job is enqueued only after the insert
-- won, so a loser never leaves a job behind.
--
-- max_backlog sheds load before anything is written: while that many jobs
-- of the source's task and queue wait, the delivery is refused with
-- SQLSTATE 53400 (the HTTP worker answers 503 and the provider retries).
-- The count stops at max_backlog rows.
CREATE FUNCTION @extschema@.receive_webhook(
    source       text,
    event_id     text,
    headers      jsonb,
    body         bytea,
    content_type text,
    remote_addr  inet DEFAULT NULL,
    verification text DEFAULT 'verified')
RETURNS TABLE (delivery_id bigint, job_id bigint, duplicate boolean)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog
-- One row: without it the planner expects 1000 and hashes all of
-- gateway.jobs for the caller's join.
ROWS 1
AS $$
DECLARE
  s @extschema@.webhook_sources;
  v_id bigint;
  v_job bigint;
  waiting bigint;
BEGIN
  SELECT * INTO s FROM @extschema@.webhook_sources w WHERE w.name = receive_webhook.source;
  IF NOT FOUND OR NOT s.enabled THEN
    RAISE EXCEPTION 'webhook source "%" does not exist or is disabled', source
      USING ERRCODE = 'undefined_object';
  END IF;
  IF event_id IS NOT NULL THEN
    SELECT d.id, d.job_id INTO v_id, v_job FROM @extschema@.webhook_deliveries d
     WHERE d.source = receive_webhook.source AND d.event_id = receive_webhook.event_id;
    IF FOUND THEN
      RETURN QUERY SELECT v_id, v_job, true;
      RETURN;
    END IF;
  END IF;
  IF s.max_backlog IS NOT NULL THEN
    SELECT count(*) INTO waiting
      FROM (SELECT 1 FROM @extschema@.jobs j
             WHERE j.status = 'queued' AND j.task_identifier = s.task_identifier
               AND j.queue_name IS NOT DISTINCT FROM s.queue_name
             LIMIT s.max_backlog) q;
    IF waiting >= s.max_backlog THEN
      RAISE EXCEPTION 'webhook source "%" has % jobs waiting', source, waiting
        USING ERRCODE = 'configuration_limit_exceeded',
              DETAIL = format('Its max_backlog is %s jobs of task "%s".', s.max_backlog, s.task_identifier),
              HINT = 'Retry later; add job workers or raise max_backlog with alter_webhook_source().';
    END IF;
  END IF;
  -- The job's id is drawn first, so that the delivery row is written once,
  -- with it (an UPDATE afterwards would write the row twice). A
  -- duplicate that loses the race below wastes one sequence number.
  v_job := nextval('@extschema@.jobs_id_seq');
  INSERT INTO @extschema@.webhook_deliveries AS d
         (source, event_id, headers, body, content_type, remote_addr, verification, job_id)
  VALUES (source, event_id, headers, body, content_type, remote_addr, verification, v_job)
  ON CONFLICT ON CONSTRAINT webhook_deliveries_source_event_id_key DO NOTHING
  RETURNING d.id INTO v_id;
  IF v_id IS NULL THEN
    -- A concurrent delivery of the same event committed first.
    SELECT d.id, d.job_id INTO v_id, v_job FROM @extschema@.webhook_deliveries d
     WHERE d.source = receive_webhook.source AND d.event_id = receive_webhook.event_id;
    RETURN QUERY SELECT v_id, v_job, true;
    RETURN;
  END IF;
  -- What add_job() does for a job without a key, due now, inline: a
  -- webhook is enqueued on every delivery, and add_job's general path
  -- (job keys, several specs) was a third of the delivery's SQL.
  PERFORM @extschema@.wake_job_workers(1);
  IF s.queue_name IS NOT NULL THEN
    INSERT INTO @extschema@.job_queues (queue_name) VALUES (s.queue_name) ON CONFLICT DO NOTHING;
  END IF;
  INSERT INTO @extschema@.jobs (id, task_identifier, payload, queue_name)
  OVERRIDING SYSTEM VALUE
  VALUES (v_job, s.task_identifier,
          @extschema@.webhook_payload(body, coalesce(content_type, '')), s.queue_name);
  RETURN QUERY SELECT v_id, v_job, false;
END
$$;
COMMENT ON FUNCTION @extschema@.receive_webhook(text, text, jsonb, bytea, text, inet, text) IS
    'Records a verified webhook delivery and enqueues its job, once per (source, event id)';
REVOKE ALL ON FUNCTION @extschema@.receive_webhook(text, text, jsonb, bytea, text, inet, text) FROM PUBLIC;

-- Runs a stored delivery again (after fixing the task, say): a new job
-- from the same body with the source's current task and queue, recorded
-- as a new delivery that points at the original. An operator's action:
-- neither the source being disabled nor max_backlog stops it.
CREATE FUNCTION @extschema@.replay_webhook(delivery_id bigint)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog
AS $$
DECLARE
  d @extschema@.webhook_deliveries;
  s @extschema@.webhook_sources;
  v_id bigint;
  v_job bigint;
BEGIN
  SELECT * INTO d FROM @extschema@.webhook_deliveries w WHERE w.id = replay_webhook.delivery_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'webhook delivery % does not exist', delivery_id
      USING ERRCODE = 'undefined_object',
            HINT = 'It may have been pruned by prune_webhook_deliveries().';
  END IF;
  SELECT * INTO s FROM @extschema@.webhook_sources w WHERE w.name = d.source;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'webhook source "%" of delivery % does not exist', d.source, delivery_id
      USING ERRCODE = 'undefined_object',
            HINT = 'Add the source again with add_webhook_source() to replay its deliveries.';
  END IF;
  SELECT j.id INTO v_job
    FROM @extschema@.add_job(s.task_identifier,
                             @extschema@.webhook_payload(d.body, coalesce(d.content_type, '')),
                             s.queue_name) j;
  INSERT INTO @extschema@.webhook_deliveries
         (source, event_id, headers, body, content_type, remote_addr, verification, job_id, replay_of)
  VALUES (d.source, NULL, d.headers, d.body, d.content_type, NULL, 'replayed', v_job, d.id);
  RETURN v_job;
END
$$;
COMMENT ON FUNCTION @extschema@.replay_webhook(bigint) IS
    'Enqueues a stored webhook delivery again, as a new delivery and job; returns the job''s id';
REVOKE ALL ON FUNCTION @extschema@.replay_webhook(bigint) FROM PUBLIC;

-- Retention: deliveries hold whole bodies, so they are deleted after a
-- while (a cron job calling this, say). A pruned event id is no longer
-- deduplicated, so keep them longer than providers retry (Stripe: 3 days).
CREATE FUNCTION @extschema@.prune_webhook_deliveries(older_than interval)
RETURNS bigint
LANGUAGE plpgsql
STRICT
SECURITY DEFINER
SET search_path = pg_catalog
AS $$
DECLARE
  n bigint;
BEGIN
  IF older_than < interval '0' THEN
    RAISE EXCEPTION 'older_than cannot be negative'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  DELETE FROM @extschema@.webhook_deliveries d WHERE d.received_at < now() - older_than;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;
COMMENT ON FUNCTION @extschema@.prune_webhook_deliveries(interval) IS
    'Deletes the webhook deliveries received more than older_than ago; returns how many';
REVOKE ALL ON FUNCTION @extschema@.prune_webhook_deliveries(interval) FROM PUBLIC;

-- Per-source counters of the HTTP workers (shared memory, no transaction
-- needed to update them): what was received, verified, deduplicated,
-- refused by cause, answered, and how many senders wait now.
CREATE FUNCTION @extschema@.webhook_worker_stats(
    OUT worker integer,
    OUT source text,
    OUT received bigint,
    OUT verified bigint,
    OUT duplicates bigint,
    OUT refused_signature bigint,
    OUT refused_request bigint,
    OUT refused_too_large bigint,
    OUT refused_content_type bigint,
    OUT refused_backlog bigint,
    OUT refused_other bigint,
    OUT answered_outcome bigint,
    OUT answered_accepted bigint,
    OUT waiting bigint)
RETURNS SETOF record
LANGUAGE c STRICT VOLATILE
AS 'MODULE_PATHNAME', 'pg_gateway_webhook_worker_stats';
COMMENT ON FUNCTION @extschema@.webhook_worker_stats() IS
    'Per HTTP worker and webhook source: deliveries received, verified, deduplicated, refused by cause, answered, waiting';
REVOKE ALL ON FUNCTION @extschema@.webhook_worker_stats() FROM PUBLIC;

CREATE FUNCTION @extschema@.webhook_stats(
    OUT source text,
    OUT received bigint,
    OUT verified bigint,
    OUT duplicates bigint,
    OUT refused_signature bigint,
    OUT refused_request bigint,
    OUT refused_too_large bigint,
    OUT refused_content_type bigint,
    OUT refused_backlog bigint,
    OUT refused_other bigint,
    OUT answered_outcome bigint,
    OUT answered_accepted bigint,
    OUT waiting bigint)
RETURNS SETOF record
LANGUAGE sql VOLATILE
SET search_path = pg_catalog
AS $$
  SELECT source, sum(received)::bigint, sum(verified)::bigint, sum(duplicates)::bigint,
         sum(refused_signature)::bigint, sum(refused_request)::bigint,
         sum(refused_too_large)::bigint, sum(refused_content_type)::bigint,
         sum(refused_backlog)::bigint, sum(refused_other)::bigint,
         sum(answered_outcome)::bigint, sum(answered_accepted)::bigint, sum(waiting)::bigint
    FROM @extschema@.webhook_worker_stats()
   GROUP BY source ORDER BY source
$$;
COMMENT ON FUNCTION @extschema@.webhook_stats() IS
    'Webhook counters per source, summed over the HTTP workers since they started';
REVOKE ALL ON FUNCTION @extschema@.webhook_stats() FROM PUBLIC;
