/**
 * A time-ordered id: the prefix and a UUIDv7 as 32 hex digits (its dashes dropped). Request
 * ids (`req_`, also the request log's primary key), ledger entries (`txn_`) and accounts
 * (`acc_`) sort by creation.
 */
export const newId = (prefix: string) => {
  const u = Bun.randomUUIDv7();
  return `${prefix}_${u.slice(0, 8)}${u.slice(9, 13)}${u.slice(14, 18)}${u.slice(19, 23)}${u.slice(24)}`;
};
