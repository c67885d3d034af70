-- Table versions (extension/cache/write_tracking.cpp): a table's version
-- changes at the commit of every transaction that wrote it, however it was
-- written, and the epoch changes with what cannot be attributed to tables.
-- Versions are opaque: the test only compares them.
CREATE SCHEMA cache_test;
SET search_path = cache_test, public;
CREATE TABLE items (id int PRIMARY KEY, name text);
CREATE TABLE bystander (id int);
CREATE TABLE item_log (id int);

-- INSERT: the version is the old one inside the writing transaction, and
-- changes at commit; a table the transaction did not write keeps its own.
SELECT gateway.table_version('items') AS v0, gateway.table_version('bystander') AS b0 \gset
BEGIN;
INSERT INTO items VALUES (1, 'one'), (2, 'two');
SELECT gateway.table_version('items') = :v0 AS unchanged_before_commit;
COMMIT;
SELECT gateway.table_version('items') <> :v0 AS bumped,
       gateway.table_version('bystander') = :b0 AS bystander_unchanged;

-- UPDATE and DELETE, in autocommit.
SELECT gateway.table_version('items') AS v0 \gset
UPDATE items SET name = 'uno' WHERE id = 1;
SELECT gateway.table_version('items') <> :v0 AS bumped_by_update;
SELECT gateway.table_version('items') AS v0 \gset
DELETE FROM items WHERE id = 2;
SELECT gateway.table_version('items') <> :v0 AS bumped_by_delete;

-- A data-modifying WITH in a SELECT, and MERGE.
SELECT gateway.table_version('items') AS v0, gateway.table_version('bystander') AS b0 \gset
WITH moved AS (INSERT INTO bystander VALUES (10) RETURNING id) SELECT count(*) FROM moved;
SELECT gateway.table_version('bystander') <> :b0 AS bumped_by_writable_cte,
       gateway.table_version('items') = :v0 AS items_unchanged;
SELECT gateway.table_version('items') AS v0 \gset
MERGE INTO items i USING (VALUES (1, 'eins'), (6, 'six')) AS s(id, name) ON i.id = s.id
  WHEN MATCHED THEN UPDATE SET name = s.name
  WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.name);
SELECT gateway.table_version('items') <> :v0 AS bumped_by_merge;

-- ROLLBACK bumps nothing.
SELECT gateway.table_version('items') AS v0 \gset
BEGIN;
INSERT INTO items VALUES (3, 'three');
UPDATE items SET name = 'one' WHERE id = 1;
ROLLBACK;
SELECT gateway.table_version('items') = :v0 AS unchanged_after_rollback;

-- A write in a rolled-back subtransaction may bump or not; the committed
-- writes of the transaction do.
SELECT gateway.table_version('bystander') AS b0 \gset
BEGIN;
SAVEPOINT s;
INSERT INTO items VALUES (4, 'four');
ROLLBACK TO SAVEPOINT s;
INSERT INTO bystander VALUES (1);
COMMIT;
SELECT gateway.table_version('bystander') <> :b0 AS bumped_despite_subtransaction;

-- EXPLAIN without ANALYZE writes nothing.
SELECT gateway.table_version('bystander') AS b0 \gset
EXPLAIN (COSTS OFF) DELETE FROM bystander;
SELECT gateway.table_version('bystander') = :b0 AS unchanged_by_explain;

-- COPY FROM STDIN.
SELECT gateway.table_version('items') AS v0 \gset
COPY items FROM STDIN;
5	five
\.
SELECT gateway.table_version('items') <> :v0 AS bumped_by_copy;

-- Partitions: a write through the parent bumps the partition the rows
-- went to, and a write to a partition bumps its parents.
CREATE TABLE readings (at date NOT NULL, v int) PARTITION BY RANGE (at);
CREATE TABLE readings_2026 PARTITION OF readings
  FOR VALUES FROM ('2026-01-01') TO ('2027-01-01') PARTITION BY RANGE (at);
CREATE TABLE readings_2026_h1 PARTITION OF readings_2026
  FOR VALUES FROM ('2026-01-01') TO ('2026-07-01');
CREATE TABLE readings_2026_h2 PARTITION OF readings_2026
  FOR VALUES FROM ('2026-07-01') TO ('2027-01-01');
SELECT gateway.table_version('readings') AS p0, gateway.table_version('readings_2026') AS m0,
       gateway.table_version('readings_2026_h1') AS h0,
       gateway.table_version('readings_2026_h2') AS k0 \gset
INSERT INTO readings_2026_h1 VALUES ('2026-02-01', 1);
SELECT gateway.table_version('readings') <> :p0 AS root_bumped,
       gateway.table_version('readings_2026') <> :m0 AS middle_bumped,
       gateway.table_version('readings_2026_h1') <> :h0 AS partition_bumped,
       gateway.table_version('readings_2026_h2') = :k0 AS sibling_unchanged;
SELECT gateway.table_version('readings') AS p0, gateway.table_version('readings_2026') AS m0,
       gateway.table_version('readings_2026_h2') AS k0 \gset
INSERT INTO readings VALUES ('2026-08-01', 2);
SELECT gateway.table_version('readings') <> :p0 AS root_bumped,
       gateway.table_version('readings_2026') <> :m0 AS middle_bumped,
       gateway.table_version('readings_2026_h2') <> :k0 AS routed_partition_bumped;
SELECT gateway.table_version('readings_2026_h1') AS h0 \gset
UPDATE readings SET v = v + 1 WHERE at = '2026-02-01';
SELECT gateway.table_version('readings_2026_h1') <> :h0 AS bumped_by_update_through_root;
-- An UPDATE that moves a row to another partition bumps both.
SELECT gateway.table_version('readings_2026_h1') AS h0,
       gateway.table_version('readings_2026_h2') AS k0 \gset
UPDATE readings SET at = '2026-09-01' WHERE at = '2026-02-01';
SELECT gateway.table_version('readings_2026_h1') <> :h0 AS source_bumped,
       gateway.table_version('readings_2026_h2') <> :k0 AS destination_bumped;
SELECT gateway.table_version('readings_2026_h1') AS h0 \gset
COPY readings FROM STDIN;
2026-03-01	3
\.
SELECT gateway.table_version('readings_2026_h1') <> :h0 AS bumped_by_copy_through_root;

-- Writes inside functions and triggers go through the executor too.
CREATE FUNCTION rename_item(item int, new_name text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE items SET name = new_name WHERE id = item;
END
$$;
CREATE FUNCTION log_item() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO item_log VALUES (NEW.id);
  RETURN NEW;
END
$$;
CREATE TRIGGER items_log AFTER UPDATE ON items FOR EACH ROW EXECUTE FUNCTION log_item();
SELECT gateway.table_version('items') AS v0, gateway.table_version('item_log') AS l0 \gset
SELECT rename_item(1, 'one');
SELECT gateway.table_version('items') <> :v0 AS bumped_by_function,
       gateway.table_version('item_log') <> :l0 AS bumped_by_trigger;
-- A DO block writes through the hooks and changes no epoch.
SELECT gateway.table_version('bystander') AS b0, gateway.cache_epoch() AS e0 \gset
DO $$ BEGIN INSERT INTO bystander VALUES (2); END $$;
SELECT gateway.table_version('bystander') <> :b0 AS bumped_by_do,
       gateway.cache_epoch() = :e0 AS epoch_unchanged;

-- ON DELETE CASCADE bumps the referencing table.
CREATE TABLE orders (id int PRIMARY KEY);
CREATE TABLE order_lines (order_id int REFERENCES orders ON DELETE CASCADE, n int);
INSERT INTO orders VALUES (1), (2);
INSERT INTO order_lines VALUES (1, 1), (1, 2), (2, 1);
SELECT gateway.table_version('order_lines') AS c0 \gset
DELETE FROM orders WHERE id = 1;
SELECT gateway.table_version('order_lines') <> :c0 AS child_bumped_by_cascade;

-- REFRESH MATERIALIZED VIEW bumps the view.
CREATE MATERIALIZED VIEW item_names AS SELECT name FROM items;
SELECT gateway.table_version('item_names') AS r0 \gset
REFRESH MATERIALIZED VIEW item_names;
SELECT gateway.table_version('item_names') <> :r0 AS matview_bumped;

-- The epoch: TRUNCATE, DDL and COMMENT change it, at commit.
SELECT gateway.cache_epoch() AS e0 \gset
TRUNCATE bystander;
SELECT gateway.cache_epoch() <> :e0 AS epoch_bumped_by_truncate;
SELECT gateway.cache_epoch() AS e0 \gset
BEGIN;
CREATE TABLE newcomer (id int);
SELECT gateway.cache_epoch() = :e0 AS epoch_unchanged_before_commit;
COMMIT;
SELECT gateway.cache_epoch() <> :e0 AS epoch_bumped_by_create_table;
SELECT gateway.cache_epoch() AS e0 \gset
COMMENT ON TABLE newcomer IS '@name arrival';
SELECT gateway.cache_epoch() <> :e0 AS epoch_bumped_by_comment;
SELECT gateway.cache_epoch() AS e0 \gset
BEGIN;
CREATE TABLE abandoned (id int);
ROLLBACK;
SELECT gateway.cache_epoch() = :e0 AS epoch_unchanged_after_rollback;
SELECT gateway.cache_epoch() AS e0 \gset
GRANT SELECT ON items TO PUBLIC;
SELECT gateway.cache_epoch() <> :e0 AS epoch_bumped_by_grant;
-- More tables in one transaction than are tracked (64): the epoch.
DO $$
BEGIN
  FOR i IN 1..70 LOOP
    EXECUTE format('CREATE TABLE many_%s (id int)', i);
  END LOOP;
END
$$;
SELECT gateway.cache_epoch() AS e0 \gset
DO $$
BEGIN
  FOR i IN 1..70 LOOP
    EXECUTE format('INSERT INTO many_%s VALUES (1)', i);
  END LOOP;
END
$$;
SELECT gateway.cache_epoch() <> :e0 AS epoch_bumped_by_overflow;
SELECT gateway.cache_epoch() AS e0 \gset
INSERT INTO many_1 VALUES (2);
SELECT gateway.cache_epoch() = :e0 AS epoch_unchanged_by_one_table;
-- Reads, SET and SHOW change nothing.
SELECT gateway.cache_epoch() AS e0 \gset
SELECT count(*) AS items FROM items;
SET work_mem = '8MB';
SHOW work_mem;
RESET work_mem;
BEGIN;
SET CONSTRAINTS ALL DEFERRED;
SELECT count(*) AS lines FROM order_lines;
COMMIT;
SELECT gateway.cache_epoch() = :e0 AS epoch_unchanged_by_reads;

-- Two-phase commit: nothing at PREPARE TRANSACTION, the epoch at COMMIT
-- PREPARED.
SELECT gateway.table_version('bystander') AS b0, gateway.cache_epoch() AS e0 \gset
BEGIN;
INSERT INTO bystander VALUES (3);
PREPARE TRANSACTION 'cache_test';
SELECT gateway.table_version('bystander') = :b0 AS unchanged_at_prepare,
       gateway.cache_epoch() = :e0 AS epoch_unchanged_at_prepare;
COMMIT PREPARED 'cache_test';
SELECT gateway.cache_epoch() <> :e0 AS epoch_bumped_by_commit_prepared;

SET client_min_messages = warning;
DROP SCHEMA cache_test CASCADE;
RESET client_min_messages;
RESET search_path;

-- @pgCacheControl smart tags, through the parser the schema build uses.
SELECT * FROM gateway.parse_cache_control(E'@pgCacheControl maxAge=60 scope=PUBLIC');
SELECT * FROM gateway.parse_cache_control(E'@name posts\n@pgCacheControl scope=private\nPosts.');
SELECT * FROM gateway.parse_cache_control(E'@pgCacheControl inheritMaxAge');
SELECT * FROM gateway.parse_cache_control(E'@pgCacheControl maxAge=0');
SELECT count(*) AS no_tag FROM gateway.parse_cache_control(E'Just a description.\n@pgCacheControl maxAge=1');
-- Malformed tags: the error the schema build logs (and then ignores the tag).
SELECT error FROM gateway.parse_cache_control(E'@pgCacheControl maxage=60');
SELECT error FROM gateway.parse_cache_control(E'@pgCacheControl maxAge=soon');
SELECT error FROM gateway.parse_cache_control(E'@pgCacheControl maxAge=-1');
SELECT error FROM gateway.parse_cache_control(E'@pgCacheControl maxAge=99999999999999999999');
SELECT error FROM gateway.parse_cache_control(E'@pgCacheControl scope=SHARED');
SELECT error FROM gateway.parse_cache_control(E'@pgCacheControl maxAge=1 maxAge=2');
SELECT error FROM gateway.parse_cache_control(E'@pgCacheControl maxAge=5 inheritMaxAge');
SELECT error FROM gateway.parse_cache_control(E'@pgCacheControl');
SELECT error FROM gateway.parse_cache_control(E'@pgCacheControl maxAge=1\n@pgCacheControl maxAge=2');
-- Every tag of a schema, on every kind of object.
CREATE SCHEMA regress_cc;
COMMENT ON SCHEMA regress_cc IS E'@pgCacheControl maxAge=30';
CREATE TABLE regress_cc.posts (id int PRIMARY KEY, body text);
COMMENT ON TABLE regress_cc.posts IS E'@pgCacheControl maxAge=300\nPosts.';
COMMENT ON COLUMN regress_cc.posts.body IS E'@pgCacheControl scope=PRIVATE';
CREATE VIEW regress_cc.recent AS SELECT * FROM regress_cc.posts;
COMMENT ON VIEW regress_cc.recent IS E'@pgCacheControl maxAge=ten';
CREATE TYPE regress_cc.address AS (street text);
COMMENT ON TYPE regress_cc.address IS E'@pgCacheControl inheritMaxAge';
CREATE FUNCTION regress_cc.posts_excerpt(p regress_cc.posts) RETURNS text
  LANGUAGE sql STABLE AS $$ SELECT left(p.body, 10) $$;
COMMENT ON FUNCTION regress_cc.posts_excerpt(regress_cc.posts) IS E'@pgCacheControl maxAge=10';
SELECT * FROM gateway.cache_control_tags('{regress_cc}');
DROP SCHEMA regress_cc CASCADE;
