-- HTTP routes served by SQL functions: the routes table (an extension
-- configuration table, kept by pg_dump) and register_route() /
-- unregister_route() that edit it.

-- SQL routes: an HTTP method and path mapped to a function
-- handler(request jsonb) RETURNS jsonb that runs as `run_as`.
CREATE TABLE @extschema@.routes (
    path     text         NOT NULL,
    method   text         NOT NULL,
    handler  regprocedure NOT NULL,
    run_as   regrole      NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (path, method),
    CONSTRAINT routes_method_check CHECK (method IN ('GET', 'POST', 'PUT', 'PATCH', 'DELETE')),
    CONSTRAINT routes_path_check CHECK (
        path ~ '^/[A-Za-z0-9._~!$&''()*+,;=:@%/-]*$'
        AND path NOT IN ('/live', '/ready', '/ready/write'))
);
COMMENT ON TABLE @extschema@.routes IS 'HTTP routes served by SQL functions; edit with register_route() and unregister_route()';
REVOKE ALL ON @extschema@.routes FROM PUBLIC;
-- Routes are configuration: keep them in pg_dump output.
SELECT pg_catalog.pg_extension_config_dump('@extschema@.routes', '');

CREATE FUNCTION @extschema@.register_route(
    method   text,
    path     text,
    handler  regprocedure,
    run_as   regrole DEFAULT current_user::regrole)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
DECLARE
    m text := upper(method);
    fn record;
BEGIN
    IF m NOT IN ('GET', 'POST', 'PUT', 'PATCH', 'DELETE') THEN
        RAISE EXCEPTION 'unsupported HTTP method "%"', method
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use GET, POST, PUT, PATCH or DELETE; HEAD and OPTIONS are answered automatically.';
    END IF;
    IF path IN ('/live', '/ready', '/ready/write') THEN
        RAISE EXCEPTION 'path "%" is reserved by pg_gateway', path
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF path !~ '^/[A-Za-z0-9._~!$&''()*+,;=:@%/-]*$' THEN
        RAISE EXCEPTION 'invalid route path "%"', path
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A path starts with "/" and holds only URL path characters, without a query string.';
    END IF;
    SELECT p.prorettype, p.pronargs, p.proargtypes, p.prokind INTO fn
      FROM pg_proc p WHERE p.oid = handler;
    IF fn.prokind <> 'f' OR fn.pronargs <> 1 OR fn.proargtypes[0] <> 'jsonb'::regtype
       OR fn.prorettype <> 'jsonb'::regtype THEN
        RAISE EXCEPTION 'route handler % must take one jsonb argument and return jsonb', handler
            USING ERRCODE = 'invalid_function_definition';
    END IF;
    IF (SELECT rolsuper FROM pg_roles WHERE oid = run_as) THEN
        RAISE EXCEPTION 'routes cannot run as superuser role "%"', run_as
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Create an ordinary role with just the privileges the handler needs.';
    END IF;
    INSERT INTO @extschema@.routes AS r (path, method, handler, run_as)
    VALUES (path, m, handler, run_as)
    ON CONFLICT ON CONSTRAINT routes_pkey
    DO UPDATE SET handler = excluded.handler, run_as = excluded.run_as, created_at = now();
END;
$$;
COMMENT ON FUNCTION @extschema@.register_route(text, text, regprocedure, regrole) IS
    'Serve METHOD PATH with handler(request jsonb) RETURNS jsonb, run as run_as';
REVOKE ALL ON FUNCTION @extschema@.register_route(text, text, regprocedure, regrole) FROM PUBLIC;

CREATE FUNCTION @extschema@.unregister_route(method text, path text)
RETURNS boolean
LANGUAGE sql
SET search_path = pg_catalog
AS $$
    WITH d AS (
        DELETE FROM @extschema@.routes r
         WHERE r.method = upper(unregister_route.method) AND r.path = unregister_route.path
        RETURNING 1)
    SELECT count(*) > 0 FROM d;
$$;
REVOKE ALL ON FUNCTION @extschema@.unregister_route(text, text) FROM PUBLIC;
