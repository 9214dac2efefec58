/**
 * The Redis scripts that hold money for calls across replicas (docs/scale-out.md). Each
 * runs atomically in Redis's one thread, so no interleaving of replicas can admit holds
 * beyond an account's balance or a key's spend limit. Every key of one account carries the
 * account id as a hash tag ({A}), so an account's state lives in one slot.
 *
 *   tg:{A}:acct        hash   balance, version (PostgreSQL's, newest wins), reserved
 *   tg:{A}:key:<K>     hash   used, limit ("" for none), reserved
 *   tg:{A}:holds       zset   hold id -> its lease's expiry (ms, Redis's clock)
 *   tg:{A}:hold        hash   hold id -> "<amount>|<key id>"
 *
 * Time is read with TIME inside the script: replicas' clocks never decide a lease.
 *
 * Amounts travel as the replica's decimal text (ARGV) into HINCRBY and the hold records, never
 * as a Lua number made text: Lua 5.1 writes a number with "%.14g", so 1.5e14 nano-units (100,000
 * currency units, a few dollars in IDR or VND) would become "1.5e+14", which HINCRBY refuses and
 * a hold record could not be read back from.
 *
 * A hold whose lease ran out may have been charged in PostgreSQL with its release lost (a
 * dropped connection, a replica killed between its commit and its release): the mirrors it
 * touched are marked `stale`, and the next reservation on them answers "missing" so the replica
 * reloads them from PostgreSQL first. That matters for a key with a budget period, whose spend
 * PostgreSQL does not cap (only this mirror limits it), and keeps the balance exact too.
 */
import { WINDOWS_LUA } from "./rate-windows.ts";

/** Shared by every script: drop the holds whose lease passed, returning their money. */
const PURGE = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- Ends a hold: its amount leaves the account's and the key's reserved. Returns whether it
-- was open, and its key's hash. A record it cannot read (none is written so) is dropped
-- without touching the sums rather than failing every script on the account.
local function drop(acct, holds, hold, base, id)
  local v = redis.call('HGET', hold, id)
  local keyhash = nil
  if v then
    local amount, key = string.match(v, '^(%d+)|(.*)$')
    if amount then
      keyhash = base .. 'key:' .. key
      -- A priced call's first hold may be 0 (its windows counted): Redis reads "-0" as no integer.
      if amount ~= '0' then
        redis.call('HINCRBY', acct, 'reserved', '-' .. amount)
        redis.call('HINCRBY', keyhash, 'reserved', '-' .. amount)
      end
    end
    redis.call('HDEL', hold, id)
  end
  return redis.call('ZREM', holds, id), keyhash
end
-- Drops the holds whose lease passed; their mirrors are stale (see the header).
local function purge(acct, holds, hold, base, now)
  local expired = redis.call('ZRANGE', holds, '-inf', now, 'BYSCORE')
  for _, id in ipairs(expired) do
    local _, keyhash = drop(acct, holds, hold, base, id)
    if redis.call('EXISTS', acct) == 1 then redis.call('HSET', acct, 'stale', 1) end
    if keyhash and redis.call('EXISTS', keyhash) == 1 then redis.call('HSET', keyhash, 'stale', 1) end
  end
  return #expired
end
`;

/**
 * Reserves a hold, and for a priced call's first reservation decides its rate windows in
 * the same step (one round trip before the upstream, docs/scale-out.md).
 * KEYS: acct, holds, hold, key, then the rate windows (none: a plain reservation).
 * ARGV: base ("tg:{A}:"), hold id, key id, amount, lease ms, the key's spend limit as the
 * replica knows it ("" for none, "~" to leave the mirror's; an admin's change of a limit
 * reaches Redis with the next reservation), then the windows' arguments (WINDOWS_LUA: the
 * request's id, then limit, size, mode per window).
 * Order: the windows are checked first, then the money; only when both admit are the
 * windows counted and the hold made, so a refused request counts and holds nothing.
 * Returns {1, account free after, key free after (-1: no limit), the windows' verdict ({}
 * without windows)} when admitted; {2, the windows' verdict} when a window refused;
 * {0, "account"|"key", free} when the money refused; {-1, "account"|"key"} when the mirror
 * is missing.
 */
export const RESERVE = `${PURGE}${WINDOWS_LUA}
local acct, holds, hold, key = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local base, id, key_id, amount, lease = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
if redis.call('EXISTS', acct) == 0 then return {-1, 'account'} end
if redis.call('EXISTS', key) == 0 then return {-1, 'key'} end
local now = now_ms()
purge(acct, holds, hold, base, now)
if redis.call('HEXISTS', acct, 'stale') == 1 then return {-1, 'account'} end
if redis.call('HEXISTS', key, 'stale') == 1 then return {-1, 'key'} end
local verdict, windows = {}, nil
if #KEYS > 4 then
  verdict, windows = windows_check(4, 6, now)
  if verdict[1] ~= 1 then return {2, verdict} end
end
if ARGV[6] ~= '~' then redis.call('HSET', key, 'limit', ARGV[6]) end
local a = redis.call('HMGET', acct, 'balance', 'reserved')
local free = tonumber(a[1]) - tonumber(a[2] or 0)
if amount > free then return {0, 'account', free} end
local k = redis.call('HMGET', key, 'used', 'limit', 'reserved')
local key_free = -1
if k[2] and k[2] ~= '' then
  key_free = tonumber(k[2]) - tonumber(k[1] or 0) - tonumber(k[3] or 0)
  if amount > key_free then return {0, 'key', key_free} end
  key_free = key_free - amount
end
if windows then windows_count(4, 6, now, windows) end
redis.call('HINCRBY', acct, 'reserved', ARGV[4])
redis.call('HINCRBY', key, 'reserved', ARGV[4])
redis.call('ZADD', holds, now + lease, id)
redis.call('HSET', hold, id, ARGV[4] .. '|' .. key_id)
return {1, free - amount, key_free, verdict}
`;

/**
 * Ends one hold (settled or abandoned) and applies what PostgreSQL returned, if newer:
 * `balance` and `version` ("" to leave the account), the key's lifetime `used` ("" to leave
 * it), and `charged`, an amount to add to the key's spend ("" or nil: none): a key with a
 * budget period has one hash per period, counting the spend since the period began, which
 * PostgreSQL does not return, so each charge adds itself. Returns 1 when the hold was still
 * open, 0 when its lease had already dropped it.
 */
const RELEASE_ONE = `${PURGE}
local function release_one(acct, holds, hold, key, base, id, balance, version, used, charged)
  local was_open = (drop(acct, holds, hold, base, id))
  if balance ~= '' and redis.call('EXISTS', acct) == 1 then
    local current = tonumber(redis.call('HGET', acct, 'version') or '-1')
    if tonumber(version) > current then redis.call('HSET', acct, 'balance', balance, 'version', version) end
  end
  if used ~= '' and redis.call('EXISTS', key) == 1 then
    -- A key's spend only grows by charges: the larger value is the newer one.
    local current = tonumber(redis.call('HGET', key, 'used') or '0')
    if tonumber(used) > current then redis.call('HSET', key, 'used', used) end
  end
  if charged and charged ~= '' and redis.call('EXISTS', key) == 1 then
    redis.call('HINCRBY', key, 'used', charged)
  end
  return was_open
end
`;

/**
 * Releases one hold (RELEASE_ONE). KEYS: acct, holds, hold, key. ARGV: base, hold id,
 * balance, version, key used, and optionally the amount the key's period hash adds.
 */
export const RELEASE = `${RELEASE_ONE}
return release_one(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6])
`;

/**
 * Releases every hold a group commit settled (or a turn abandoned), in one script: the
 * holds of a batch share one round trip instead of one each. For hold i (from 0): KEYS
 * 4i+1..4i+4 are its acct, holds, hold, key; ARGV 6i+1..6i+6 its base, hold id, balance,
 * version, key used, key charged (as RELEASE_ONE). Holds on one account are applied in
 * order; the version check keeps the newest balance whatever the order. Returns each
 * hold's "was open" (1/0), in order.
 */
export const RELEASE_MANY = `${RELEASE_ONE}
local out = {}
for i = 0, #KEYS / 4 - 1 do
  local k, a = 4 * i, 6 * i
  out[i + 1] = release_one(KEYS[k + 1], KEYS[k + 2], KEYS[k + 3], KEYS[k + 4],
    ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], ARGV[a + 5], ARGV[a + 6])
end
return out
`;

/**
 * Loads or refreshes the mirror from PostgreSQL without touching open holds.
 * KEYS: acct, key. ARGV: balance, version, key used, key limit ("" for none).
 */
export const MIRROR = `
local acct, key = KEYS[1], KEYS[2]
local balance, version, used, limit = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local current = tonumber(redis.call('HGET', acct, 'version') or '-1')
if tonumber(version) >= current then redis.call('HSET', acct, 'balance', balance, 'version', version) end
redis.call('HSETNX', acct, 'reserved', 0)
local kused = tonumber(redis.call('HGET', key, 'used') or '-1')
if tonumber(used) > kused then redis.call('HSET', key, 'used', used) end
redis.call('HSET', key, 'limit', limit)
redis.call('HSETNX', key, 'reserved', 0)
-- Reloaded from the books: no longer stale (a lease that ran out, see the header).
redis.call('HDEL', acct, 'stale')
redis.call('HDEL', key, 'stale')
return 1
`;

/** Pushes the leases of a replica's open holds forward. KEYS: holds. ARGV: lease ms, hold ids... */
export const RENEW = `
local t = redis.call('TIME')
local until_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
local renewed = 0
for i = 2, #ARGV do renewed = renewed + redis.call('ZADD', KEYS[1], 'XX', 'GT', 'CH', until_ms, ARGV[i]) end
return renewed
`;

/**
 * Puts back a hold admitted before Redis lost its state (a restart): no balance check, since
 * it was admitted then and its call is still running. A no-op for a hold Redis still has.
 * KEYS: acct, holds, hold, key (their mirrors loaded first). ARGV: base, hold id, key id, amount, lease ms.
 */
export const REPOST = `
local acct, holds, hold, key = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local id, key_id, lease = ARGV[2], ARGV[3], tonumber(ARGV[5])
if redis.call('HEXISTS', hold, id) == 1 then return 0 end
local t = redis.call('TIME')
redis.call('HINCRBY', acct, 'reserved', ARGV[4])
redis.call('HINCRBY', key, 'reserved', ARGV[4])
redis.call('ZADD', holds, tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + lease, id)
redis.call('HSET', hold, id, ARGV[4] .. '|' .. key_id)
return 1
`;

/**
 * Moves an account's mirror to a newer balance (a top-up or an adjustment committed in
 * PostgreSQL). KEYS: acct. ARGV: balance, version. A missing mirror stays missing: the next
 * reservation loads it whole.
 */
export const ACCOUNT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '-1')
if tonumber(ARGV[2]) <= current then return 0 end
redis.call('HSET', KEYS[1], 'balance', ARGV[1], 'version', ARGV[2])
return 1
`;
