-- Inbound webhooks' SQL surface: sources (superuser only, validated,
-- secrets unreadable by others), receipt with dedupe and backlog limits,
-- replay, pruning, the payload conversion and pg_dump configuration.
SET client_min_messages = warning;
CREATE ROLE wh_task;
CREATE ROLE wh_user;
CREATE FUNCTION public.wh_handle(payload jsonb) RETURNS jsonb LANGUAGE sql AS $$ SELECT payload $$;
SELECT gateway.register_task('wh_handle', 'public.wh_handle(jsonb)', 'wh_task');
RESET client_min_messages;

-- The payload a body becomes.
SELECT gateway.webhook_payload('{"id": "evt_1", "n": [1, 2]}', 'application/json; charset=utf-8');
SELECT gateway.webhook_payload('From=%2B1555&Body=hi+there&t=a&t=b', 'application/x-www-form-urlencoded');
SELECT gateway.webhook_payload('plain', 'text/plain');
SELECT gateway.webhook_payload('\x00ff'::bytea, 'application/octet-stream');
SELECT gateway.webhook_payload('{"a":', 'application/json');

-- Options are checked by the workers' own reader.
SELECT gateway.webhook_options_error('hmac', '{"header": "X-Sig", "algorithm": "sha512"}');
SELECT gateway.webhook_options_error('hmac', '{"header": "X-Sig", "algorithm": "md5"}');
SELECT gateway.webhook_options_error('hmac', '{"algorithm": "sha256"}');
SELECT gateway.webhook_options_error('stripe', '{"public_url": "https://x"}');

-- Adding sources.
SELECT name, verifier, tolerance, max_body_bytes, wait, respond, enabled
  FROM gateway.add_webhook_source('sw', 'standard_webhooks', 'wh_handle',
                                  ARRAY['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw']);
SELECT gateway.add_webhook_source('sw', 'standard_webhooks', 'wh_handle',
                                  ARRAY['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw']);
SELECT gateway.add_webhook_source('bad name', 'stripe', 'wh_handle', ARRAY['s']);
SELECT gateway.add_webhook_source('x', 'paypal', 'wh_handle', ARRAY['s']);
SELECT gateway.add_webhook_source('x', 'standard_webhooks', 'wh_handle', ARRAY['not-a-whsec']);
SELECT gateway.add_webhook_source('x', 'stripe', 'wh_handle', ARRAY[]::text[]);
SELECT gateway.add_webhook_source('x', 'stripe', 'http', ARRAY['s']);
SELECT gateway.add_webhook_source('x', 'stripe', 'wh_handle', ARRAY['s'], wait => '20 seconds');
SELECT gateway.add_webhook_source('x', 'stripe', 'wh_handle', ARRAY['s'], respond => 'later');
SELECT gateway.add_webhook_source('x', 'hmac', 'wh_handle', ARRAY['s'],
                                  options => '{"header": "X-Sig", "signed_content": "{timestamp}.{body}"}');
SELECT gateway.add_webhook_source('x', 'twilio', 'wh_handle', ARRAY['s'],
                                  options => '{"public_url": "ftp://x"}');
SELECT name FROM gateway.add_webhook_source('limited', 'github', 'wh_handle', ARRAY['gh'],
                                            queue_name => 'hooks', max_backlog => 2);

-- Only superusers configure sources or read secrets.
GRANT USAGE ON SCHEMA gateway TO wh_user;
SET ROLE wh_user;
SELECT gateway.add_webhook_source('y', 'stripe', 'wh_handle', ARRAY['s']);
SELECT gateway.remove_webhook_source('sw');
SELECT gateway.receive_webhook('sw', 'e', '{}', '{}', 'application/json');
SELECT gateway.replay_webhook(1);
SELECT count(*) FROM gateway.webhook_secrets;
SELECT count(*) FROM gateway.webhook_deliveries;
RESET ROLE;
-- Even with EXECUTE granted by mistake.
GRANT EXECUTE ON FUNCTION gateway.add_webhook_source(text, text, text, text[], text, interval, integer, interval, text, jsonb, integer, regrole, text[]) TO wh_user;
SET ROLE wh_user;
SELECT gateway.add_webhook_source('y', 'stripe', 'wh_handle', ARRAY['s']);
RESET ROLE;
REVOKE EXECUTE ON FUNCTION gateway.add_webhook_source(text, text, text, text[], text, interval, integer, interval, text, jsonb, integer, regrole, text[]) FROM wh_user;

-- Receipt: one delivery and one job, committed together.
SELECT delivery_id > 0 AS delivery, job_id > 0 AS job, duplicate
  FROM gateway.receive_webhook('sw', 'msg_1', '{"webhook-id": "msg_1"}', '{"n": 1}', 'application/json');
SELECT j.task_identifier, j.payload, d.event_id, d.verification, convert_from(d.body, 'UTF8') AS body
  FROM gateway.webhook_deliveries d JOIN gateway.jobs j ON j.id = d.job_id WHERE d.source = 'sw';
-- A redelivery: the first one's ids, no second job.
SELECT r.duplicate, r.job_id = d.job_id AS same_job, r.delivery_id = d.id AS same_delivery
  FROM gateway.receive_webhook('sw', 'msg_1', '{}', '{"n": 1}', 'application/json') r,
       gateway.webhook_deliveries d WHERE d.event_id = 'msg_1';
SELECT count(*) AS jobs FROM gateway.jobs WHERE task_identifier = 'wh_handle';
-- No event id: never deduplicated.
SELECT duplicate FROM gateway.receive_webhook('sw', NULL, '{}', 'a', 'text/plain');
SELECT duplicate FROM gateway.receive_webhook('sw', NULL, '{}', 'a', 'text/plain');
-- A body that is not its declared type writes nothing.
SELECT gateway.receive_webhook('sw', 'msg_bad', '{}', '{"n":', 'application/json');
SELECT count(*) FROM gateway.webhook_deliveries WHERE event_id = 'msg_bad';
-- Unknown and disabled sources.
SELECT gateway.receive_webhook('nosuch', 'e', '{}', '{}', 'application/json');
SELECT enabled FROM gateway.alter_webhook_source('limited', enabled => false);
SELECT gateway.receive_webhook('limited', 'e', '{}', '{}', 'application/json');
SELECT enabled FROM gateway.alter_webhook_source('limited', enabled => true);
-- The backlog limit (2 queued jobs of the task in the queue).
SELECT duplicate FROM gateway.receive_webhook('limited', 'g1', '{}', '{}', 'application/json');
SELECT duplicate FROM gateway.receive_webhook('limited', 'g2', '{}', '{}', 'application/json');
SELECT gateway.receive_webhook('limited', 'g3', '{}', '{}', 'application/json');
SELECT count(*) FROM gateway.webhook_deliveries WHERE source = 'limited';

-- Replay: a new job and a new delivery row pointing at the original.
SELECT gateway.replay_webhook(id) > 0 AS replayed FROM gateway.webhook_deliveries WHERE event_id = 'msg_1';
SELECT verification, event_id, replay_of = (SELECT id FROM gateway.webhook_deliveries WHERE event_id = 'msg_1') AS of_original
  FROM gateway.webhook_deliveries WHERE replay_of IS NOT NULL;
SELECT gateway.replay_webhook(-1);

-- Rotation: add a secret, expire the old ones; the last one cannot go.
SELECT count(*) FROM gateway.alter_webhook_source('sw', add_secrets => ARRAY['whsec_c2Vjb25kIHNlY3JldCBvZiAzMiBieXRlcyEhISE='],
                                                  expire_secrets_after => '1 hour');
SELECT count(*) AS secrets, count(expires_at) AS expiring FROM gateway.webhook_secrets WHERE source = 'sw';
SELECT gateway.alter_webhook_source('sw', remove_secrets => ARRAY['whsec_c2Vjb25kIHNlY3JldCBvZiAzMiBieXRlcyEhISE=']);
SELECT gateway.alter_webhook_source('nosuch', enabled => true);
SELECT wait, respond FROM gateway.alter_webhook_source('sw', wait => '2 seconds', respond => 'empty');

-- Counters exist without traffic (no HTTP worker in pg_regress).
SELECT count(*) FROM gateway.webhook_stats();

-- pg_dump keeps the sources and their secrets, not the deliveries.
SELECT c.relname FROM pg_extension e, unnest(e.extconfig) AS t(oid) JOIN pg_class c ON c.oid = t.oid
 WHERE e.extname = 'pg_gateway' AND c.relname LIKE 'webhook%' ORDER BY 1;

-- Pruning and removal.
SELECT gateway.prune_webhook_deliveries('1 hour');
SELECT gateway.prune_webhook_deliveries('0 seconds') > 0 AS pruned;
SELECT gateway.remove_webhook_source('limited');
SELECT gateway.remove_webhook_source('limited');
SELECT count(*) FROM gateway.webhook_secrets WHERE source = 'limited';

SET client_min_messages = warning;
SELECT gateway.remove_webhook_source('sw');
SELECT gateway.unregister_task('wh_handle');
DELETE FROM gateway.jobs WHERE task_identifier = 'wh_handle';
DROP FUNCTION public.wh_handle(jsonb);
REVOKE USAGE ON SCHEMA gateway FROM wh_user;
DROP ROLE wh_task;
DROP ROLE wh_user;
RESET client_min_messages;
