-- pgTAP: SQL route registration rules and the status mapping.
BEGIN;
SELECT plan(14);

CREATE ROLE tap_route_role;
CREATE FUNCTION public.tap_handler(r jsonb) RETURNS jsonb LANGUAGE sql AS 'SELECT r';
CREATE FUNCTION public.tap_bad(r jsonb) RETURNS json LANGUAGE sql AS 'SELECT r::json';

SELECT lives_ok($$SELECT gateway.register_route('GET', '/tap', 'public.tap_handler(jsonb)', 'tap_route_role')$$,
                'a jsonb -> jsonb handler registers');
SELECT results_eq($$SELECT method, handler::text, run_as::text FROM gateway.routes WHERE path = '/tap'$$,
                  $$VALUES ('GET', 'tap_handler(jsonb)', 'tap_route_role')$$, 'route stored');
SELECT lives_ok($$SELECT gateway.register_route('get', '/tap', 'public.tap_handler(jsonb)', 'tap_route_role')$$,
                'registering again (any case) replaces');
SELECT is((SELECT count(*)::int FROM gateway.routes WHERE path = '/tap'), 1, 'still one route');
SELECT throws_ok($$SELECT gateway.register_route('GET', '/t', 'public.tap_bad(jsonb)', 'tap_route_role')$$,
                 '42P13', NULL, 'handler must return jsonb');
SELECT throws_ok($$SELECT gateway.register_route('TRACE', '/t', 'public.tap_handler(jsonb)', 'tap_route_role')$$,
                 '22023', NULL, 'method must be supported');
SELECT throws_ok($$SELECT gateway.register_route('GET', '/ready/write', 'public.tap_handler(jsonb)', 'tap_route_role')$$,
                 '22023', NULL, 'built-in paths are reserved');
SELECT throws_ok($$SELECT gateway.register_route('GET', '/t', 'public.tap_handler(jsonb)', 'postgres')$$,
                 '42501', NULL, 'superuser run_as is refused');
SELECT ok(gateway.unregister_route('GET', '/tap'), 'unregister reports a removed route');
SELECT ok(NOT gateway.unregister_route('GET', '/tap'), 'unregister reports nothing to remove');

SELECT is(gateway.http_status_for_sqlstate('57014'), 504, 'statement timeout is 504');
SELECT is(gateway.http_status_for_sqlstate('23505'), 409, 'unique violation is 409');
SELECT is(gateway.http_status_for_sqlstate('PT418'), 418, 'PTnnn picks the status');
SELECT throws_ok($$SELECT gateway.http_status_for_sqlstate('nope')$$, '22023', NULL,
                 'malformed SQLSTATE is an error');

SELECT * FROM finish();
ROLLBACK;
