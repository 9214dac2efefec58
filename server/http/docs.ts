import { existsSync } from "node:fs";
import { join } from "node:path";
import { openapi } from "@elysiajs/openapi";
import { Elysia } from "elysia";
import { z } from "zod";
import { CompressedFiles } from "./compression.ts";

/**
 * The files of the docs UI (Swagger UI, from swagger-ui-dist: one script, one stylesheet,
 * no dependencies of its own), served by the gateway itself so /docs works air-gapped.
 * Swagger UI rather than Scalar: Scalar's package brought about 110 packages (Vue,
 * CodeMirror) and its page offers "Ask AI", "Generate MCP" and "Deploy", which need
 * scalar.com; Swagger UI's only outside call is the spec validator badge, turned off below.
 */
export const DOCS_ASSETS = {
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui.css": "text/css; charset=utf-8",
} as const;

export type DocsAsset = keyof typeof DOCS_ASSETS;
/** Where the docs UI files come from: node_modules (`npm start`) or the binary. */
export type DocsAssets = (name: DocsAsset) => Blob | null;

const assetPath = (name: DocsAsset) => `/docs/assets/${name}`;

/** OpenAPI at /docs (JSON at /docs/json), rendered by Swagger UI from the gateway's own files. */
export const docs = (version: string, assets: DocsAssets) => {
  const files = new CompressedFiles();
  const serve = async (name: DocsAsset, request: Request) => {
    const file = assets(name);
    if (!file) return new Response("docs UI not bundled", { status: 404 });
    return files.respond(request, name, file, {
      "content-type": DOCS_ASSETS[name],
      "cache-control": "public, max-age=86400",
    });
  };
  return new Elysia({ name: "docs" })
    .get(assetPath("swagger-ui-bundle.js"), ({ request }) => serve("swagger-ui-bundle.js", request), {
      detail: { hide: true },
    })
    .get(assetPath("swagger-ui.css"), ({ request }) => serve("swagger-ui.css", request), {
      detail: { hide: true },
    })
    .use(
      openapi({
        path: "/docs",
        provider: "swagger-ui",
        mapJsonSchema: { zod: z.toJSONSchema },
        swagger: {
          cdn: assetPath("swagger-ui-bundle.js"),
          theme: assetPath("swagger-ui.css"),
          // "none" turns off the badge that sends the spec's URL to validator.swagger.io.
          validatorUrl: "none",
          deepLinking: true,
        },
        documentation: {
          info: {
            title: "Tollgate",
            version,
            description:
              "Self-hosted LLM API gateway. Client routes take `Authorization: Bearer sk-tg-...`; admin routes under /admin/api take the admin token.",
          },
        },
      }),
    );
};

/** swagger-ui-dist has no `exports` map; its files are found by path, like the binary's embed step does. */
export const SWAGGER_UI_DIR = join(import.meta.dir, "..", "..", "node_modules", "swagger-ui-dist");

export function docsAssetsFromNodeModules(): DocsAssets {
  return (name) => {
    const path = join(SWAGGER_UI_DIR, name);
    return existsSync(path) ? Bun.file(path) : null;
  };
}
