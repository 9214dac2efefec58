import type { Running } from "./start.ts";

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;

/**
 * What the first start prints beside the admin token: where the panel is, which sign-in tab
 * takes the token, and what is still missing (no provider yet). A new operator holds the
 * token and a JSON line; this says what to do with them.
 */
export function firstRunSteps(running: Pick<Running, "url" | "gateway" | "createdAdminUser">): string {
  const base = running.gateway.settings.publicUrl ?? running.url;
  const providers = running.gateway.catalog.providers().length;
  const models = running.gateway.catalog.models().length;
  const signIn = running.createdAdminUser
    ? `Sign in as '${running.createdAdminUser}', or on the "Admin token" tab with the token above.`
    : `Sign in on the "Admin token" tab with the token above (no admin user exists yet; add one on the Admin users page).`;
  const setup =
    providers === 0
      ? "No provider is configured yet: add one on the Providers page (or in tollgate.yaml), then a model, an account and a key. The Overview lists these steps."
      : `${count(providers, "provider")} and ${count(models, "model")} are configured. Create an account and issue a key; the Overview lists the steps.`;
  return [
    "  Next steps:",
    "",
    `    1. Open the admin panel: ${base}/admin`,
    `    2. ${signIn}`,
    `    3. ${setup}`,
    "",
  ].join("\n");
}
