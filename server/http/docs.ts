import { existsSync } from "node:fs";
import { join } from "node:path";
import { openapi } from "@elysiajs/openapi";
import { Elysia } from "elysia";
import { z } from "zod";

const SCALAR_PATH = "/docs/assets/scalar.js";

/**
 * OpenAPI at /docs (JSON at /docs/json). The Scalar UI script is served by the gateway
 * itself from node_modules, so the docs work offline in an air-gapped install.
 */
export const docs = (version: string, scalarScript: () => Blob | null) =>
  new Elysia({ name: "docs" })
    .get(
      SCALAR_PATH,
      () => {
        const file = scalarScript();
        if (!file) return new Response("docs UI not bundled", { status: 404 });
        return new Response(file, {
          headers: {
            "content-type": "text/javascript; charset=utf-8",
            "cache-control": "public, max-age=86400",
          },
        });
      },
      { detail: { hide: true } },
    )
    .use(
      openapi({
        path: "/docs",
        mapJsonSchema: { zod: z.toJSONSchema },
        exclude: { paths: [SCALAR_PATH] },
        // The plugin types every Scalar option as required; these two are all we set.
        scalar: { cdn: SCALAR_PATH, withDefaultFonts: false } as unknown as NonNullable<
          Parameters<typeof openapi>[0]
        >["scalar"],
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

/** The package's `exports` map hides this file from resolution, so it is found by path. */
export function scalarFromNodeModules(): Blob | null {
  const path = join(
    import.meta.dir,
    "..",
    "..",
    "node_modules",
    "@scalar",
    "api-reference",
    "dist",
    "browser",
    "standalone.js",
  );
  return existsSync(path) ? Bun.file(path) : null;
}
