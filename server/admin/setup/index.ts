import { Elysia } from "elysia";
import { type SetupDeps, setupStatus } from "./service.ts";

export const setupAdmin = (gw: SetupDeps) =>
  new Elysia({ name: "admin-setup" }).get("/setup", () => setupStatus(gw), {
    detail: {
      summary:
        "First-run checklist: whether a provider, a model, an account, a key and a first request exist",
      tags: ["Admin: overview"],
    },
  });
