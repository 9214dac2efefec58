-- One row per charged request (docs/performance.md, "The durable commit"): the request's log
-- row carries its charge (ledger_id, balance_after, charged_at, position), and `ledger` is now
-- a view over ledger_entries (every other movement, and every entry written before this) and
-- those log rows. drizzle-kit generated this from the schema but, for the table, as a new
-- table and a DROP (its rename path fails on this table: "Cannot read properties of undefined
-- (reading 'columns')"); edited into a rename, which keeps every row, the identity sequence's
-- position and the commit-order trigger of 0005. Names follow the new table's, as the
-- snapshot has them.
ALTER TABLE "ledger" RENAME TO "ledger_entries";--> statement-breakpoint
ALTER TABLE "ledger_entries" RENAME CONSTRAINT "ledger_pkey" TO "ledger_entries_pkey";--> statement-breakpoint
ALTER TABLE "ledger_entries" RENAME CONSTRAINT "ledger_account_id_accounts_id_fk" TO "ledger_entries_account_id_accounts_id_fk";--> statement-breakpoint
ALTER SEQUENCE "ledger_position_seq" RENAME TO "ledger_entries_position_seq";--> statement-breakpoint
ALTER TABLE "request_log" ADD COLUMN "ledger_id" text;--> statement-breakpoint
ALTER TABLE "request_log" ADD COLUMN "balance_after" bigint;--> statement-breakpoint
ALTER TABLE "request_log" ADD COLUMN "charged_at" bigint;--> statement-breakpoint
ALTER TABLE "request_log" ADD COLUMN "position" bigint;--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_entries_position" ON "ledger_entries" USING btree ("position");--> statement-breakpoint
CREATE INDEX "request_log_position" ON "request_log" USING btree ("position") WHERE "request_log"."position" IS NOT NULL;--> statement-breakpoint
CREATE VIEW "public"."ledger" AS ((select "id", "account_id", "kind", "amount", "balance_after", "key_id", "request_id", "note", "created_at", "position" from "ledger_entries") union all (select "ledger_id" as "id", "account_id" as "account_id", 'charge'::text as "kind", -"cost" as "amount", "balance_after" as "balance_after", "key_id", "id" as "request_id", NULL::text as "note", "charged_at" as "created_at", "position" as "position" from "request_log" where "request_log"."balance_after" IS NOT NULL));--> statement-breakpoint
-- Other tools' INSERT INTO ledger lands in ledger_entries (its statement trigger of 0005
-- takes the commit-order lock; the identity numbers it).
CREATE OR REPLACE FUNCTION tollgate_ledger_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ledger_entries (id, account_id, kind, amount, balance_after, key_id, request_id, note, created_at)
    VALUES (NEW.id, NEW.account_id, NEW.kind, NEW.amount, NEW.balance_after, NEW.key_id, NEW.request_id, NEW.note, NEW.created_at);
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER ledger_insert INSTEAD OF INSERT ON ledger
  FOR EACH ROW EXECUTE FUNCTION tollgate_ledger_insert();--> statement-breakpoint
-- tollgate_settle as in 0005, with one change: a charge marked `logged` (its request's log
-- row is in the same batch, and carries it) writes no ledger entry; it takes its position
-- from the ledger's sequence here, under the commit-order lock, and returns it for the log
-- row. It returns the position of every charge it wrote (a new column: hence DROP, CREATE).
-- Idempotent by ledger id as before, wherever the charge was written.
DROP FUNCTION tollgate_settle(jsonb);--> statement-breakpoint
CREATE FUNCTION tollgate_settle(charges jsonb)
RETURNS TABLE(ledger_id text, account_id text, key_id text, charged bigint, balance bigint, version bigint, key_used bigint, "position" bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_variable
DECLARE
  c jsonb;
  v_amount bigint;
  v_limit bigint;
  v_period text;
  v_logged boolean;
BEGIN
  IF jsonb_array_length(charges) > 0 THEN
    PERFORM tollgate_ledger_lock();
  END IF;
  FOR c IN
    SELECT e FROM jsonb_array_elements(charges) AS e ORDER BY e->>'accountId', e->>'keyId', e->>'ledgerId'
  LOOP
    ledger_id := c->>'ledgerId';
    account_id := c->>'accountId';
    key_id := c->>'keyId';
    "position" := NULL;
    v_logged := coalesce((c->>'logged')::boolean, false);
    SELECT a.balance, a.version INTO balance, version FROM accounts a WHERE a.id = account_id FOR UPDATE;
    IF NOT FOUND THEN
      CONTINUE;
    END IF;
    SELECT k.used, k.spend_limit, k.budget_period INTO key_used, v_limit, v_period
      FROM api_keys k WHERE k.id = key_id FOR UPDATE;
    -- Settled before: an entry of ledger_entries, or a log row carrying it (found by its
    -- request, the primary key, then its ledger id).
    IF NOT v_logged THEN
      SELECT -l.amount, l.position INTO charged, "position" FROM ledger_entries l WHERE l.id = ledger_id;
    END IF;
    IF v_logged OR NOT FOUND THEN
      SELECT l.cost, l.position INTO charged, "position" FROM request_log l
        WHERE l.id = c->>'requestId' AND l.ledger_id = ledger_id;
    END IF;
    IF FOUND THEN
      RETURN NEXT;
      CONTINUE;
    END IF;
    v_amount := least((c->>'amount')::bigint, greatest(balance, 0));
    IF v_limit IS NOT NULL AND v_period IS NULL THEN
      v_amount := least(v_amount, greatest(v_limit - coalesce(key_used, 0), 0));
    END IF;
    charged := greatest(v_amount, 0);
    IF charged > 0 THEN
      UPDATE accounts a SET balance = a.balance - charged, used = a.used + charged, version = a.version + 1
        WHERE a.id = account_id RETURNING a.balance, a.version INTO balance, version;
      UPDATE api_keys k SET used = k.used + charged,
          last_used_at = greatest(coalesce(k.last_used_at, 0), (c->>'at')::bigint)
        WHERE k.id = key_id RETURNING k.used INTO key_used;
      IF v_logged THEN
        "position" := nextval('ledger_entries_position_seq');
      ELSE
        INSERT INTO ledger_entries (id, account_id, kind, amount, balance_after, key_id, request_id, note, created_at)
          VALUES (ledger_id, account_id, 'charge', -charged, balance, key_id, c->>'requestId', NULL, (c->>'at')::bigint)
          RETURNING ledger_entries.position INTO "position";
      END IF;
    END IF;
    RETURN NEXT;
  END LOOP;
END
$$;--> statement-breakpoint
-- tollgate_commit_batch as in 0006, with the charges settled before the log rows are
-- inserted: a logged charge's log row goes in carrying it (ledger id, balance after, when,
-- position; its cost what was charged, capped or not), so a charged request is one row.
-- A charge that is not logged is a ledger entry as before, its log row's cost corrected
-- when capped.
CREATE OR REPLACE FUNCTION tollgate_commit_batch(batch jsonb)
RETURNS TABLE(ledger_id text, account_id text, key_id text, charged bigint, balance bigint, version bigint, key_used bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  s record;
  t record;
  v_settled jsonb := '[]';
BEGIN
  IF batch ? 'charges' THEN
    WITH r AS MATERIALIZED (SELECT * FROM tollgate_settle(batch->'charges')),
         c AS (SELECT DISTINCT ON (e->>'ledgerId') e->>'ledgerId' AS id, (e->>'amount')::bigint AS asked,
                      e->>'requestId' AS request_id, (e->>'at')::bigint AS at,
                      coalesce((e->>'logged')::boolean, false) AS logged
                 FROM jsonb_array_elements(batch->'charges') AS e)
    SELECT coalesce(jsonb_agg(to_jsonb(q)), '[]') INTO v_settled
      FROM (SELECT r.*, c.asked, c.request_id, c.at, c.logged FROM r JOIN c ON c.id = r.ledger_id) q;
  END IF;
  -- The log rows, each that carries its charge patched with it (jsonb_populate_record over
  -- the row: only the patch's columns change). OFFSET 0 keeps the subquery whole, so the
  -- patch runs once per row, not once per column of (p).*.
  IF batch ? 'log' THEN
    INSERT INTO request_log
      SELECT (q.p).* FROM (
        SELECT CASE WHEN m.patch IS NULL THEN l ELSE jsonb_populate_record(l, m.patch) END AS p
          FROM jsonb_populate_recordset(NULL::request_log, batch->'log') AS l
          LEFT JOIN (
            SELECT v->>'request_id' AS rid,
                   CASE WHEN v->'position' = 'null'::jsonb THEN jsonb_build_object('cost', v->'charged')
                   ELSE jsonb_build_object('cost', v->'charged', 'ledger_id', v->'ledger_id',
                     'balance_after', v->'balance', 'charged_at', v->'at', 'position', v->'position')
                   END AS patch
              FROM jsonb_array_elements(v_settled) AS v
             WHERE (v->>'logged')::boolean) m ON m.rid = l.id
        OFFSET 0) q;
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
  FOR s IN
    SELECT * FROM jsonb_to_recordset(v_settled) AS q(ledger_id text, account_id text, key_id text,
      charged bigint, balance bigint, version bigint, key_used bigint, asked bigint, request_id text, logged boolean)
  LOOP
    -- A charge capped here (another replica spent the money first), not carried by its
    -- log row: the request's row says what was charged, as the ledger does.
    IF NOT s.logged AND s.charged < s.asked THEN
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
