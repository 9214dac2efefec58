import type { AdminServices } from "../services.ts";
import type { SettingsView, SetupView } from "./model.ts";

/** What this resource reads and writes. */
export type SetupDeps = Pick<AdminServices, "store" | "catalog" | "settings">;

export async function setupStatus(gw: SetupDeps): Promise<SetupView> {
  const providers = gw.catalog.providers().length;
  const models = gw.catalog.models().length;
  const { account, key, firstRequest: first_request } = await gw.store.setupFacts();
  return {
    providers,
    models,
    account,
    key,
    first_request,
    done: providers > 0 && models > 0 && account && key && first_request,
  };
}

export const settingsView = (gw: SetupDeps): SettingsView => ({
  currency: gw.settings.currency,
  version: gw.settings.version,
  public_url: gw.settings.publicUrl,
});
