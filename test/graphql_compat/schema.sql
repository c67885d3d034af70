-- pg_gateway GraphQL compatibility reference schema.
--
-- A small publishing application in schema `app`, served by PostGraphile v5
-- (Amber preset) to produce the golden outputs in expected/, and later by
-- pg_gateway to be compared with them. Everything here is deterministic:
-- fixed timestamps, fixed uuids, no now()/random() in the data.
--
-- Load into an empty database as a superuser:
--   psql -v ON_ERROR_STOP=1 -d compat -f schema.sql
-- Roles are cluster-wide; they are created only if missing.

\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET timezone = 'UTC';

-- ---------------------------------------------------------------------------
-- Roles (see "RBAC" in the conventions page): PostGraphile connects as
-- app_authenticator (NOINHERIT) and switches to app_anonymous per request.
-- ---------------------------------------------------------------------------
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_authenticator') THEN
    CREATE ROLE app_authenticator LOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_anonymous') THEN
    CREATE ROLE app_anonymous NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_user') THEN
    CREATE ROLE app_user NOLOGIN;
  END IF;
END
$$;
GRANT app_anonymous TO app_authenticator;
GRANT app_user TO app_authenticator;
GRANT app_anonymous TO app_user;

CREATE EXTENSION IF NOT EXISTS postgis WITH SCHEMA public;

DROP SCHEMA IF EXISTS app CASCADE;
CREATE SCHEMA app;
COMMENT ON SCHEMA app IS 'The publishing application.';
GRANT USAGE ON SCHEMA app TO app_anonymous, app_user;

-- ---------------------------------------------------------------------------
-- Types
-- ---------------------------------------------------------------------------
CREATE TYPE app.post_status AS ENUM ('draft', 'published', 'archived');
COMMENT ON TYPE app.post_status IS 'Where a post is in its life cycle.';

CREATE TYPE app.user_tier AS ENUM ('free', 'pro', 'enterprise_plus');

CREATE DOMAIN app.email AS text CHECK (VALUE ~ '^[^@[:space:]]+@[^@[:space:]]+$');
COMMENT ON DOMAIN app.email IS 'An email address: something@somewhere.';

CREATE TYPE app.address AS (
  street text,
  city text,
  postal_code text,
  country text
);
COMMENT ON TYPE app.address IS 'A postal address.';
COMMENT ON COLUMN app.address.postal_code IS 'Postal or ZIP code.';

CREATE TYPE app.post_summary AS (
  post_id integer,
  title text,
  comment_count bigint,
  published_at timestamptz
);

-- ---------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------
CREATE TABLE app.users (
  id               serial PRIMARY KEY,
  external_id      uuid NOT NULL UNIQUE,
  username         varchar(40) NOT NULL UNIQUE,
  email            app.email NOT NULL UNIQUE,
  first_name       text NOT NULL,
  last_name        text,
  bio              text,
  tier             app.user_tier NOT NULL DEFAULT 'free',
  birthday         date,
  wake_up_at       time,
  address          app.address,
  settings         jsonb NOT NULL DEFAULT '{}',
  interests        text[] NOT NULL DEFAULT '{}',
  reputation       numeric(10, 2) NOT NULL DEFAULT 0,
  karma            bigint NOT NULL DEFAULT 0,
  score_ratio      double precision,
  session_timeout  interval,
  last_login_local timestamp,
  is_admin         boolean NOT NULL DEFAULT false,
  password_hash    text,
  created_at       timestamptz NOT NULL
);
CREATE INDEX users_tier_idx ON app.users (tier);
CREATE INDEX users_created_at_idx ON app.users (created_at);
CREATE INDEX users_karma_idx ON app.users (karma);
COMMENT ON TABLE app.users IS 'A person who writes posts and comments.';
COMMENT ON COLUMN app.users.id IS 'Primary key.';
COMMENT ON COLUMN app.users.external_id IS 'Stable public identifier.';
COMMENT ON COLUMN app.users.bio IS E'@name biography\nA few words about the user.';
COMMENT ON COLUMN app.users.password_hash IS E'@behavior -*\nNever exposed.';
COMMENT ON COLUMN app.users.karma IS 'Can exceed 2^53.';

CREATE TABLE app.posts (
  id            serial PRIMARY KEY,
  author_id     integer NOT NULL REFERENCES app.users (id),
  slug          text NOT NULL UNIQUE,
  title         text NOT NULL,
  body          text NOT NULL,
  status        app.post_status NOT NULL DEFAULT 'draft',
  keywords      text[],
  metadata      jsonb,
  rating        numeric(3, 2),
  view_count    bigint NOT NULL DEFAULT 0,
  published_at  timestamptz,
  reading_time  interval,
  legacy_code   text,
  created_at    timestamptz NOT NULL,
  updated_at    timestamp NOT NULL
);
CREATE INDEX posts_author_published_idx ON app.posts (author_id, published_at);
CREATE INDEX posts_status_idx ON app.posts (status);
CREATE INDEX posts_view_count_idx ON app.posts (view_count);
CREATE INDEX posts_published_at_idx ON app.posts (published_at);
CREATE INDEX posts_rating_partial_idx ON app.posts (rating) WHERE rating IS NOT NULL;
COMMENT ON TABLE app.posts IS 'A blog post.';
COMMENT ON COLUMN app.posts.author_id IS 'Who wrote the post.';
COMMENT ON COLUMN app.posts.legacy_code IS E'@deprecated Use slug instead.\nIdentifier from the old CMS.';
COMMENT ON CONSTRAINT posts_author_id_fkey ON app.posts IS 'The author of the post.';

CREATE TABLE app.comments (
  id          serial PRIMARY KEY,
  post_id     integer NOT NULL REFERENCES app.posts (id) ON DELETE CASCADE,
  -- author_id deliberately has no index: no User.commentsByAuthorId.
  author_id   integer NOT NULL REFERENCES app.users (id),
  parent_id   integer REFERENCES app.comments (id),
  body        text NOT NULL,
  sentiment   double precision,
  created_at  timestamptz NOT NULL
);
CREATE INDEX comments_post_id_idx ON app.comments (post_id);
CREATE INDEX comments_parent_id_idx ON app.comments (parent_id);
CREATE INDEX comments_created_at_idx ON app.comments (created_at);
COMMENT ON TABLE app.comments IS 'A comment on a post, possibly a reply to another comment.';

CREATE TABLE app.tags (
  id          serial PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  -- V4's @omit is ignored by Amber: still exposed.
  color       text,
  -- created_by deliberately has no index: no User.tagsByCreatedBy.
  created_by  integer REFERENCES app.users (id)
);
COMMENT ON TABLE app.tags IS E'@behavior -delete\nA label for posts.';
COMMENT ON COLUMN app.tags.color IS E'@omit\nDisplay colour (hex).';

CREATE TABLE app.post_tags (
  post_id   integer NOT NULL REFERENCES app.posts (id) ON DELETE CASCADE,
  tag_id    integer NOT NULL REFERENCES app.tags (id),
  added_at  timestamptz NOT NULL,
  PRIMARY KEY (post_id, tag_id)
);
CREATE INDEX post_tags_tag_id_idx ON app.post_tags (tag_id);
COMMENT ON TABLE app.post_tags IS 'Many-to-many link between posts and tags.';

CREATE TABLE app.follows (
  follower_id  integer NOT NULL REFERENCES app.users (id),
  followee_id  integer NOT NULL REFERENCES app.users (id),
  created_at   timestamptz NOT NULL,
  PRIMARY KEY (follower_id, followee_id),
  CHECK (follower_id <> followee_id)
);
CREATE INDEX follows_followee_id_idx ON app.follows (followee_id);
COMMENT ON TABLE app.follows IS E'@name user_follows\nWho follows whom.';

CREATE TABLE app.messages (
  id            uuid PRIMARY KEY,
  sender_id     integer NOT NULL REFERENCES app.users (id),
  recipient_id  integer NOT NULL REFERENCES app.users (id),
  client_ref    text NOT NULL,
  body          text NOT NULL,
  sent_at       timestamptz NOT NULL,
  read_at       timestamptz,
  UNIQUE (sender_id, client_ref)
);
CREATE INDEX messages_recipient_id_idx ON app.messages (recipient_id);
COMMENT ON TABLE app.messages IS 'A private message between two users.';
COMMENT ON COLUMN app.messages.client_ref IS 'Idempotency key chosen by the sending client.';

CREATE TABLE app.post_revisions (
  post_id   integer NOT NULL REFERENCES app.posts (id) ON DELETE CASCADE,
  revision  integer NOT NULL,
  title     text NOT NULL,
  edited_at timestamp NOT NULL,
  PRIMARY KEY (post_id, revision)
);
COMMENT ON TABLE app.post_revisions IS 'Earlier versions of a post title.';

CREATE TABLE app.revision_reviews (
  id           serial PRIMARY KEY,
  post_id      integer NOT NULL,
  revision     integer NOT NULL,
  reviewer_id  integer NOT NULL REFERENCES app.users (id),
  approved     boolean NOT NULL,
  note         text,
  FOREIGN KEY (post_id, revision) REFERENCES app.post_revisions (post_id, revision)
);
CREATE INDEX revision_reviews_revision_idx ON app.revision_reviews (post_id, revision);
COMMENT ON TABLE app.revision_reviews IS 'A review of one post revision (compound foreign key).';

-- One row per scalar type that is not already covered by the tables above.
CREATE TABLE app.events (
  id             bigserial PRIMARY KEY,
  kind           varchar(20) NOT NULL,
  payload        json,
  small_value    smallint,
  real_value     real,
  float_value    double precision,
  big_value      bigint,
  amount         numeric,
  flag           boolean,
  happened_at    timestamptz,
  local_at       timestamp,
  happened_on    date,
  at_time        time,
  duration       interval,
  int_list       integer[],
  big_list       bigint[],
  code           char(3),
  ref            uuid
);
CREATE INDEX events_kind_idx ON app.events (kind);
COMMENT ON TABLE app.events IS 'Audit events; also exercises the scalar output formats.';

-- Hidden completely: no type, no fields.
CREATE TABLE app.internal_jobs (
  id      serial PRIMARY KEY,
  payload text
);
COMMENT ON TABLE app.internal_jobs IS E'@behavior -*\nInternal queue, not part of the API.';

-- PostGIS columns. @graphile/postgis has no PostGraphile-v5 release (its latest,
-- 0.2.0, peers on graphile-build ^4), so these columns are hidden from the
-- GraphQL schema with @behavior -*; the table itself is exposed.
CREATE TABLE app.places (
  id        serial PRIMARY KEY,
  name      text NOT NULL,
  location  public.geometry(Point, 4326),
  area      public.geography(Polygon, 4326)
);
COMMENT ON TABLE app.places IS 'A named place (the PostGIS columns are not exposed).';
COMMENT ON COLUMN app.places.location IS E'@behavior -*\nWGS84 point.';
COMMENT ON COLUMN app.places.area IS E'@behavior -*\nOutline on the sphere.';

-- ---------------------------------------------------------------------------
-- View with smart tags
-- ---------------------------------------------------------------------------
CREATE VIEW app.post_stats AS
SELECT p.id AS post_id,
       p.slug,
       (SELECT count(*) FROM app.comments c WHERE c.post_id = p.id) AS comment_count,
       (SELECT count(*) FROM app.post_tags pt WHERE pt.post_id = p.id) AS tag_count,
       (SELECT max(c.created_at) FROM app.comments c WHERE c.post_id = p.id) AS last_comment_at
  FROM app.posts p;
COMMENT ON VIEW app.post_stats IS E'@primaryKey post_id\n@foreignKey (post_id) references app.posts (id)\n@unique slug\nPer-post counters.';

-- ---------------------------------------------------------------------------
-- Computed columns
-- ---------------------------------------------------------------------------
CREATE FUNCTION app.users_full_name(u app.users) RETURNS text
  LANGUAGE sql STABLE AS $$ SELECT u.first_name || coalesce(' ' || u.last_name, '') $$;
COMMENT ON FUNCTION app.users_full_name(app.users) IS E'@behavior +orderBy +filterBy\nFirst and last name.';

CREATE FUNCTION app.users_post_count(u app.users) RETURNS bigint
  LANGUAGE sql STABLE AS $$ SELECT count(*) FROM app.posts p WHERE p.author_id = u.id $$;

CREATE FUNCTION app.users_followers(u app.users) RETURNS SETOF app.users
  LANGUAGE sql STABLE AS $$
    SELECT x.* FROM app.users x JOIN app.follows f ON f.follower_id = x.id
     WHERE f.followee_id = u.id ORDER BY x.id
  $$;
COMMENT ON FUNCTION app.users_followers(app.users) IS 'Users who follow this user.';

CREATE FUNCTION app.users_latest_post(u app.users) RETURNS app.posts
  LANGUAGE sql STABLE AS $$
    SELECT p.* FROM app.posts p WHERE p.author_id = u.id AND p.published_at IS NOT NULL
     ORDER BY p.published_at DESC, p.id DESC LIMIT 1
  $$;

CREATE FUNCTION app.users_initials(u app.users) RETURNS text[]
  LANGUAGE sql STABLE AS $$
    SELECT array_remove(ARRAY[left(u.first_name, 1), left(u.last_name, 1)], NULL)
  $$;

CREATE FUNCTION app.posts_excerpt(p app.posts, max_length integer DEFAULT 40) RETURNS text
  LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN length(p.body) <= max_length THEN p.body
                ELSE left(p.body, max_length) || '…' END
  $$;
COMMENT ON FUNCTION app.posts_excerpt(app.posts, integer) IS 'The start of the body.';

CREATE FUNCTION app.posts_word_count(p app.posts) RETURNS integer
  LANGUAGE sql STABLE AS $$ SELECT array_length(regexp_split_to_array(trim(p.body), '\s+'), 1) $$;

CREATE FUNCTION app.posts_is_popular(p app.posts, threshold bigint DEFAULT 300, include_drafts boolean DEFAULT false)
  RETURNS boolean
  LANGUAGE sql STABLE AS $$
    SELECT p.view_count >= threshold AND (include_drafts OR p.status <> 'draft')
  $$;

CREATE FUNCTION app.posts_tags(p app.posts) RETURNS SETOF app.tags
  LANGUAGE sql STABLE AS $$
    SELECT t.* FROM app.tags t JOIN app.post_tags pt ON pt.tag_id = t.id
     WHERE pt.post_id = p.id ORDER BY t.name
  $$;
COMMENT ON FUNCTION app.posts_tags(app.posts) IS 'The tags of the post, by name.';

CREATE FUNCTION app.posts_tag_names(p app.posts) RETURNS text[]
  LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(t.name ORDER BY t.name), '{}') FROM app.tags t
      JOIN app.post_tags pt ON pt.tag_id = t.id WHERE pt.post_id = p.id
  $$;

CREATE FUNCTION app.posts_age_at(p app.posts, at_time timestamptz) RETURNS interval
  LANGUAGE sql STABLE AS $$ SELECT at_time - p.published_at $$;

CREATE FUNCTION app.comments_depth(c app.comments) RETURNS integer
  LANGUAGE sql STABLE AS $$
    WITH RECURSIVE up(id, parent_id, depth) AS (
      SELECT c.id, c.parent_id, 0
      UNION ALL
      SELECT x.id, x.parent_id, up.depth + 1 FROM app.comments x JOIN up ON x.id = up.parent_id
    ) SELECT max(depth) FROM up
  $$;

-- ---------------------------------------------------------------------------
-- Custom queries (STABLE / IMMUTABLE)
-- ---------------------------------------------------------------------------
CREATE FUNCTION app.search_posts(search text) RETURNS SETOF app.posts
  LANGUAGE sql STABLE AS $$
    SELECT * FROM app.posts
     WHERE title ILIKE '%' || search || '%' OR body ILIKE '%' || search || '%'
     ORDER BY id
  $$;
COMMENT ON FUNCTION app.search_posts(text) IS 'Posts whose title or body contains the text.';

CREATE FUNCTION app."current_user"() RETURNS app.users
  LANGUAGE sql STABLE AS $$
    SELECT * FROM app.users
     WHERE id = nullif(current_setting('jwt.claims.user_id', true), '')::integer
  $$;
COMMENT ON FUNCTION app."current_user"() IS 'The user of the JWT, if any.';

CREATE FUNCTION app.total_view_count() RETURNS bigint
  LANGUAGE sql STABLE AS $$ SELECT sum(view_count)::bigint FROM app.posts $$;

CREATE FUNCTION app.add_numbers(a integer, b integer) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT a + b $$;

CREATE FUNCTION app.lookup_user(login text) RETURNS app.users
  LANGUAGE sql STABLE AS $$ SELECT * FROM app.users WHERE lower(username) = lower(login) $$;

CREATE FUNCTION app.popular_tags(min_posts integer DEFAULT 1)
  RETURNS TABLE (tag_name text, post_count bigint)
  LANGUAGE sql STABLE AS $$
    SELECT t.name, count(*) FROM app.tags t JOIN app.post_tags pt ON pt.tag_id = t.id
     GROUP BY t.name HAVING count(*) >= min_posts ORDER BY count(*) DESC, t.name
  $$;

CREATE FUNCTION app.post_summaries(author integer) RETURNS SETOF app.post_summary
  LANGUAGE sql STABLE AS $$
    SELECT p.id, p.title, (SELECT count(*) FROM app.comments c WHERE c.post_id = p.id), p.published_at
      FROM app.posts p WHERE p.author_id = author ORDER BY p.id
  $$;

CREATE FUNCTION app.posts_published_between(from_at timestamptz, to_at timestamptz)
  RETURNS SETOF app.posts
  LANGUAGE sql STABLE AS $$
    SELECT * FROM app.posts WHERE published_at >= from_at AND published_at < to_at
     ORDER BY published_at, id
  $$;

CREATE FUNCTION app.tags_by_names(names text[]) RETURNS SETOF app.tags
  LANGUAGE sql STABLE AS $$ SELECT * FROM app.tags WHERE name = ANY (names) ORDER BY id $$;

CREATE FUNCTION app.status_counts()
  RETURNS TABLE (status app.post_status, total bigint, total_views bigint)
  LANGUAGE sql STABLE AS $$
    SELECT status, count(*), sum(view_count)::bigint FROM app.posts GROUP BY status ORDER BY status
  $$;

CREATE FUNCTION app.top_authors(n integer DEFAULT 3) RETURNS SETOF app.users
  LANGUAGE sql STABLE AS $$
    SELECT u.* FROM app.users u
     ORDER BY (SELECT count(*) FROM app.posts p WHERE p.author_id = u.id) DESC, u.id LIMIT n
  $$;
COMMENT ON FUNCTION app.top_authors(integer) IS E'@name leaderboard\nThe users with the most posts.';

CREATE FUNCTION app.site_settings() RETURNS jsonb
  LANGUAGE sql IMMUTABLE AS $$
    SELECT '{"title": "Compat Blog", "pageSize": 10, "features": ["comments", "tags"], "beta": null}'::jsonb
  $$;

CREATE FUNCTION app.average_reading_time() RETURNS interval
  LANGUAGE sql STABLE AS $$ SELECT avg(reading_time) FROM app.posts $$;

CREATE FUNCTION app.average_rating() RETURNS numeric
  LANGUAGE sql STABLE AS $$ SELECT round(avg(rating), 4) FROM app.posts $$;

CREATE FUNCTION app.all_tag_names() RETURNS text[]
  LANGUAGE sql STABLE AS $$ SELECT array_agg(name ORDER BY name) FROM app.tags $$;

CREATE FUNCTION app.latest_comment_at() RETURNS timestamptz
  LANGUAGE sql STABLE AS $$ SELECT max(created_at) FROM app.comments $$;

-- ---------------------------------------------------------------------------
-- Mutations (VOLATILE)
-- ---------------------------------------------------------------------------
CREATE FUNCTION app.publish_post(post_id integer) RETURNS app.posts
  LANGUAGE sql VOLATILE AS $$
    UPDATE app.posts SET status = 'published',
                         published_at = coalesce(published_at, '2025-01-01 00:00:00+00')
     WHERE id = post_id RETURNING *
  $$;

CREATE FUNCTION app.bump_view_count(post_id integer, amount bigint DEFAULT 1) RETURNS bigint
  LANGUAGE sql VOLATILE AS $$
    UPDATE app.posts SET view_count = view_count + amount WHERE id = post_id RETURNING view_count
  $$;
COMMENT ON FUNCTION app.bump_view_count(integer, bigint) IS 'Counts more views of a post.';

CREATE FUNCTION app.archive_posts_by(author integer) RETURNS SETOF app.posts
  LANGUAGE sql VOLATILE AS $$
    WITH archived AS (
      UPDATE app.posts SET status = 'archived' WHERE author_id = author RETURNING *
    ) SELECT * FROM archived ORDER BY id
  $$;

-- PostGraphile's JWT type (pgJwtTypes in graphile.config.mjs; pg_gateway.jwt_type): a
-- function returning it yields a signed token.
CREATE TYPE app.jwt_token AS (role text, user_id integer, exp bigint);

CREATE FUNCTION app.authenticate(username text, password text) RETURNS app.jwt_token
  LANGUAGE sql VOLATILE STRICT SECURITY DEFINER SET search_path = pg_catalog AS $$
    SELECT ROW('app_user', u.id, 4102444800)::app.jwt_token FROM app.users u
     WHERE u.username = authenticate.username AND u.password_hash = authenticate.password
  $$;
COMMENT ON FUNCTION app.authenticate(text, text) IS 'Signs in: a token for the user, or null.';

CREATE FUNCTION app.purge_all_comments() RETURNS integer
  LANGUAGE sql VOLATILE AS $$ WITH d AS (DELETE FROM app.comments RETURNING 1) SELECT count(*)::int FROM d $$;

-- ---------------------------------------------------------------------------
-- Privileges
-- ---------------------------------------------------------------------------
GRANT SELECT ON ALL TABLES IN SCHEMA app TO app_anonymous;
REVOKE SELECT ON app.internal_jobs FROM app_anonymous;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA app TO app_user;
GRANT INSERT, UPDATE, DELETE ON app.posts, app.comments, app.follows TO app_user;
GRANT INSERT, DELETE ON app.post_tags TO app_user;
GRANT INSERT, UPDATE ON app.tags TO app_user;
GRANT UPDATE (username, email, first_name, last_name, bio, birthday, address, settings)
  ON app.users TO app_user;
GRANT INSERT (recipient_id, body) ON app.messages TO app_user;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA app TO app_anonymous;
REVOKE EXECUTE ON FUNCTION app.purge_all_comments() FROM public, app_anonymous;
REVOKE EXECUTE ON FUNCTION app.publish_post(integer) FROM public, app_anonymous;
GRANT EXECUTE ON FUNCTION app.publish_post(integer) TO app_user;
REVOKE EXECUTE ON FUNCTION app.bump_view_count(integer, bigint), app.archive_posts_by(integer)
  FROM public, app_anonymous;
GRANT EXECUTE ON FUNCTION app.bump_view_count(integer, bigint), app.archive_posts_by(integer)
  TO app_user;

-- Row level security written PostGraphile's way (jwt.claims.<name>): anyone
-- may read and add comments, only their author may change or delete them.
-- An update or delete of someone else's comment finds no row.
ALTER TABLE app.comments ENABLE ROW LEVEL SECURITY;
CREATE POLICY comments_read ON app.comments FOR SELECT USING (true);
CREATE POLICY comments_add ON app.comments FOR INSERT WITH CHECK (true);
CREATE POLICY comments_edit ON app.comments FOR UPDATE
  USING (author_id = nullif(current_setting('jwt.claims.user_id', true), '')::integer);
CREATE POLICY comments_remove ON app.comments FOR DELETE
  USING (author_id = nullif(current_setting('jwt.claims.user_id', true), '')::integer);

-- ---------------------------------------------------------------------------
-- Seed data (deterministic)
-- ---------------------------------------------------------------------------
INSERT INTO app.users (id, external_id, username, email, first_name, last_name, bio, tier,
                       birthday, wake_up_at, address, settings, interests, reputation, karma,
                       score_ratio, session_timeout, last_login_local, is_admin, password_hash,
                       created_at) VALUES
 (1, '6f1c2b1e-8a6d-4f3e-9b1a-000000000001', 'alice', 'alice@example.com', 'Alice', 'Archer',
  'Writes about PostgreSQL.', 'enterprise_plus', '1990-04-01', '06:45', ROW('1 Main St', 'Springfield', '12345', 'US'),
  '{"theme": "dark", "notifications": {"email": true, "push": false}}', '{postgres,graphql}', 1234.50, 9007199254740993,
  0.37::float8 / 3, '1 hour 30 minutes', '2025-02-03 04:05:06', true, 'x', '2023-01-01 09:00:00+00'),
 (2, '6f1c2b1e-8a6d-4f3e-9b1a-000000000002', 'bob', 'bob@example.com', 'Bob', 'Baker',
  NULL, 'pro', '1999-12-31', '07:30:15', ROW('22 Elm Rd', 'Shelbyville', NULL, 'US'),
  '{"theme": "light"}', '{cpp}', 10.00, 42, 0.5, '2 days', '2024-12-31 23:59:59.999999', false, 'x', '2023-01-02 10:00:00+00'),
 (3, '6f1c2b1e-8a6d-4f3e-9b1a-000000000003', 'carol', 'carol@example.com', 'Carol', 'Chen',
  'Security researcher. Likes "quotes", back\slashes and ünïcödé.', 'free', NULL, NULL, NULL,
  '{}', '{}', 0, -17, NULL, '1 year 2 months 3 days 04:05:06.5', NULL, false, 'x', '2023-01-03 11:00:00+00'),
 (4, '6f1c2b1e-8a6d-4f3e-9b1a-000000000004', 'dave', 'dave@example.com', 'Dave', NULL,
  NULL, 'free', '1985-06-15', '23:59:59.123456', ROW(NULL, 'Paris', '75001', 'FR'),
  '{"tags": ["a", "b"], "n": 1.5, "nested": {"deep": [1, {"x": null}]}}', '{"a, b","quote\"d",NULL}', 99999999.99, 0,
  1e-7, '-1 days +02:00:00', '2000-01-01 00:00:00', false, 'x', '2023-02-01 12:30:00+00'),
 (5, '6f1c2b1e-8a6d-4f3e-9b1a-000000000005', 'erin', 'erin@example.com', 'Erin', 'Evans',
  'Tester.', 'pro', '2001-02-03', '05:00', ROW('5 Oak Ave', 'Ogdenville', '54321', 'US'),
  '{"theme": "dark"}', '{testing,graphql,cpp}', 321.09, 1000000, 123456789.125, '00:00:30', '2025-06-01 12:00:00', false, 'x', '2023-03-15 08:15:00+00'),
 (6, '6f1c2b1e-8a6d-4f3e-9b1a-000000000006', 'frank', 'frank@example.com', 'Frank', 'Fischer',
  NULL, 'free', NULL, NULL, NULL, '{}', '{}', 0, 5, -2.5, NULL, NULL, false, 'x', '2023-04-01 00:00:00+00'),
 (7, '6f1c2b1e-8a6d-4f3e-9b1a-000000000007', 'grace', 'grace@example.com', 'Grace', 'Green',
  'Compilers and databases.', 'enterprise_plus', '1970-01-01', '00:00', ROW('7 Pine Ct', 'Capital City', '00007', 'US'),
  '{"theme": "solarized", "beta": true}', '{compilers,postgres}', 5000, 123456789012, 1, '3 mons', '2025-01-15 15:45:00', true, 'x', '2023-04-15 16:20:00+00'),
 (8, '6f1c2b1e-8a6d-4f3e-9b1a-000000000008', 'heidi', 'heidi@example.com', 'Heidi', 'Hill',
  NULL, 'free', NULL, NULL, NULL, '{}', '{security}', 12.34, 7, 0.1, NULL, NULL, false, 'x', '2023-05-20 07:07:07+00'),
 (9, '6f1c2b1e-8a6d-4f3e-9b1a-000000000009', 'ivan', 'ivan@example.com', 'Ivan', 'Ivanov',
  'Performance.', 'pro', '1992-09-09', '09:09:09', NULL, '{"lang": "ru"}', '{performance}', 77.70, 77, 3.14159, '45 minutes', NULL, false, 'x', '2023-06-30 23:00:00+00'),
 (10, '6f1c2b1e-8a6d-4f3e-9b1a-000000000010', 'judy', 'judy@example.com', 'Judy', 'Jones',
  NULL, 'free', NULL, NULL, NULL, '{}', '{}', 0, 0, NULL, NULL, NULL, false, 'x', '2023-08-08 08:08:08+00'),
 (11, '6f1c2b1e-8a6d-4f3e-9b1a-000000000011', 'mallory', 'mallory@example.com', 'Mallory', 'Moore',
  'Not to be trusted.', 'free', NULL, NULL, NULL, '{"banned": true}', '{}', -5.00, -9007199254740993, NULL, NULL, NULL, false, 'x', '2023-09-09 09:09:09+00'),
 (12, '6f1c2b1e-8a6d-4f3e-9b1a-000000000012', 'niaj', 'niaj@example.com', 'Niaj', NULL,
  NULL, 'free', NULL, NULL, NULL, '{}', '{}', 0, 0, NULL, NULL, NULL, false, 'x', '2023-10-10 10:10:10+00');
ALTER SEQUENCE app.users_id_seq RESTART WITH 13;

INSERT INTO app.posts (id, author_id, slug, title, body, status, keywords, metadata, rating, view_count,
                       published_at, reading_time, legacy_code, created_at, updated_at)
SELECT i,
       ((i * 5) % 9) + 1,
       'post-' || i,
       (ARRAY['Getting started with', 'A deep dive into', 'Notes on', 'Why I like', 'Benchmarking',
              'Debugging', 'Testing', 'Scaling'])[i % 8 + 1] || ' ' ||
       (ARRAY['PostgreSQL', 'GraphQL', 'C++', 'indexes', 'JSONB', 'background workers', 'cursors'])[i % 7 + 1],
       'This is post number ' || i || '. ' ||
       repeat('It talks about databases and APIs. ', i % 4 + 1) || 'The end.',
       (CASE WHEN i % 10 = 0 THEN 'archived' WHEN i % 4 = 0 THEN 'draft' ELSE 'published' END)::app.post_status,
       CASE WHEN i % 3 = 0 THEN NULL WHEN i % 3 = 1 THEN ARRAY['sql', 'tutorial'] ELSE ARRAY['graphql'] END,
       CASE WHEN i % 5 = 0 THEN NULL
            ELSE jsonb_build_object('featured', i % 2 = 0, 'seo', jsonb_build_object('score', i * 3)) END,
       CASE WHEN i = 13 THEN 7 WHEN i % 6 = 0 THEN NULL ELSE ((i * 37) % 500) / 100.0 END,
       CASE WHEN i = 7 THEN 9007199254740993 ELSE (i % 6) * 100 + i END,
       CASE WHEN i % 4 = 0 AND i % 10 <> 0 THEN NULL
            WHEN i = 5 THEN timestamptz '2024-03-05 10:11:12.345678+00'
            ELSE timestamptz '2024-01-01 00:00:00+00' + i * interval '1 day 3 hours 17 minutes' END,
       make_interval(mins => i % 13 + 1, secs => (i % 3) * 15),
       CASE WHEN i <= 5 THEN 'LEG-' || i END,
       timestamptz '2023-12-01 08:00:00+00' + i * interval '1 day',
       timestamp '2024-06-01 12:00:00' + i * interval '1 hour'
  FROM generate_series(1, 30) AS i;
ALTER SEQUENCE app.posts_id_seq RESTART WITH 31;

INSERT INTO app.comments (id, post_id, author_id, parent_id, body, sentiment, created_at)
SELECT j,
       ((j * 7) % 25) + 1,
       (j % 12) + 1,
       CASE WHEN j > 25 AND j % 5 = 0 THEN j - 25
            WHEN j > 50 AND j % 10 = 3 THEN j - 50 END,
       'Comment ' || j || CASE WHEN j % 4 = 0 THEN ': great post!' WHEN j % 4 = 1 THEN ': I disagree.' ELSE '' END,
       CASE WHEN j % 9 = 0 THEN NULL ELSE (((j * 13) % 21) - 10) / 10.0 END,
       timestamptz '2024-02-01 00:00:00+00' + j * interval '5 hours 7 minutes'
  FROM generate_series(1, 80) AS j;
ALTER SEQUENCE app.comments_id_seq RESTART WITH 81;

INSERT INTO app.tags (id, name, color, created_by) VALUES
 (1, 'postgres', '#336791', 1), (2, 'graphql', '#e10098', 2), (3, 'cpp', '#00599c', 1),
 (4, 'performance', '#ff8800', 3), (5, 'security', NULL, NULL), (6, 'tutorial', '#22aa22', 7),
 (7, 'release', NULL, 7), (8, 'opinion', '#999999', NULL), (9, 'json', '#000000', 2),
 (10, 'testing', '#abcdef', 5);
ALTER SEQUENCE app.tags_id_seq RESTART WITH 11;

INSERT INTO app.post_tags (post_id, tag_id, added_at)
SELECT DISTINCT ON (post_id, tag_id) post_id, tag_id,
       timestamptz '2024-05-01 00:00:00+00' + (post_id * 10 + tag_id) * interval '1 minute'
  FROM (SELECT i AS post_id, (i % 10) + 1 AS tag_id FROM generate_series(1, 30) i
        UNION ALL SELECT i, ((i * 3) % 10) + 1 FROM generate_series(1, 30) i
        UNION ALL SELECT i, ((i * 7) % 10) + 1 FROM generate_series(1, 30) i WHERE i % 2 = 0) s
 WHERE post_id NOT IN (29, 30);

INSERT INTO app.follows (follower_id, followee_id, created_at)
SELECT DISTINCT ON (a, b) a, b, timestamptz '2024-01-15 00:00:00+00' + (a * 12 + b) * interval '1 hour'
  FROM (SELECT a, (a % 12) + 1 AS b FROM generate_series(1, 12) a
        UNION ALL SELECT a, ((a * 5) % 12) + 1 FROM generate_series(1, 12) a
        UNION ALL SELECT a, 1 FROM generate_series(2, 9) a) s
 WHERE a <> b;

INSERT INTO app.messages (id, sender_id, recipient_id, client_ref, body, sent_at, read_at) VALUES
 ('a0000000-0000-4000-8000-000000000001', 1, 2, 'm-1', 'Hi Bob!', '2024-07-01 09:00:00+00', '2024-07-01 09:05:00+00'),
 ('a0000000-0000-4000-8000-000000000002', 2, 1, 'm-1', 'Hi Alice.', '2024-07-01 09:06:00+00', NULL),
 ('a0000000-0000-4000-8000-000000000003', 1, 3, 'm-2', 'Review my post?', '2024-07-02 10:00:00+00', '2024-07-03 00:00:00+00'),
 ('a0000000-0000-4000-8000-000000000004', 3, 1, 'm-9', 'Sure.', '2024-07-03 00:01:00+00', NULL),
 ('a0000000-0000-4000-8000-000000000005', 5, 7, 'x', 'Lunch?', '2024-07-04 12:00:00.5+00', NULL),
 ('ffffffff-ffff-4fff-bfff-ffffffffffff', 7, 5, 'x', 'Yes.', '2024-07-04 12:01:00+00', '2024-07-04 12:02:00+00');

INSERT INTO app.post_revisions (post_id, revision, title, edited_at)
SELECT i, r, 'Draft ' || r || ' of post ' || i, timestamp '2024-01-01 00:00:00' + (i * 10 + r) * interval '1 hour'
  FROM generate_series(1, 6) i, generate_series(1, 3) r WHERE r <= i % 3 + 1;

INSERT INTO app.revision_reviews (id, post_id, revision, reviewer_id, approved, note) VALUES
 (1, 1, 1, 2, true, 'Looks good.'), (2, 1, 2, 3, false, NULL), (3, 2, 1, 1, true, NULL),
 (4, 2, 3, 4, false, 'Too long.'), (5, 5, 2, 1, true, 'Ship it.'), (6, 2, 3, 5, true, NULL);
ALTER SEQUENCE app.revision_reviews_id_seq RESTART WITH 7;

INSERT INTO app.events (id, kind, payload, small_value, real_value, float_value, big_value, amount, flag,
                        happened_at, local_at, happened_on, at_time, duration, int_list, big_list, code, ref) VALUES
 (1, 'login', '{"ip": "127.0.0.1", "ok": true}', 1, 1.5, 0.1, 1, 1.10, true,
  '2024-01-01 13:17:00+00', '2025-02-03 04:05:06', '1999-12-31', '06:45:00', '1 day 02:03:04',
  '{1,2,3}', '{9007199254740993,-1}', 'abc', '00000000-0000-0000-0000-000000000000'),
 (2, 'logout', '[1, "two", null, {"three": 3.0}]', -32768, 3.4028235e38, 1e300, 9223372036854775807,
  123456789012345678901234567890.123456789, false,
  '1970-01-01 00:00:00+00', '1970-01-01 00:00:00.000001', '0001-01-01', '23:59:59.999999', '-3 hours -2 minutes',
  '{}', '{}', 'x', 'ffffffff-ffff-ffff-ffff-ffffffffffff'),
 (3, 'noop', 'null', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL),
 (4, 'weird', '"just a string"', 32767, -0.25, -1.0e-10, -9223372036854775808, 0.000, true,
  '2038-01-19 03:14:07.999999+00', '2262-04-11 23:47:16.854775', '2024-02-29', '12:00:00.5', '1 year 13 mons 40 days 25:59:59.123456',
  '{1,NULL,3}', '{NULL}', 'a b', 'deadbeef-dead-4eef-8eef-deadbeefdead');
ALTER SEQUENCE app.events_id_seq RESTART WITH 5;

INSERT INTO app.internal_jobs (payload) VALUES ('secret');

INSERT INTO app.places (id, name, location, area) VALUES
 (1, 'Origin', 'SRID=4326;POINT(0 0)', 'SRID=4326;POLYGON((0 0,1 0,1 1,0 1,0 0))'),
 (2, 'Null Island Cafe', NULL, NULL),
 (3, 'Paris', 'SRID=4326;POINT(2.3522 48.8566)', NULL);
ALTER SEQUENCE app.places_id_seq RESTART WITH 4;

ANALYZE;
