import { Elysia } from "elysia";
import { decodePathParam } from "../../http/path-param.ts";
import { CreateModel, UpdateModel } from "./model.ts";
import { type ModelsDeps, modelsService as svc } from "./service.ts";

const tags = ["Admin: models"];
/** Model ids may contain slashes (`openai/gpt-4o`): the id is the rest of the path, URL-decoded. */
const idOf = (params: { "*": string }) => decodePathParam(params["*"], "model id");

export const modelsAdmin = (gw: ModelsDeps) =>
  new Elysia({ name: "admin-models" })
    .get("/models", () => ({ data: svc.list(gw) }), {
      detail: { summary: "List models with prices (per 1M tokens) and routes", tags },
    })
    .post(
      "/models",
      ({ body, set }) => {
        set.status = 201;
        return svc.create(gw, body);
      },
      { body: CreateModel, detail: { summary: "Add a model", tags } },
    )
    .get("/models/*", ({ params }) => svc.get(gw, idOf(params)), { detail: { summary: "One model", tags } })
    .patch("/models/*", ({ params, body }) => svc.update(gw, idOf(params), body), {
      body: UpdateModel,
      detail: { summary: "Enable/disable, prices, routes", tags },
    })
    .delete("/models/*", ({ params }) => svc.delete(gw, idOf(params)), {
      detail: { summary: "Delete a model (409 while it is another model's fallback)", tags },
    });
