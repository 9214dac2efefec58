import { Elysia } from "elysia";
import { testConnection } from "./connection.ts";
import { CreateProvider, UpdateProvider } from "./model.ts";
import { type ProvidersDeps, providersService as svc } from "./service.ts";

const tags = ["Admin: providers"];

export const providersAdmin = (gw: ProvidersDeps) =>
  new Elysia({ name: "admin-providers" })
    .get("/providers", () => ({ data: svc.list(gw) }), {
      detail: { summary: "List providers (secrets masked)", tags },
    })
    .post(
      "/providers",
      ({ body, set }) => {
        set.status = 201;
        return svc.create(gw, body);
      },
      { body: CreateProvider, detail: { summary: "Add a provider; api_key is write-only", tags } },
    )
    .get("/providers/:id", ({ params }) => svc.get(gw, params.id), {
      detail: { summary: "One provider", tags },
    })
    .patch("/providers/:id", ({ params, body }) => svc.update(gw, params.id, body), {
      body: UpdateProvider,
      detail: { summary: "Edit a provider; api_key: string sets, null clears, absent keeps", tags },
    })
    .delete("/providers/:id", ({ params }) => svc.delete(gw, params.id), {
      detail: { summary: "Delete a provider (409 while a model routes to it)", tags },
    })
    .post("/providers/:id/test", ({ params }) => testConnection(gw, params.id), {
      detail: { summary: "Test connection: lists the upstream's models with the stored credentials", tags },
    });
