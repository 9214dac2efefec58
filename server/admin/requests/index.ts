import { Elysia } from "elysia";
import { RequestQuery } from "./model.ts";
import { type RequestsDeps, requestsService as svc } from "./service.ts";

const tags = ["Admin: request log"];

export const requestsAdmin = (gw: RequestsDeps) =>
  new Elysia({ name: "admin-requests" })
    .get("/requests", ({ query }) => svc.list(gw, query), {
      query: RequestQuery,
      detail: {
        summary: "Request log, newest first, filtered by key, account, model, status, outcome and time",
        tags,
      },
    })
    .get("/requests/:id", ({ params }) => svc.get(gw, params.id), {
      detail: { summary: "One request with every upstream attempt", tags },
    });
