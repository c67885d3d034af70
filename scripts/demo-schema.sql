-- A small demo: a todo list served by SQL routes, its changes audited.
CREATE EXTENSION IF NOT EXISTS pg_gateway;
ALTER EXTENSION pg_gateway UPDATE;  -- a cluster from an earlier setup

DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'demo_web') THEN
    CREATE ROLE demo_web NOLOGIN;
  END IF;
END $$;

CREATE SCHEMA IF NOT EXISTS demo;
GRANT USAGE ON SCHEMA demo TO demo_web;

CREATE TABLE IF NOT EXISTS demo.todos (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  title      text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  done       boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, UPDATE ON demo.todos TO demo_web;
-- Every change of a todo lands in gateway.audit_log (docs/user-guide/audit.md).
SELECT gateway.enable_audit('demo.todos');

INSERT INTO demo.todos (title, done)
SELECT t, d FROM (VALUES ('try pg_gateway', true), ('replace the API container', false)) v(t, d)
WHERE NOT EXISTS (SELECT 1 FROM demo.todos);

-- GET /todos?done=true|false
CREATE OR REPLACE FUNCTION demo.list_todos(request jsonb) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY t.id), '[]'::jsonb)
    FROM demo.todos t
   WHERE request->'query'->>'done' IS NULL OR t.done = (request->'query'->>'done')::boolean
$$;

-- POST /todos  {"title": "..."}  -> 201 with the new row
CREATE OR REPLACE FUNCTION demo.add_todo(request jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  row demo.todos;
BEGIN
  IF jsonb_typeof(request->'body'->'title') IS DISTINCT FROM 'string' THEN
    RAISE EXCEPTION 'title is required' USING ERRCODE = 'PT422',
      HINT = 'send {"title": "..."} with Content-Type: application/json';
  END IF;
  INSERT INTO demo.todos (title) VALUES (request->'body'->>'title') RETURNING * INTO row;
  PERFORM set_config('response.status', '201', true);
  RETURN to_jsonb(row);
END $$;

SELECT gateway.register_route('GET',  '/todos', 'demo.list_todos(jsonb)', 'demo_web');
SELECT gateway.register_route('POST', '/todos', 'demo.add_todo(jsonb)',   'demo_web');
