-- wrk script: POSTs one GraphQL request body, read from the file named by the
-- environment variable GRAPHQL_BODY_FILE (a JSON object {"query": ...}).
-- Used by bench/postgraphile_anchor.sh.
local path = os.getenv("GRAPHQL_BODY_FILE")
if not path then
  error("GRAPHQL_BODY_FILE is not set")
end
local f = assert(io.open(path, "rb"))
local body = f:read("*a")
f:close()

wrk.method = "POST"
wrk.path = os.getenv("GRAPHQL_PATH") or "/graphql"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/graphql-response+json"
-- GRAPHQL_CACHE_CONTROL: a Cache-Control request header ("no-cache": past
-- pg_gateway's shared response cache, bench/graphql/cache.py's uncached runs).
local cache_control = os.getenv("GRAPHQL_CACHE_CONTROL")
if cache_control and cache_control ~= "" then
  wrk.headers["Cache-Control"] = cache_control
end
-- GRAPHQL_AUTHORIZATION: an Authorization header for every request ("Bearer ...").
local auth = os.getenv("GRAPHQL_AUTHORIZATION")
if auth and auth ~= "" then
  wrk.headers["Authorization"] = auth
end
