import { Elysia } from "elysia";
import { StatsQuery } from "./model.ts";
import { type StatsDeps, stats } from "./service.ts";

export const statsAdmin = (gw: StatsDeps) =>
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
