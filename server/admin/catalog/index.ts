import { Elysia } from "elysia";
import { z } from "zod";
import { lookupModel } from "../../catalog/model-catalog.ts";
import { badRequest, notFound } from "../../errors.ts";
import { decodePathParam } from "../../http/path-param.ts";
import type { AdminServices } from "../services.ts";

const tags = ["Admin: catalog"];
const Query = z.object({ provider: z.string().min(1) });

/**
 * What the installed model catalog knows about an upstream model (prices per 1M tokens in
 * USD, context window, capabilities, kind), for the panel to prefill a new model. Upstream
 * ids may hold slashes (`openai/gpt-4o`, `yandexgpt/rc`): the id is the rest of the path.
 * The provider the model is routed to picks the catalog's vendor (by kind and base URL).
 */
export const catalogAdmin = (gw: Pick<AdminServices, "catalog" | "settings">) =>
  new Elysia({ name: "admin-catalog" }).get(
    "/catalog/models/*",
    async ({ params, query }) => {
      const upstream = decodePathParam(params["*"], "upstream model id");
      const provider = gw.catalog.provider(query.provider);
      if (!provider)
        throw badRequest(`Unknown provider '${query.provider}'.`, "provider", "unknown_provider");
      const entry = await lookupModel(upstream, { kind: provider.kind, baseUrl: provider.baseUrl });
      if (!entry) throw notFound(`The model catalog does not know '${upstream}'.`, "not_in_catalog");
      return { ...entry, deployment_currency: gw.settings.currency };
    },
    {
      query: Query,
      detail: { summary: "Catalog prices, context window and capabilities of an upstream model", tags },
    },
  );
