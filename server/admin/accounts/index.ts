import { Elysia } from "elysia";
import { Adjustment, CreateAccount, LedgerQuery, Refund, Topup, UpdateAccount, UsageQuery } from "./model.ts";
import { type AccountsDeps, accountsService as svc } from "./service.ts";

const tags = ["Admin: accounts"];

export const accountsAdmin = (gw: AccountsDeps) =>
  new Elysia({ name: "admin-accounts" })
    .get("/accounts", () => ({ data: svc.list(gw) }), { detail: { summary: "List accounts", tags } })
    .post(
      "/accounts",
      ({ body, set }) => {
        set.status = 201;
        return svc.create(gw, body);
      },
      {
        body: CreateAccount,
        detail: { summary: "Create an account with an optional opening balance", tags },
      },
    )
    .get("/accounts/:id", ({ params }) => svc.get(gw, params.id), {
      detail: { summary: "One account", tags },
    })
    .patch("/accounts/:id", ({ params, body }) => svc.update(gw, params.id, body), {
      body: UpdateAccount,
      detail: {
        summary: "Suspend or resume an account (status), or set its low-balance threshold",
        tags,
      },
    })
    .post("/accounts/:id/topups", ({ params, body }) => svc.credit(gw, params.id, body, "topup"), {
      body: Topup,
      detail: { summary: "Top up an account; returns the new balance", tags },
    })
    .post("/accounts/:id/adjustments", ({ params, body }) => svc.credit(gw, params.id, body, "adjustment"), {
      body: Adjustment,
      detail: { summary: "Signed balance correction with a note", tags },
    })
    .post("/accounts/:id/refunds", ({ params, body }) => svc.credit(gw, params.id, body, "refund"), {
      body: Refund,
      detail: {
        summary: "Give money back (positive amount, with a note); a ledger entry of kind refund",
        tags,
      },
    })
    .get(
      "/accounts/:id/ledger",
      ({ params, query }) => svc.ledger(gw, params.id, query.limit, query.offset, query.kind),
      {
        query: LedgerQuery,
        detail: {
          summary: "Ledger entries with balance_after, newest first; kind=topup,refund filters by kind",
          tags,
        },
      },
    )
    .get("/accounts/:id/usage", ({ params, query }) => svc.usage(gw, params.id, query.days), {
      query: UsageQuery,
      detail: { summary: "Requests, tokens and spend of the account per UTC day", tags },
    });
