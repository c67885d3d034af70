-- SQL routes: registration checks and the routes table.
CREATE ROLE regress_route_owner;
CREATE FUNCTION public.regress_echo(r jsonb) RETURNS jsonb LANGUAGE sql AS 'SELECT r';
CREATE FUNCTION public.regress_wrong(r text) RETURNS jsonb LANGUAGE sql AS 'SELECT NULL::jsonb';
CREATE FUNCTION public.regress_wrong_ret(r jsonb) RETURNS text LANGUAGE sql AS 'SELECT NULL::text';

SELECT gateway.register_route('GET', '/echo', 'public.regress_echo(jsonb)', 'regress_route_owner');
SELECT gateway.register_route('post', '/echo', 'public.regress_echo(jsonb)', 'regress_route_owner');
SELECT path, method, handler, run_as FROM gateway.routes ORDER BY path, method;

-- Registering again replaces the handler.
SELECT gateway.register_route('GET', '/echo', 'public.regress_echo(jsonb)', 'regress_route_owner');
SELECT count(*) FROM gateway.routes;

-- Refusals, each with a reason.
SELECT gateway.register_route('HEAD', '/echo', 'public.regress_echo(jsonb)', 'regress_route_owner');
SELECT gateway.register_route('GET', '/live', 'public.regress_echo(jsonb)', 'regress_route_owner');
SELECT gateway.register_route('GET', 'echo', 'public.regress_echo(jsonb)', 'regress_route_owner');
SELECT gateway.register_route('GET', '/echo?x=1', 'public.regress_echo(jsonb)', 'regress_route_owner');
SELECT gateway.register_route('GET', '/a b', 'public.regress_echo(jsonb)', 'regress_route_owner');
SELECT gateway.register_route('GET', '/w', 'public.regress_wrong(text)', 'regress_route_owner');
SELECT gateway.register_route('GET', '/w', 'public.regress_wrong_ret(jsonb)', 'regress_route_owner');
SELECT gateway.register_route('GET', '/su', 'public.regress_echo(jsonb)', CURRENT_USER::regrole);
-- Direct inserts are checked too.
INSERT INTO gateway.routes (path, method, handler, run_as, created_at)
VALUES ('/ready', 'GET', 'public.regress_echo(jsonb)', 'regress_route_owner', '2026-01-01');
INSERT INTO gateway.routes (path, method, handler, run_as, created_at)
VALUES ('/x', 'TRACE', 'public.regress_echo(jsonb)', 'regress_route_owner', '2026-01-01');

-- Ordinary roles cannot change routes.
SET ROLE regress_route_owner;
SELECT gateway.register_route('GET', '/mine', 'public.regress_echo(jsonb)', 'regress_route_owner');
SELECT * FROM gateway.routes;
RESET ROLE;

SELECT gateway.unregister_route('post', '/echo');
SELECT gateway.unregister_route('POST', '/echo');
SELECT path, method FROM gateway.routes ORDER BY path, method;

-- regprocedure and regrole columns record no dependencies: dropping a
-- handler leaves its route in place, and requests to it answer 500 saying
-- the handler no longer exists (test/integration/test_request_path.py).
DROP FUNCTION public.regress_wrong(text);
DROP FUNCTION public.regress_wrong_ret(jsonb);
SELECT gateway.unregister_route('GET', '/echo');
DROP FUNCTION public.regress_echo(jsonb);
DROP ROLE regress_route_owner;
