import { Elysia } from "elysia";
import { RequestFilter } from "../requests/model.ts";
import { LedgerExportQuery } from "./model.ts";
import { type ExportsDeps, ledgerCsv, requestsCsv } from "./service.ts";

const tags = ["Admin: exports"];

/** CSV downloads, streamed page by page from the database (never built whole in memory). */
export const exportsAdmin = (gw: ExportsDeps) =>
  new Elysia({ name: "admin-exports" })
    .get("/exports/requests.csv", ({ query }) => requestsCsv(gw, query), {
      query: RequestFilter,
      detail: { summary: "The request log as CSV (the log's filters; any time range), streamed", tags },
    })
    .get("/exports/ledger.csv", ({ query }) => ledgerCsv(gw, query), {
      query: LedgerExportQuery,
      detail: { summary: "Ledger entries as CSV, of one account or all, in a time range, streamed", tags },
    });
