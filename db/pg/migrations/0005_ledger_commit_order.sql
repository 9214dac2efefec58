-- Ledger positions in commit order (docs/scale-out.md, "Ledger order on PostgreSQL").
-- `position` is an identity, taken at insert: without more, two transactions in flight
-- could commit out of position order, and a reader of "entries after p" (the account
-- book's refresh, the ledger export) could see p+2, move past it, and miss p+1 when it
-- lands. Every transaction that writes the ledger now takes one transaction-scoped
-- advisory lock before its first ledger row, and holds it to its commit: positions are
-- then handed out one writer at a time, in the order the writers commit, so whenever a
-- position is visible every lower one is too. Writers that also lock account rows take
-- the ledger lock first (tollgate_settle below, the Store's credit), so the two locks are
-- always taken in one order and never deadlock. The statement trigger is the net for
-- every other insert (opening balances, migrate-db's copy).
CREATE OR REPLACE FUNCTION tollgate_ledger_lock() RETURNS void
LANGUAGE sql AS $$ SELECT pg_advisory_xact_lock(7436011) $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tollgate_ledger_order() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM tollgate_ledger_lock();
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER ledger_commit_order BEFORE INSERT ON ledger
  FOR EACH STATEMENT EXECUTE FUNCTION tollgate_ledger_order();
--> statement-breakpoint
-- tollgate_settle as in 0001, with two changes: the ledger lock first (above), and a key
-- with a budget period is not capped here by its lifetime spend (what `used` counts):
-- its limit caps the spend since the period began, which the replicas' reservations
-- check (docs/scale-out.md); capping by `used` charged nothing once a key's lifetime
-- spend passed its per-period limit.
CREATE OR REPLACE FUNCTION tollgate_settle(charges jsonb)
RETURNS TABLE(ledger_id text, account_id text, key_id text, charged bigint, balance bigint, version bigint, key_used bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_variable
DECLARE
  c jsonb;
  v_amount bigint;
  v_limit bigint;
  v_period text;
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
    SELECT a.balance, a.version INTO balance, version FROM accounts a WHERE a.id = account_id FOR UPDATE;
    IF NOT FOUND THEN
      CONTINUE;
    END IF;
    SELECT k.used, k.spend_limit, k.budget_period INTO key_used, v_limit, v_period
      FROM api_keys k WHERE k.id = key_id FOR UPDATE;
    SELECT -l.amount INTO charged FROM ledger l WHERE l.id = ledger_id;
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
      INSERT INTO ledger (id, account_id, kind, amount, balance_after, key_id, request_id, note, created_at)
        VALUES (ledger_id, account_id, 'charge', -charged, balance, key_id, c->>'requestId', NULL, (c->>'at')::bigint);
    END IF;
    RETURN NEXT;
  END LOOP;
END
$$;
