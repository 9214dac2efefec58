import type { z } from "zod";
import type { LedgerExportRow } from "../../../db/queries/billing.ts";
import type { LedgerExportFilter } from "../../../db/queries/ledger-export.ts";
import type { RequestSearch } from "../../../db/queries/predicates.ts";
import type { NamedRequestRow } from "../../../db/queries/requests.ts";
import { formatAmount } from "../../billing/money.ts";
import { notFound } from "../../errors.ts";
import type { Attempt } from "../../usage-log/request-log.ts";
import type { RequestFilter } from "../requests/model.ts";
import { requestSearch } from "../requests/service.ts";
import type { AdminServices } from "../services.ts";
import { iso } from "../shared.ts";
import { type Cell, csvResponse, csvStream, day } from "./csv.ts";
import type { LedgerExportQuery } from "./model.ts";

/** What this resource reads and writes. */
export type ExportsDeps = Pick<AdminServices, "store" | "book" | "settings">;

const money = (units: number): Cell => ({ decimal: formatAmount(units) });

/** Each failed attempt as `provider/model upstream-status: message`, in order. */
const failures = (attempts: unknown[] | null) =>
  ((attempts ?? []) as Attempt[])
    .filter((a) => a.status !== 200)
    .map(
      (a) =>
        `${a.provider}/${a.model} ${a.upstreamStatus ?? a.status ?? "no answer"}: ${a.message ?? a.error ?? ""}`,
    )
    .join(" | ");

const REQUEST_COLUMNS = [
  "id",
  "created_at",
  "key_id",
  "key_name",
  "account_id",
  "account_name",
  "endpoint",
  "model",
  "provider",
  "upstream_model",
  "status",
  "outcome",
  "stream",
  "input_tokens",
  "cached_tokens",
  "cache_write_tokens",
  "output_tokens",
  "cost",
  "currency",
  "latency_ms",
  "ttft_ms",
  "error_code",
  "error_message",
  "failed_attempts",
];

/** Every matching request, newest first, `size` at a time (each page read when the reader wants it). */
async function* requestPages(
  gw: ExportsDeps,
  f: RequestSearch,
  size = 1000,
): AsyncGenerator<NamedRequestRow[]> {
  let after: { createdAt: number; id: string } | null = null;
  for (;;) {
    const rows = await gw.store.requests.after(f, after, size);
    if (rows.length > 0) yield rows;
    if (rows.length < size) return;
    const last = rows[rows.length - 1]!;
    after = { createdAt: last.createdAt, id: last.id };
  }
}

/** Ledger entries in commit order, `size` at a time (each page read when the reader wants it). */
async function* ledgerPages(
  gw: ExportsDeps,
  f: LedgerExportFilter,
  size = 1000,
): AsyncGenerator<LedgerExportRow[]> {
  let after = 0;
  for (;;) {
    const rows = await gw.store.ledger.exportAfter(f, after, size);
    if (rows.length > 0) yield rows;
    if (rows.length < size) return;
    after = rows[rows.length - 1]!.seq;
  }
}

/** The request log as CSV, newest first, with the log page's filters. */
export function requestsCsv(gw: ExportsDeps, q: z.infer<typeof RequestFilter>): Response {
  const currency = gw.settings.currency;
  const body = csvStream(REQUEST_COLUMNS, requestPages(gw, requestSearch(q)), (r) => [
    r.id,
    iso(r.createdAt),
    r.keyId,
    r.keyName,
    r.accountId,
    r.accountName,
    r.endpoint,
    r.model,
    r.provider,
    r.upstreamModel,
    r.status,
    r.outcome,
    r.stream,
    r.inputTokens,
    r.cachedTokens,
    r.cacheWriteTokens,
    r.outputTokens,
    money(r.cost),
    currency,
    r.latencyMs,
    r.ttftMs,
    r.errorCode,
    r.errorMessage,
    failures(r.attempts),
  ]);
  return csvResponse(body, `tollgate-requests-${day(q.from, "start")}-to-${day(q.to, "now")}.csv`);
}

const LEDGER_COLUMNS = [
  "id",
  "created_at",
  "account_id",
  "account_name",
  "kind",
  "amount",
  "balance_after",
  "currency",
  "key_id",
  "key_name",
  "request_id",
  "model",
  "note",
];

/** Ledger entries as CSV in commit order (balance_after follows it), of one account or all. */
export function ledgerCsv(gw: ExportsDeps, q: z.infer<typeof LedgerExportQuery>): Response {
  if (q.account_id && !gw.book.get(q.account_id))
    throw notFound(`No account with id '${q.account_id}'.`, "account_not_found");
  const currency = gw.settings.currency;
  const body = csvStream(
    LEDGER_COLUMNS,
    ledgerPages(gw, { accountId: q.account_id, from: q.from, to: q.to }),
    (e) => [
      e.id,
      iso(e.createdAt),
      e.accountId,
      e.accountName,
      e.kind,
      money(e.amount),
      money(e.balanceAfter),
      currency,
      e.keyId,
      e.keyName,
      e.requestId,
      e.model,
      e.note,
    ],
  );
  const who = q.account_id ? `-${q.account_id}` : "";
  return csvResponse(body, `tollgate-ledger${who}-${day(q.from, "start")}-to-${day(q.to, "now")}.csv`);
}
