import { Elysia } from "elysia";
import type { AdminServices } from "../services.ts";
import { AssignPlan, CreatePlan, UpdatePlan } from "./model.ts";
import { plansService as svc } from "./service.ts";

const tags = ["Admin: plans"];

/** Plans (named limit sets) and their assignment to accounts. */
export const plansAdmin = (gw: Pick<AdminServices, "plans" | "book" | "catalog">) =>
  new Elysia({ name: "admin-plans" })
    .get("/plans", () => ({ data: svc.list(gw) }), { detail: { summary: "List plans", tags } })
    .post(
      "/plans",
      ({ body, set }) => {
        set.status = 201;
        return svc.create(gw, body);
      },
      { body: CreatePlan, detail: { summary: "Create a plan", tags } },
    )
    .get("/plans/:id", ({ params }) => svc.get(gw, params.id), { detail: { summary: "One plan", tags } })
    .patch("/plans/:id", ({ params, body }) => svc.update(gw, params.id, body), {
      body: UpdatePlan,
      detail: { summary: "Change a plan's limits, multiplier or fee", tags },
    })
    .delete("/plans/:id", ({ params }) => svc.remove(gw, params.id), {
      detail: { summary: "Delete a plan no account is on", tags },
    })
    .get("/accounts/:id/plan", ({ params }) => svc.accountPlan(gw, params.id), {
      detail: { summary: "The account's plan and its paid period", tags },
    })
    .put("/accounts/:id/plan", ({ params, body }) => svc.assign(gw, params.id, body.plan_id), {
      body: AssignPlan,
      detail: { summary: "Put the account on a plan (null: none); a fee is charged for this month", tags },
    });
