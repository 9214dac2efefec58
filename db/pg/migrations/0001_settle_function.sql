-- Settles a batch of charges in one round trip (docs/scale-out.md). Each charge is the
-- upstream-reported cost capped at what the account's balance and the key's spend limit
-- leave, so no interleaving of replicas takes a balance below zero or a key past its
-- limit, whatever Redis believed. Rows are locked in (account, key) order, so two batches
-- never deadlock. A charge whose ledger id already exists is not charged again: a batch
-- retried after a lost reply (PostgreSQL failover) charges nothing twice.
CREATE OR REPLACE FUNCTION tollgate_settle(charges jsonb)
RETURNS TABLE(ledger_id text, account_id text, key_id text, charged bigint, balance bigint, version bigint, key_used bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_variable
DECLARE
  c jsonb;
  v_amount bigint;
  v_limit bigint;
BEGIN
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
    SELECT k.used, k.spend_limit INTO key_used, v_limit FROM api_keys k WHERE k.id = key_id FOR UPDATE;
    SELECT -l.amount INTO charged FROM ledger l WHERE l.id = ledger_id;
    IF FOUND THEN
      RETURN NEXT;
      CONTINUE;
    END IF;
    v_amount := least((c->>'amount')::bigint, greatest(balance, 0));
    IF v_limit IS NOT NULL THEN
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
