import { Elysia } from "elysia";
import { PageQuery } from "../shared.ts";
import { Adjustment, CreateAccount, Topup } from "./model.ts";
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
    .post("/accounts/:id/topups", ({ params, body }) => svc.credit(gw, params.id, body, "topup"), {
      body: Topup,
      detail: { summary: "Top up an account; returns the new balance", tags },
    })
    .post("/accounts/:id/adjustments", ({ params, body }) => svc.credit(gw, params.id, body, "adjustment"), {
      body: Adjustment,
      detail: { summary: "Signed balance correction with a note", tags },
    })
    .get(
      "/accounts/:id/ledger",
      ({ params, query }) => svc.ledger(gw, params.id, query.limit, query.offset),
      {
        query: PageQuery,
        detail: { summary: "Ledger entries with balance_after, newest first", tags },
      },
    );
