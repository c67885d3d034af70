-- wrk script: GETs one GraphQL query, the path (with ?query=...) read from
-- the environment variable GRAPHQL_GET_PATH; GRAPHQL_IF_NONE_MATCH, when
-- set, is sent as If-None-Match (an ETag from a first response: the server
-- answers 304 Not Modified). Used by bench/graphql_cache.sh.
local path = os.getenv("GRAPHQL_GET_PATH")
if not path then
  error("GRAPHQL_GET_PATH is not set")
end

wrk.method = "GET"
wrk.path = path
wrk.headers["Accept"] = "application/graphql-response+json"
local etag = os.getenv("GRAPHQL_IF_NONE_MATCH")
if etag and etag ~= "" then
  wrk.headers["If-None-Match"] = etag
end
