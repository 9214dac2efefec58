import { Elysia } from "elysia";
import type { Gateway } from "../../gateway/gateway.ts";
import { StatsQuery } from "./model.ts";
import { stats } from "./service.ts";

export const statsAdmin = (gw: Gateway) =>
  new Elysia({ name: "admin-stats" }).get(
    "/stats",
    ({ query }) => stats(gw, query.days, Date.now(), query.tz_offset),
    {
      query: StatsQuery,
      detail: {
        summary:
          "Overview: requests, spend, tokens, error rate for today (hourly) and the period (daily); top models and keys",
        tags: ["Admin: overview"],
      },
    },
  );
