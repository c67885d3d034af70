-- Trusted documents (GraphQL persisted operations): the trusted_documents
-- table (an extension configuration table) and trust_document().

-- The GraphQL documents clients may run by hash, for
-- pg_gateway.trusted_documents = 'allow' (a request may send
-- {"documentId": "sha256:<hex>"}, or Apollo's
-- extensions.persistedQuery.sha256Hash, instead of the query) and 'only'
-- (nothing else runs). The hash is the SHA-256 of the document's UTF-8
-- text, in lower-case hex; the CHECK keeps a row from lying about it.
-- Only superusers read or write the table: the HTTP workers read it with
-- their own connection, before switching to the request's role.
CREATE TABLE @extschema@.trusted_documents (
  hash text PRIMARY KEY CHECK (hash ~ '^[0-9a-f]{64}$'),
  document text NOT NULL,
  name text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT trusted_documents_hash_matches
    CHECK (hash = encode(sha256(convert_to(document, 'UTF8')), 'hex'))
);
COMMENT ON TABLE @extschema@.trusted_documents IS
  'GraphQL documents clients may run by hash (pg_gateway.trusted_documents)';
REVOKE ALL ON @extschema@.trusted_documents FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.trusted_documents', '');

-- Adds a document (or names one already there) and returns the id a
-- client sends: 'sha256:<hex>'.
CREATE FUNCTION @extschema@.trust_document(document text, name text DEFAULT NULL)
RETURNS text LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
  INSERT INTO @extschema@.trusted_documents AS t (hash, document, name)
  VALUES (encode(sha256(convert_to(document, 'UTF8')), 'hex'), document, name)
  ON CONFLICT (hash) DO UPDATE SET name = coalesce(EXCLUDED.name, t.name)
  RETURNING 'sha256:' || t.hash
$$;
REVOKE ALL ON FUNCTION @extschema@.trust_document(text, text) FROM PUBLIC;
