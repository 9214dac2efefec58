import { Elysia } from "elysia";
import { z } from "zod";
import { CreateKey, UpdateKey } from "./model.ts";
import { type KeysDeps, keysService as svc } from "./service.ts";

const tags = ["Admin: keys"];

export const keysAdmin = (gw: KeysDeps) =>
  new Elysia({ name: "admin-keys" })
    .get("/keys", async ({ query }) => ({ data: await svc.list(gw, query.account_id, query.status) }), {
      query: z.object({
        account_id: z.string().optional(),
        status: z.enum(["active", "suspended", "revoked", "expired"]).optional(),
      }),
      detail: { summary: "List API keys (never the keys themselves)", tags },
    })
    .post(
      "/keys",
      ({ body, set }) => {
        set.status = 201;
        return svc.create(gw, body);
      },
      { body: CreateKey, detail: { summary: "Issue a key; the plain key is returned only here", tags } },
    )
    .get("/keys/:id", ({ params }) => svc.get(gw, params.id), { detail: { summary: "One key", tags } })
    .patch("/keys/:id", ({ params, body }) => svc.update(gw, params.id, body), {
      body: UpdateKey,
      detail: {
        summary:
          "Edit limits, budget period, allowed models, expiry; status: suspended / active suspends and resumes, revoked revokes for good",
        tags,
      },
    })
    .get("/keys/:id/usage", ({ params }) => svc.usage(gw, params.id), {
      detail: { summary: "Requests, tokens and spend of a key, with a daily series", tags },
    });
