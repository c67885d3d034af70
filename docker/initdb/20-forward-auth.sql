-- Traefik's ForwardAuth target (docker/traefik/dynamic/middlewares.yml).
--
-- pg_gateway has no built-in "is this request authenticated?" route (its
-- session route, pg_gateway.logout_path, only expires the token cookie), so
-- this is an ordinary SQL route (docs/user-guide/http.md): pg_gateway verifies
-- the token of the forwarded Authorization header or jwt_cookie before the
-- handler runs (a bad or expired token: 401 and nothing runs); the handler then
-- decides on the claims. Without a token request.jwt.claims is PostgREST's
-- anonymous {"role": <pg_gateway.anonymous_role>}, so a token must carry a
-- "sub". No token (no sub): 401; a token whose role claim is not "operator":
-- 403; otherwise 204, and Traefik lets the request through. Change
-- ops.forward_auth to fit your claims. Needs pg_gateway.jwt_secret.
CREATE SCHEMA IF NOT EXISTS ops;
CREATE ROLE ops_forward_auth NOLOGIN;
GRANT USAGE ON SCHEMA ops TO ops_forward_auth;

CREATE FUNCTION ops.forward_auth(request jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog
AS $$
DECLARE
  claims jsonb := nullif(current_setting('request.jwt.claims', true), '')::jsonb;
BEGIN
  IF claims IS NULL OR coalesce(claims ->> 'sub', '') = '' THEN
    RAISE SQLSTATE 'PT401' USING MESSAGE = 'a token is required';
  END IF;
  IF coalesce(claims ->> 'role', '') <> 'operator' THEN
    RAISE SQLSTATE 'PT403' USING MESSAGE = 'the token''s role may not use this service';
  END IF;
  RETURN NULL;  -- 204 No Content
END
$$;
REVOKE ALL ON FUNCTION ops.forward_auth(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ops.forward_auth(jsonb) TO ops_forward_auth;

DO $$
BEGIN
  PERFORM gateway.register_route(method => 'GET', path => '/auth/check',
                                 handler => 'ops.forward_auth(jsonb)', run_as => 'ops_forward_auth');
END
$$;
