-- The whole group-commit batch in one statement, so one round trip (docs/scale-out.md, "The
-- async Store and the PostgreSQL group commit"). Before, a batch was BEGIN, one insert per
-- table, tollgate_settle, one update per touched key and COMMIT: five or more round trips,
-- each costing the gateway more CPU than the rows it carried. A single statement outside an
-- explicit transaction commits on its own, atomically, and its reply comes after the commit
-- (synchronous_commit = on): an entry resolved by it is on disk.
--
-- `batch` is {"log": [...], "media": [...], "idem": [...], "charges": [...], "touches": [...]}:
-- rows keyed by column name (each table's own row type reads them, so a column added later
-- needs no change here), charges as tollgate_settle takes them, touches as [key id, at].
-- In the order the statements ran before: rows, then charges (a ledger entry names its
-- request, whose log row is in the batch), then the log rows of capped charges, then the
-- keys' last uses, taken in key order so two batches touching the same keys lock them in
-- one order.
CREATE OR REPLACE FUNCTION tollgate_commit_batch(batch jsonb)
RETURNS TABLE(ledger_id text, account_id text, key_id text, charged bigint, balance bigint, version bigint, key_used bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  s record;
  t record;
BEGIN
  IF batch ? 'log' THEN
    INSERT INTO request_log SELECT * FROM jsonb_populate_recordset(NULL::request_log, batch->'log');
  END IF;
  IF batch ? 'media' THEN
    INSERT INTO generated_media SELECT * FROM jsonb_populate_recordset(NULL::generated_media, batch->'media');
  END IF;
  -- A stored response replaces an older one under the same key (the old one has expired).
  -- The caller sends one row per key: two in one statement fail ("cannot affect row a second time").
  IF batch ? 'idem' THEN
    INSERT INTO idempotency SELECT * FROM jsonb_populate_recordset(NULL::idempotency, batch->'idem')
      ON CONFLICT (key_id, idem_key) DO UPDATE SET
        body_hash = excluded.body_hash, status = excluded.status, headers = excluded.headers,
        body = excluded.body, created_at = excluded.created_at;
  END IF;
  IF batch ? 'charges' THEN
    FOR s IN
      WITH r AS MATERIALIZED (SELECT * FROM tollgate_settle(batch->'charges')),
           c AS (SELECT DISTINCT ON (e->>'ledgerId') e->>'ledgerId' AS id, (e->>'amount')::bigint AS asked,
                        e->>'requestId' AS request_id
                   FROM jsonb_array_elements(batch->'charges') AS e)
      SELECT r.*, c.asked, c.request_id FROM r JOIN c ON c.id = r.ledger_id
    LOOP
      -- A charge capped here (another replica spent the money first): the request's row
      -- says what was charged, as the ledger does.
      IF s.charged < s.asked THEN
        UPDATE request_log l SET cost = s.charged WHERE l.id = s.request_id AND l.cost = s.asked;
      END IF;
      ledger_id := s.ledger_id;
      account_id := s.account_id;
      key_id := s.key_id;
      charged := s.charged;
      balance := s.balance;
      version := s.version;
      key_used := s.key_used;
      RETURN NEXT;
    END LOOP;
  END IF;
  IF batch ? 'touches' THEN
    FOR t IN
      SELECT x->>0 AS id, max((x->>1)::bigint) AS at
        FROM jsonb_array_elements(batch->'touches') AS x GROUP BY 1 ORDER BY 1
    LOOP
      UPDATE api_keys k SET last_used_at = greatest(coalesce(k.last_used_at, 0), t.at) WHERE k.id = t.id;
    END LOOP;
  END IF;
END
$$;
